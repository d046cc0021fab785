package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// started is when the interrupted operations of these scenarios began.
var started = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

// resumeScenarios are the golden cases of a run that was killed part way
// (intents left in the state, servers left down, duplicates left in the
// cloud) and of type codes written as product codes.
func resumeScenarios() map[string]scenario {
	return map[string]scenario{
		"batch_rename_resume": {
			// A batch create of web-1..3 (NCP names them web-001..web-003)
			// was killed before its renames: web-2 and web-3 still carry the
			// cloud's names and the create intent of web-3.
			in: func() Input {
				wg, web := groupOf("web", 3, nil, ncpServer, func(s *spec.Server) { s.Volumes = nil })
				st, inv := world(fleetOf(wg, web))
				for _, n := range []string{"web-2", "web-3"} {
					invServer(inv, "ncp", n).Name = "web-00" + n[4:]
					st.Lookup(addrs.Server(n)).Server.Name = "web-00" + n[4:]
				}
				st.Intents = []state.Intent{{Action: "create server/web-3", Address: addrs.Server("web-3"), Provider: "ncp", Op: "create", Started: started}}
				return Input{Fleet: fleetOf(wg, web), State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "rename server/web-2", "rename server/web-3")
				for _, a := range p.Actions {
					if a.NewAddress() != a.Address || a.Rename.NewName != strings.TrimPrefix(a.Address.String(), "server/") {
						t.Errorf("%s renames to %s at %s, want its own address", a.ID, a.Rename.NewName, a.NewAddress())
					}
				}
			},
		},
		"rollout_resume": {
			// A resize of web (6, two at a time) was killed in batch 1:
			// web-1 is stopped, web-2 stopped and resized (its resize not
			// recorded). They finish in batch 1, alone.
			in: func() Input {
				wg, web := groupOf("web", 6, &spec.Rollout{MaxUnavailable: 2}, ncpServer, func(s *spec.Server) { s.Volumes = nil })
				st, inv := world(fleetOf(wg, web))
				for _, n := range []string{"web-1", "web-2"} {
					invServer(inv, "ncp", n).Power = spec.PowerStopped
					st.Lookup(addrs.Server(n)).Server.Power = spec.PowerStopped
				}
				invServer(inv, "ncp", "web-2").Type = "s4-g2-s50"
				st.Intents = []state.Intent{{Action: "resize server/web-2", Address: addrs.Server("web-2"), Provider: "ncp", Op: "update", Started: started}}
				wg2, web2 := groupOf("web", 6, &spec.Rollout{MaxUnavailable: 2}, ncpServer, func(s *spec.Server) { s.Volumes = nil; s.Type = "s4-g2-s50" })
				return Input{Fleet: fleetOf(wg2, web2), State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				want := []Rollout{{Group: "web", MaxUnavailable: 2, Batches: 3, Servers: 6, Down: 2}}
				if diff := cmp.Diff(want, p.Rollouts); diff != "" {
					t.Errorf("rollouts (-want +got):\n%s", diff)
				}
				for id, batch := range map[string]int{
					"resize server/web-1": 1, "start server/web-1": 1, "start server/web-2": 1,
					"stop server/web-3": 2, "stop server/web-4": 2, "stop server/web-5": 3, "stop server/web-6": 3,
				} {
					if got := p.Actions[position(t, p, id)].Batch; got != batch {
						t.Errorf("%s in batch %d, want %d", id, got, batch)
					}
				}
				before(t, p, "start server/web-1", "stop server/web-3")
				before(t, p, "start server/web-2", "stop server/web-4")
				if n := maxDown(p, "web", []string{"server/web-1", "server/web-2"}); n > 2 {
					t.Errorf("up to %d servers down, max_unavailable is 2", n)
				}
				if len(p.Drift) != 0 || len(p.Interrupted) != 1 || p.Summary.Interrupted != 1 {
					t.Errorf("drift %+v, interrupted %+v", p.Drift, p.Interrupted)
				}
			},
		},
		"interrupted": {
			// A resize of db to m2.c8m16 was killed after the resize, before
			// the start; web-3 was stopped by hand (drift).
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				db := invServer(inv, "nhn", "db")
				db.Type, db.Power, db.Status = "m2.c8m16", spec.PowerStopped, "SHUTOFF"
				invServer(inv, "ncp", "web-3").Power = spec.PowerStopped
				st.Intents = []state.Intent{
					{Action: "resize server/db", Address: addrs.Server("db"), Provider: "nhn", Op: "update", Started: started},
					{Action: "create server/web-4", Address: addrs.Server("web-4"), Provider: "ncp", Op: "create", Started: started.Add(-time.Minute)},
				}
				return Input{Fleet: webAndDB(nil, func(s *spec.Server) { s.Type = "m2.c8m16" }), State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "start server/db", "start server/web-3")
				if p.Summary.Drift != 1 || p.Drift[0].Address != addrs.Server("web-3") {
					t.Errorf("drift %+v", p.Drift)
				}
				want := []string{
					"server/db: interrupted: resize started 2026-11-22T20:00:00Z did not finish; power: running → stopped, type: m2.c4m8 → m2.c8m16",
					"server/web-4: interrupted: create started 2026-11-22T19:59:00Z did not finish",
				}
				var got []string
				for _, in := range p.Interrupted {
					got = append(got, in.Address.String()+": "+in.Line())
				}
				if diff := cmp.Diff(want, got); diff != "" || p.Summary.Interrupted != 2 {
					t.Errorf("interrupted (-want +got):\n%s", diff)
				}
			},
		},
		"duplicates": {
			// A replace of web-1 was killed between its halves (the new
			// server exists, the state still holds the old one); a volume
			// of web-2 and the db server were created twice, unrecorded.
			// Resources without this fleet's tag are never touched.
			in: func() Input {
				f := webAndDB(nil, nil)
				st, inv := world(f)
				ncp, nhn := inv["ncp"], inv["nhn"]
				dup := cloneServer(*invServer(inv, "ncp", "web-1"))
				dup.ID, dup.Image, dup.Attached = "id-web-1-new", "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050", nil
				stranger := cloneServer(dup)
				stranger.ID, stranger.Owner = "id-stranger", providers.Owner{}
				other := cloneServer(dup)
				other.ID, other.Owner = "id-other-fleet", providers.Owner{Fleet: "other", Address: "server/web-1"}
				ncp.Servers = append(ncp.Servers, dup, stranger, other)
				dupVol := *invVolume(inv, "ncp", "volume/web-2/data")
				dupVol.ID = "vol-web-2-data-dup"
				ncp.Volumes = append(ncp.Volumes, dupVol)
				first := cloneServer(nhn.Servers[0])
				first.Busy, first.Power, first.Status = true, "", "BUILD"
				second := cloneServer(nhn.Servers[0])
				second.ID, second.Attached = "id-db-b", nil
				nhn.Servers = []providers.Server{first, second}
				inv["ncp"], inv["nhn"] = ncp, nhn
				st.Remove(addrs.Server("db"))
				st.Remove(addrs.Volume("db", "pgdata"))
				f2 := webAndDB(func(s *spec.Server) {
					if s.Name == "web-1" {
						s.Image = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050"
					}
				}, nil)
				return Input{Fleet: f2, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				if a := p.Actions[position(t, p, "adopt server/db")]; a.CloudID != "id-db-b" {
					t.Errorf("adopted %s, want the healthy id-db-b", a.CloudID)
				}
				before(t, p, "stop server/web-1 (duplicate id-web-1-new)", "delete server/web-1 (duplicate id-web-1-new)")
				before(t, p, "detach volume/web-2/data (duplicate vol-web-2-data-dup)", "delete volume/web-2/data (duplicate vol-web-2-data-dup)")
				before(t, p, "detach volume/db/pgdata", "delete server/db (duplicate id-db)")
				before(t, p, "detach volume/db/pgdata", "attach volume/db/pgdata")
				if a := p.Actions[position(t, p, "delete server/web-1 (duplicate id-web-1-new)")]; a.CloudID != "id-web-1-new" ||
					a.Reason != "duplicate of server/web-1 left by an interrupted run; fleet keeps id-web-1" {
					t.Errorf("duplicate delete %+v", a)
				}
				if a := p.Actions[position(t, p, "delete server/web-1 (replaced)")]; a.CloudID != "id-web-1" {
					t.Errorf("the replace deletes %s, want the state's id-web-1", a.CloudID)
				}
				deleted := map[string]string{}
				for _, a := range p.Actions {
					if a.CloudID == "id-stranger" || a.CloudID == "id-other-fleet" {
						t.Errorf("%s touches a resource without this fleet's tag", a.ID)
					}
					if a.Type == Delete {
						deleted[a.CloudID] = a.ID
					}
				}
				for _, id := range []string{"id-web-1-new", "vol-web-2-data-dup", "id-db", "id-web-1"} {
					if deleted[id] == "" {
						t.Errorf("%s is not deleted: %v", id, deleted)
					}
				}
				if len(deleted) != 4 {
					t.Errorf("deletes %v, want exactly the duplicates and the replaced server", deleted)
				}
			},
		},
		"ncp_product_code": {
			// The file names types by NCP product code; the inventory
			// reports spec codes. Only web-3's real change is a resize.
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				f := webAndDB(func(s *spec.Server) {
					s.Type = "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002"
					if s.Name == "web-3" {
						s.Type = "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"
					}
				}, func(s *spec.Server) { s.Type = "flv-m2c4m8" })
				return Input{Fleet: f, State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "stop server/web-3", "resize server/web-3", "start server/web-3")
				if a := p.Actions[position(t, p, "resize server/web-3")]; a.Resize.NewType != "s4-g2-s50" {
					t.Errorf("resize to %q, want the spec code", a.Resize.NewType)
				}
			},
		},
	}
}

