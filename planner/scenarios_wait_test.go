package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// waitScenarios are the golden cases of resources found in transition,
// stuck or failed.
func waitScenarios() map[string]scenario {
	return map[string]scenario{
		"wait_in_transition": {
			// An apply was interrupted while web-3 built (its volume not
			// created yet); web-2's build failed; someone is stopping db
			// in the console; web-1's volume is still attaching.
			in: func() Input {
				f := webAndDB(nil, nil)
				st, inv := world(f)
				web3 := invServer(inv, "ncp", "web-3")
				web3.Status, web3.Power, web3.Busy, web3.Settling = "INIT", "", true, spec.PowerRunning
				st.Lookup(addrs.Server("web-3")).Server.Busy = true
				dropVolume(st, inv, "ncp", "volume/web-3/data")
				st.Intents = []state.Intent{{Action: "create server/web-3", Address: addrs.Server("web-3"), Provider: "ncp", Op: "create", Started: started}}
				web2 := invServer(inv, "ncp", "web-2")
				web2.Status, web2.Power, web2.Failed = "FSTOP", "", true
				db := invServer(inv, "nhn", "db")
				db.Status, db.Power, db.Busy, db.Settling = "ACTIVE", "", true, spec.PowerStopped
				invVolume(inv, "ncp", "volume/web-1/data").Busy = true
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "wait server/web-3", "create volume/web-3/data")
				before(t, p, "wait server/web-3", "attach volume/web-3/data")
				before(t, p, "wait server/db", "start server/db")
				if _, ok := actionByID(p, "wait server/web-2"); ok {
					t.Errorf("a failed server is replaced, not waited for")
				}
				before(t, p, "create server/web-2", "delete server/web-2 (replaced)")
				if p.Summary.Wait != 3 || p.Summary.Stuck != 0 || p.Summary.Replace != 1 {
					t.Errorf("summary %+v: want 3 waits, none stuck, 1 replace", p.Summary)
				}
				w, _ := actionByID(p, "wait server/web-3")
				if w.Detail() != "still building (INIT), started by an earlier apply" || w.CloudID != "id-web-3" {
					t.Errorf("wait server/web-3: %q on %q", w.Detail(), w.CloudID)
				}
				// The volume attaching on web-1 is waited for, and detaching
				// it from nothing is planned.
				if _, ok := actionByID(p, "wait volume/web-1/data"); !ok {
					t.Errorf("no wait for the volume in transition")
				}
			},
		},
		"wait_stuck": {
			// A resize of db stayed in RESIZE past an earlier apply's
			// --wait-timeout; the resize is still declared.
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				db := invServer(inv, "nhn", "db")
				db.Status, db.Power, db.Busy = "RESIZE", "", true
				st.Lookup(addrs.Server("db")).Stuck = &state.Stuck{Status: "RESIZE", Waited: "1h0m0s", At: started}
				st.Intents = []state.Intent{{Action: "resize server/db", Address: addrs.Server("db"), Provider: "nhn", Op: "update", Started: started}}
				return Input{Fleet: webAndDB(nil, func(s *spec.Server) { s.Type = "m2.c8m16" }), State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "wait server/db", "stop server/db", "resize server/db", "start server/db")
				w, _ := actionByID(p, "wait server/db")
				if !w.Stuck || p.Summary.Stuck != 1 || !strings.HasPrefix(w.Reason, "stuck: still RESIZE after an earlier apply waited 1h0m0s") {
					t.Errorf("wait %+v, summary %+v: want it stuck", w, p.Summary)
				}
				if got := renderDiags(d); !strings.Contains(got, "warning: server/db is stuck in RESIZE") || !strings.Contains(got, `fleet state rm server/db`) {
					t.Errorf("diagnostics do not say it is stuck and what to do:\n%s", got)
				}
			},
		},
	}
}

// dropVolume removes a volume from the state and the inventory: its create
// never ran.
func dropVolume(st *state.State, inv map[string]providers.InventoryResponse, provider, addr string) {
	st.Remove(addrs.MustParse(addr))
	r := inv[provider]
	kept := r.Volumes[:0]
	for _, v := range r.Volumes {
		if v.Owner.Address != addr {
			kept = append(kept, v)
		}
	}
	r.Volumes = kept
	inv[provider] = r
}

// actionByID returns the action with an id.
func actionByID(p *Plan, id string) (*Action, bool) {
	for i := range p.Actions {
		if p.Actions[i].ID == id {
			return &p.Actions[i], true
		}
	}
	return nil, false
}