// maxDown is the most servers of a group unavailable at once when the
// executor runs the batches in turn: in batch b, the servers with actions
// in batch b, plus those down from the start whose recovery is not done by
// then (no action, unbatched ones that may run at any time, or later ones).
func maxDown(p *Plan, group string, downAtStart []string) int {
	byServer := map[string][]int{}
	last := 0
	for _, a := range p.Actions {
		if a.Kind == addrs.KindServer && a.Group == group || contains(downAtStart, a.Address.String()) {
			byServer[a.Address.String()] = append(byServer[a.Address.String()], a.Batch)
			last = max(last, a.Batch)
		}
	}
	most := 0
	for b := 1; b <= max(last, 1); b++ {
		n := 0
		for _, addr := range sortedKeys(byServer) {
			if slices.Contains(byServer[addr], b) {
				n++
				continue
			}
			if !contains(downAtStart, addr) {
				continue
			}
			done := len(byServer[addr]) > 0
			for _, x := range byServer[addr] {
				done = done && x != 0 && x < b
			}
			if !done {
				n++
			}
		}
		for _, addr := range downAtStart {
			if _, ok := byServer[addr]; !ok {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// TestRolloutResume: whatever is already down, a resumed rollout never
// has more than max_unavailable servers of the group down.
func TestRolloutResume(t *testing.T) {
	cases := map[string]struct {
		stopped, busy []string // servers left down by the killed run
		limit         int
		wantBatch1    []string // servers with actions in batch 1
		wantWarning   string
	}{
		"two stopped, limit 2": {stopped: []string{"web-1", "web-2"}, limit: 2, wantBatch1: []string{"server/web-1", "server/web-2"}},
		"one stopped, limit 2": {stopped: []string{"web-4"}, limit: 2, wantBatch1: []string{"server/web-1", "server/web-4"}},
		"three stopped, limit 2": {stopped: []string{"web-2", "web-3", "web-5"}, limit: 2,
			wantBatch1: []string{"server/web-2", "server/web-3", "server/web-5"}},
		"one busy mid-resize, limit 3": {busy: []string{"web-6"}, limit: 3, wantBatch1: []string{"server/web-1", "server/web-2", "server/web-6"}},
		// Waiting for them is what there is to do: batch 1 is theirs.
		"two busy with nothing to do, limit 2": {busy: []string{"web-5", "web-6"}, limit: 2,
			wantBatch1: []string{"server/web-5", "server/web-6"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := &spec.Rollout{MaxUnavailable: tc.limit}
			wg, web := groupOf("web", 6, r, ncpServer, func(s *spec.Server) { s.Volumes = nil })
			st, inv := world(fleetOf(wg, web))
			var down []string
			for _, n := range tc.stopped {
				invServer(inv, "ncp", n).Power = spec.PowerStopped
				st.Lookup(addrs.Server(n)).Server.Power = spec.PowerStopped
				down = append(down, "server/"+n)
			}
			for _, n := range tc.busy {
				s := invServer(inv, "ncp", n)
				s.Busy, s.Power, s.Type = true, "", "s4-g2-s50"
				if tc.wantWarning == "" {
					s.Type = "s2-g2-s50" // still to resize
				}
				down = append(down, "server/"+n)
			}
			wg2, web2 := groupOf("web", 6, r, ncpServer, func(s *spec.Server) { s.Volumes = nil; s.Type = "s4-g2-s50" })
			p, diags := Build(Input{Fleet: fleetOf(wg2, web2), State: st, Inventory: withCatalog(inv)})
			if diags.HasErrors() {
				t.Fatal(renderDiags(diags))
			}
			if tc.wantWarning != "" {
				if !strings.Contains(renderDiags(diags), tc.wantWarning) {
					t.Errorf("no warning %q in %s", tc.wantWarning, renderDiags(diags))
				}
				return // nothing in the plan can wait for those servers
			}
			var batch1 []string
			for _, a := range p.Actions {
				if a.Batch == 1 && !contains(batch1, a.Address.String()) {
					batch1 = append(batch1, a.Address.String())
				}
			}
			sort.Strings(batch1)
			if diff := cmp.Diff(tc.wantBatch1, batch1); diff != "" {
				t.Errorf("batch 1 (-want +got):\n%s", diff)
			}
			if n := maxDown(p, "web", down); n > max(tc.limit, len(down)) {
				t.Errorf("up to %d servers down, limit %d with %d already down", n, tc.limit, len(down))
			}
			if n := maxDown(p, "web", down); len(down) <= tc.limit && n > tc.limit {
				t.Errorf("up to %d servers down, limit %d", n, tc.limit)
			}
			for _, a := range p.Actions {
				if a.Batch == 0 {
					t.Errorf("%s is outside every batch", a.ID)
				}
			}
		})
	}
}

// TestDuplicateWithoutState: with no state entry, the healthiest, then the
// lowest id, of the tagged copies is adopted and the others deleted.
func TestDuplicateWithoutState(t *testing.T) {
	cases := map[string]struct {
		edit      func(a, b *providers.Server)
		wantAdopt string
	}{
		"both healthy: lowest id":   {edit: func(a, b *providers.Server) {}, wantAdopt: "id-db"},
		"lowest failed":             {edit: func(a, b *providers.Server) { a.Failed = true }, wantAdopt: "id-db-b"},
		"lowest busy, other failed": {edit: func(a, b *providers.Server) { a.Busy = true; b.Failed = true }, wantAdopt: "id-db"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, func(s *spec.Server) { s.Volumes = nil })
			st, inv := world(f)
			st.Remove(addrs.Server("db"))
			nhn := inv["nhn"]
			a, b := cloneServer(nhn.Servers[0]), cloneServer(nhn.Servers[0])
			b.ID = "id-db-b"
			tc.edit(&a, &b)
			nhn.Servers = []providers.Server{b, a} // inventory order must not matter
			inv["nhn"] = nhn
			p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
			noErrors(t, diags)
			other := map[string]string{"id-db": "id-db-b", "id-db-b": "id-db"}[tc.wantAdopt]
			if got := p.Actions[position(t, p, "adopt server/db")].CloudID; got != tc.wantAdopt {
				t.Errorf("adopted %s, want %s", got, tc.wantAdopt)
			}
			del := p.Actions[position(t, p, fmt.Sprintf("delete server/db (duplicate %s)", other))]
			if del.CloudID != other || !strings.HasPrefix(del.Reason, "duplicate of server/db left by an interrupted run") {
				t.Errorf("delete %+v", del)
			}
		})
	}
}