// TestWaitScope: every action that needs a server in transition waits for
// it, on both clouds and for every action kind; a server only deleted on NHN
// is not waited for (Nova deletes one in any state), on NCP it is (it must
// be stopped first); an image not ready yet holds the servers booted from it.
func TestWaitScope(t *testing.T) {
	busy := func(inv map[string]providers.InventoryResponse, provider, name, status string) {
		s := invServer(inv, provider, name)
		s.Status, s.Power, s.Busy = status, "", true
	}
	cases := map[string]struct {
		setup  func(st *state.State, inv map[string]providers.InventoryResponse)
		fleet  *spec.Fleet
		waits  string
		before []string // pairs: first, then
		absent string   // an action that must not be planned
	}{
		"resize on NCP": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) {
				busy(inv, "ncp", "web-1", "RUN/SHTDN")
			},
			fleet: webAndDB(func(s *spec.Server) { s.Type = "s4-g2-s50" }, nil),
			waits: "wait server/web-1", before: []string{"wait server/web-1", "stop server/web-1", "wait server/web-1", "resize server/web-1"},
		},
		"shelve on NHN": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) { busy(inv, "nhn", "db", "BUILD") },
			fleet: webAndDB(nil, func(s *spec.Server) { s.Power = spec.PowerShelved }),
			waits: "wait server/db", before: []string{"wait server/db", "shelve server/db"},
		},
		"detach from a replaced server": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) { busy(inv, "nhn", "db", "REBOOT") },
			fleet: webAndDB(nil, func(s *spec.Server) { s.Image = "11111111-2222-3333-4444-555555555555" }),
			waits: "wait server/db", before: []string{"wait server/db", "detach volume/db/pgdata", "wait server/db", "delete server/db (replaced)"},
		},
		"delete on NCP": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) { busy(inv, "ncp", "web-3", "INIT") },
			fleet: func() *spec.Fleet {
				wg, web := groupOf("web", 2, nil, ncpServer, nil)
				dg, db := groupOf("db", 1, nil, nhnServer, nil)
				return fleetOf(wg, web, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
			}(),
			waits: "wait server/web-3", before: []string{"wait server/web-3", "stop server/web-3", "wait server/web-3", "detach volume/web-3/data"},
		},
		"delete on NHN": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) { busy(inv, "nhn", "db", "BUILD") },
			fleet: func() *spec.Fleet {
				wg, web := groupOf("web", 3, nil, ncpServer, nil)
				return fleetOf(wg, web, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
			}(),
			absent: "wait server/db",
		},
		"image from a server": {
			setup: func(_ *state.State, inv map[string]providers.InventoryResponse) {
				busy(inv, "ncp", "web-1", "NSTOP/START")
			},
			fleet: func() *spec.Fleet {
				f := webAndDB(nil, nil)
				f.Images = append(f.Images, &spec.Image{Name: "golden", From: "web-1"})
				return f
			}(),
			waits: "wait server/web-1", before: []string{"wait server/web-1", "image image/golden"},
		},
		"server from an image being made": {
			setup: func(st *state.State, inv map[string]providers.InventoryResponse) {
				r := inv["ncp"]
				r.Images = append(r.Images, providers.Image{ID: "img-golden", Name: "golden", Owner: providers.Owner{Fleet: "shop", Address: "image/golden"}, Status: "INIT"})
				inv["ncp"] = r
				st.Put(state.Resource{Address: addrs.Image("golden"), Kind: addrs.KindImage, Provider: "ncp", ID: "img-golden", Image: &r.Images[0]})
			},
			fleet: func() *spec.Fleet {
				wg, web := groupOf("web", 3, nil, ncpServer, nil)
				ng, nw := groupOf("new", 1, nil, ncpServer, func(s *spec.Server) { s.Image = "image/golden"; s.Volumes = nil })
				dg, db := groupOf("db", 1, nil, nhnServer, nil)
				f := fleetOf(wg, web, ng, nw, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
				f.Images = append(f.Images, &spec.Image{Name: "golden", From: "web-1"})
				return f
			}(),
			waits: "wait image/golden", before: []string{"wait image/golden", "create server/new"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, inv := world(webAndDB(nil, nil))
			tc.setup(st, inv)
			p, diags := Build(Input{Fleet: tc.fleet, State: st, Inventory: withCatalog(inv)})
			noErrors(t, diags)
			if tc.waits != "" {
				if _, ok := actionByID(p, tc.waits); !ok {
					t.Fatalf("no %q in %v", tc.waits, actionIDs(p))
				}
			}
			for i := 0; i+1 < len(tc.before); i += 2 {
				before(t, p, tc.before[i], tc.before[i+1])
			}
			if tc.absent != "" {
				if _, ok := actionByID(p, tc.absent); ok {
					t.Errorf("%q planned: %v", tc.absent, actionIDs(p))
				}
			}
		})
	}
}

// TestStuckMarkOutlived: the state keeps a stuck mark until an action sees
// the resource settle, so a transition that ended on its own leaves it
// behind. A later, different transition (db stopped in the console after
// its resize was stuck) is waited for, and not called stuck; the same one
// still is, whatever its task.
func TestStuckMarkOutlived(t *testing.T) {
	for name, tc := range map[string]struct {
		was, now string
		stuck    bool
	}{
		"NHN stopped since":   {was: "RESIZE", now: "ACTIVE/powering-off"},
		"NHN same":            {was: "RESIZE", now: "RESIZE", stuck: true},
		"NHN other task":      {was: "RESIZE", now: "RESIZE/resize_migrating", stuck: true},
		"NCP build went on":   {was: "INIT", now: "CREAT", stuck: true},
		"NCP stopping since":  {was: "INIT", now: "RUN/SHTDN"},
		"nothing seen at all": {was: "", now: "BUILD", stuck: true},
	} {
		status, stuck := tc.now, tc.stuck
		t.Run(name, func(t *testing.T) {
			st, inv := world(webAndDB(nil, nil))
			db := invServer(inv, "nhn", "db")
			db.Status, db.Power, db.Busy = status, "", true
			st.Lookup(addrs.Server("db")).Stuck = &state.Stuck{Status: tc.was, Waited: "1h0m0s", At: started}
			p, diags := Build(Input{Fleet: webAndDB(nil, nil), State: st, Inventory: withCatalog(inv)})
			noErrors(t, diags)
			w, ok := actionByID(p, "wait server/db")
			if !ok {
				t.Fatalf("no wait for db in %v", actionIDs(p))
			}
			warned := strings.Contains(renderDiags(diags), "is stuck")
			if w.Stuck != stuck || warned != stuck || (p.Summary.Stuck == 1) != stuck {
				t.Errorf("in %s: wait stuck %v, warned %v, summary %+v; want stuck %v", status, w.Stuck, warned, p.Summary, stuck)
			}
		})
	}
}

// A failed server is replaced like any other: protect: true blocks it, and
// in a group with a rollout it counts as down, so its replacement comes in
// batch 1, before any running member is touched.
func TestFailedServerUnderProtectAndRollout(t *testing.T) {
	t.Run("protect", func(t *testing.T) {
		f := webAndDB(nil, func(s *spec.Server) { s.Protect = true })
		st, inv := world(f)
		db := invServer(inv, "nhn", "db")
		db.Status, db.Power, db.Failed = "ERROR", "", true
		p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		if !strings.Contains(renderDiags(diags), "error: server/db is protected") {
			t.Errorf("want the replacement blocked by protect; diagnostics:\n%s", renderDiags(diags))
		}
		if a, ok := actionByID(p, "create server/db"); !ok || a.Blocked == "" || !a.Replace {
			t.Errorf("create server/db: %+v, want a blocked replacement", a)
		}
	})
	t.Run("rollout", func(t *testing.T) {
		r := &spec.Rollout{MaxUnavailable: 1}
		wg, web := groupOf("web", 3, r, ncpServer, func(s *spec.Server) { s.Volumes = nil })
		st, inv := world(fleetOf(wg, web))
		web3 := invServer(inv, "ncp", "web-3")
		web3.Status, web3.Power, web3.Failed = "FSTOP", "", true
		wg2, web2 := groupOf("web", 3, r, ncpServer, func(s *spec.Server) { s.Volumes = nil; s.Type = "s4-g2-s50" })
		p, diags := Build(Input{Fleet: fleetOf(wg2, web2), State: st, Inventory: withCatalog(inv)})
		noErrors(t, diags)
		for id, batch := range map[string]int{"create server/web-3": 1, "delete server/web-3 (replaced)": 1, "stop server/web-1": 2, "stop server/web-2": 3} {
			if a, ok := actionByID(p, id); !ok || a.Batch != batch {
				t.Errorf("%s: %+v, want batch %d", id, a, batch)
			}
		}
	})
}

// TestGiveUp: the way out a stuck warning names works for the resource:
// a destroy only for an NHN server (the only kind it does not wait for).
func TestGiveUp(t *testing.T) {
	for name, tc := range map[string]struct {
		kind    addrs.Kind
		cloud   string
		destroy bool
	}{
		"NHN server": {kind: addrs.KindServer, cloud: spec.ProviderNHNCloud, destroy: true},
		"NCP server": {kind: addrs.KindServer, cloud: spec.ProviderNCloud},
		"NHN volume": {kind: addrs.KindVolume, cloud: spec.ProviderNHNCloud},
		"NCP image":  {kind: addrs.KindImage, cloud: spec.ProviderNCloud},
	} {
		t.Run(name, func(t *testing.T) {
			got := giveUp(addrs.Server("y"), tc.kind, tc.cloud)
			if strings.Contains(got, "fleet destroy --target") != tc.destroy || !strings.Contains(got, `fleet state rm server/y`) {
				t.Errorf("giveUp: %q", got)
			}
		})
	}
}

// TestStuckByAge: a server still in its build transition longer after its
// creation than its cloud's build limit is stuck although no apply ever
// waited for it (one killed, or another tool's run); one just within the
// limit, or in another transition however old, is only waited for. The
// clock is the plan's Now, never the wall clock.
func TestStuckByAge(t *testing.T) {
	created := started
	for name, tc := range map[string]struct {
		provider, addr, status string
		age                    time.Duration // now - created; < 0: creation not reported
		noClock                bool          // Input.Now left zero
		limits                 map[string]time.Duration
		reason                 string // "" when not stuck
	}{
		"NCP INIT just below": {provider: "ncp", addr: "web-1", status: "INIT", age: NCPBuildLimit - time.Second},
		"NCP INIT at":         {provider: "ncp", addr: "web-1", status: "INIT", age: NCPBuildLimit},
		"NCP INIT just above": {provider: "ncp", addr: "web-1", status: "INIT", age: NCPBuildLimit + time.Second,
			reason: "stuck: still INIT 1h after it was created; NCP builds take at most 1h; fleet waits for it, up to --wait-timeout"},
		"NCP CREAT 2h": {provider: "ncp", addr: "web-1", status: "CREAT", age: 2*time.Hour + 5*time.Minute,
			reason: "stuck: still CREAT 2h5m after it was created; NCP builds take at most 1h;"},
		"NCP setting up long after": {provider: "ncp", addr: "web-1", status: "RUN/SETUP", age: 30 * 24 * time.Hour},
		"NHN BUILD just below":      {provider: "nhn", addr: "db", status: "BUILD/spawning", age: NHNBuildLimit - time.Second},
		"NHN BUILD just above": {provider: "nhn", addr: "db", status: "BUILD/spawning", age: NHNBuildLimit + time.Second,
			reason: "stuck: still BUILD/spawning 30m after it was created; NHN Cloud builds take at most 30m;"},
		"NHN resizing long after": {provider: "nhn", addr: "db", status: "RESIZE", age: 30 * 24 * time.Hour},
		"limit overridden": {provider: "nhn", addr: "db", status: "BUILD", age: 3 * time.Second,
			limits: map[string]time.Duration{spec.ProviderNHNCloud: 2 * time.Second},
			reason: "stuck: still BUILD 3s after it was created; NHN Cloud builds take at most 2s;"},
		"no clock":              {provider: "ncp", addr: "web-1", status: "INIT", age: 5 * time.Hour, noClock: true},
		"creation not reported": {provider: "ncp", addr: "web-1", status: "INIT", age: -1},
	} {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, nil)
			st, inv := world(f)
			s := invServer(inv, tc.provider, tc.addr)
			s.Status, s.Power, s.Busy, s.Created = tc.status, "", true, created
			now := created.Add(tc.age)
			switch {
			case tc.age < 0:
				s.Created = time.Time{}
			case tc.noClock:
				now = time.Time{}
			}
			p, diags := Build(Input{Fleet: f, State: st, Inventory: withCatalog(inv), Now: now, BuildLimits: tc.limits})
			noErrors(t, diags)
			w, ok := actionByID(p, "wait server/"+tc.addr)
			if !ok {
				t.Fatalf("no wait for %s in %v", tc.addr, actionIDs(p))
			}
			stuck := tc.reason != ""
			warning := "warning: server/" + tc.addr + " is stuck in " + tc.status
			warned := strings.Contains(renderDiags(diags), warning)
			if w.Stuck != stuck || warned != stuck || (p.Summary.Stuck == 1) != stuck {
				t.Fatalf("wait stuck %v, warned %v, summary %+v; want stuck %v\n%s", w.Stuck, warned, p.Summary, stuck, renderDiags(diags))
			}
			if !stuck {
				return
			}
			if !strings.HasPrefix(w.Reason, tc.reason) {
				t.Errorf("reason %q, want it to start %q", w.Reason, tc.reason)
			}
			if got := renderDiags(diags); !strings.Contains(got, "this plan waits for it, up to --wait-timeout") || !strings.Contains(got, "fleet state rm server/"+tc.addr) {
				t.Errorf("the warning does not say what fleet does and how to give up:\n%s", got)
			}
		})
	}
}
