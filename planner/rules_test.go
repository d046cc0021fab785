package planner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

func TestResizeRule(t *testing.T) {
	cat := withCatalog(emptyInventory())
	tests := map[string]struct {
		cloud, from, to string
		cat             *providers.Catalog
		replace         bool
	}{
		"ncp same family, catalog":      {spec.ProviderNCloud, "s2-g2-s50", "s4-g2-s50", cat["ncp"].Catalog, false},
		"ncp other family, catalog":     {spec.ProviderNCloud, "s2-g2-s50", "c2-g2-s50", cat["ncp"].Catalog, true},
		"ncp same family, derived":      {spec.ProviderNCloud, "s2-g3", "s8-g3", nil, false},
		"ncp other generation, derived": {spec.ProviderNCloud, "s2-g2-s50", "s2-g3", nil, true},
		"ncp other family, derived":     {spec.ProviderNCloud, "m4-g3", "c4-g3", nil, true},
		"ncp product codes, same class": {spec.ProviderNCloud, "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002", "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002", nil, false},
		"ncp product codes, other disk": {spec.ProviderNCloud, "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002", "SVR.VSVR.STAND.C004.M016.NET.HDD.B050.G002", nil, true},
		"ncp spec code to its product":  {spec.ProviderNCloud, "s2-g2-s50", "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002", cat["ncp"].Catalog, false},
		"nhn within m2":                 {spec.ProviderNHNCloud, "m2.c4m8", "m2.c8m16", cat["nhn"].Catalog, false},
		"nhn m2 to c2 (no catalog)":     {spec.ProviderNHNCloud, "m2.c4m8", "c2.c8m8", nil, false},
		"nhn into u2":                   {spec.ProviderNHNCloud, "m2.c4m8", "u2.c2m4", cat["nhn"].Catalog, true},
		"nhn out of u2":                 {spec.ProviderNHNCloud, "u2.c2m4", "m2.c4m8", nil, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			why := resizeRule(tc.cloud, tc.from, tc.to, tc.cat)
			if (why != "") != tc.replace {
				t.Errorf("resizeRule(%s → %s) = %q, want replace %v", tc.from, tc.to, why, tc.replace)
			}
		})
	}
}

func TestPowerSteps(t *testing.T) {
	tests := map[string]struct {
		from, to spec.Power
		want     []ActionType
	}{
		"running to stopped": {spec.PowerRunning, spec.PowerStopped, []ActionType{Stop}},
		"running to shelved": {spec.PowerRunning, spec.PowerShelved, []ActionType{Shelve}},
		"stopped to running": {spec.PowerStopped, spec.PowerRunning, []ActionType{Start}},
		"stopped to shelved": {spec.PowerStopped, spec.PowerShelved, []ActionType{Start, Shelve}},
		"shelved to running": {spec.PowerShelved, spec.PowerRunning, []ActionType{Unshelve}},
		"shelved to stopped": {spec.PowerShelved, spec.PowerStopped, []ActionType{Unshelve, Stop}},
		"in transition":      {"", spec.PowerStopped, nil},
		"already there":      {spec.PowerStopped, spec.PowerStopped, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, powerSteps(tc.from, tc.to)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestAttributeEffects checks the table through Build: one attribute
// changed on a matching world gives the planned action per cloud.
func TestAttributeEffects(t *testing.T) {
	type edit struct {
		desired  func(*spec.Server)
		live     func(*providers.Server)
		recorded map[string]string // state.Resource.Declared
	}
	tests := map[string]struct {
		ncp  bool // the NCP web server, else the NHN db
		edit edit
		want []string
	}{
		"ncp security groups replace": {true, edit{desired: func(s *spec.Server) { s.Network.SecurityGroups = []string{"43", "44"} }},
			[]string{"create server/web", "stop server/web (replaced)", "delete server/web (replaced)"}},
		"nhn security groups update": {false, edit{desired: func(s *spec.Server) { s.Network.SecurityGroups = []string{"default", "web"} }},
			[]string{"update server/db"}},
		"nhn metadata update": {false, edit{desired: func(s *spec.Server) { s.Metadata = map[string]string{"role": "db"} }},
			[]string{"update server/db"}},
		"ncp metadata ignored": {true, edit{desired: func(s *spec.Server) { s.Metadata = map[string]string{"role": "web"} }}, nil},
		"ncp protect update":   {true, edit{desired: func(s *spec.Server) { s.Protect = true }}, []string{"update server/web"}},
		"nhn protect update":   {false, edit{desired: func(s *spec.Server) { s.Protect = true }}, []string{"update server/db"}},
		"nhn unprotect update": {false, edit{live: func(s *providers.Server) { s.Protect = true }},
			[]string{"update server/db"}},
		"ncp init script replace": {true, edit{desired: func(s *spec.Server) { s.InitScript = "9" }, live: func(s *providers.Server) { s.Extra = map[string]string{"init_script": "8"} }},
			[]string{"create server/web", "stop server/web (replaced)", "delete server/web (replaced)"}},
		"ncp init script not reported": {true, edit{desired: func(s *spec.Server) { s.InitScript = "9" }}, nil},
		"ncp interfaces replace": {true, edit{desired: func(s *spec.Server) { s.Network.Interfaces = []string{"931"} }, live: func(s *providers.Server) { s.Extra = map[string]string{"interfaces": "930"} }},
			[]string{"create server/web", "stop server/web (replaced)", "delete server/web (replaced)"}},
		"ncp interfaces as taken":       {true, edit{desired: func(s *spec.Server) { s.Network.Interfaces = []string{"930", "931"} }, live: func(s *providers.Server) { s.Extra = map[string]string{"interfaces": "930,931"} }}, nil},
		"ncp interfaces not declared":   {true, edit{live: func(s *providers.Server) { s.Extra = map[string]string{"interfaces": "930"} }}, nil},
		"ncp billing default is hourly": {true, edit{live: func(s *providers.Server) { s.Extra = map[string]string{"billing": "hourly"} }}, nil},
		"nhn user data replace": {false, edit{desired: func(s *spec.Server) { s.UserData = "#!/bin/sh\n" }, live: func(s *providers.Server) { s.Extra = map[string]string{"user_data_sha256": ""} }},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"nhn key replace": {false, edit{desired: func(s *spec.Server) { s.Key = "other" }},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"root volume size replace": {false, edit{desired: func(s *spec.Server) { s.RootVolume.Size = 100 }},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"unset zone not compared": {true, edit{desired: func(s *spec.Server) { s.Zone = "" }}, nil},
		"failed server replaced": {false, edit{live: func(s *providers.Server) { s.Failed, s.Status = true, "ERROR" }},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"unreported security groups not compared": {true, edit{live: func(s *providers.Server) { s.SecurityGroups = nil }}, nil},
		"unreported image not compared":           {true, edit{live: func(s *providers.Server) { s.Image = "" }}, nil},
		"image alias matches":                     {true, edit{desired: func(s *spec.Server) { s.Image = "25495367" }, live: func(s *providers.Server) { s.ImageAliases = []string{"25495367"} }}, nil},
		"provider move replaces": {true, edit{desired: func(s *spec.Server) { s.Provider = "nhn" }},
			[]string{"create server/web", "stop server/web (replaced)", "delete server/web (replaced)"}},
		"nhn user data recorded, changed": {false, edit{desired: func(s *spec.Server) { s.UserData = "b" }, recorded: map[string]string{"user_data": UserDataDigest("a")}},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"nhn user data recorded, same": {false, edit{desired: func(s *spec.Server) { s.UserData = "a" }, recorded: map[string]string{"user_data": UserDataDigest("a")}}, nil},
		"nhn user data recorded, removed": {false, edit{recorded: map[string]string{"user_data": UserDataDigest("a")}},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"nhn user data not recorded (older state)": {false, edit{desired: func(s *spec.Server) { s.UserData = "b" }}, nil},
		"nhn subnet recorded, changed": {false, edit{desired: func(s *spec.Server) { s.Network.Subnet = "other" }, live: func(s *providers.Server) { s.Subnet = "" },
			recorded: map[string]string{"network.subnet": "first"}},
			[]string{"create server/db", "delete server/db (replaced)"}},
		"ncp billing recorded, changed": {true, edit{desired: func(s *spec.Server) { s.Billing = "monthly" }, recorded: map[string]string{"billing": "hourly"}},
			[]string{"create server/web", "stop server/web (replaced)", "delete server/web (replaced)"}},
		"ncp billing not recorded (older state)": {true, edit{desired: func(s *spec.Server) { s.Billing = "monthly" }}, nil},
		"ncp public ip on in place":              {true, edit{desired: func(s *spec.Server) { s.PublicIP = true }}, []string{"update server/web"}},
		"nhn public ip on in place":              {false, edit{desired: func(s *spec.Server) { s.PublicIP = true }}, []string{"update server/db"}},
		"nhn public ip off in place":             {false, edit{live: func(s *providers.Server) { s.PublicIP = "133.186.128.2" }}, []string{"update server/db"}},
		"ncp public ip allocated, wanted": {true, edit{desired: func(s *spec.Server) { s.PublicIP = true }, live: func(s *providers.Server) { s.PublicIPPending = "501" }},
			[]string{"update server/web"}},
		"nhn public ip allocated, not wanted": {false, edit{live: func(s *providers.Server) { s.PublicIPPending = "f1" }}, []string{"update server/db"}},
		"ncp public ip associated, pending ignored": {true, edit{desired: func(s *spec.Server) { s.PublicIP = true },
			live: func(s *providers.Server) { s.PublicIP, s.PublicIPPending = "211.188.48.2", "" }}, nil},
		"reported value wins over recorded": {true, edit{desired: func(s *spec.Server) { s.InitScript = "8" },
			live: func(s *providers.Server) { s.Extra = map[string]string{"init_script": "8"} }, recorded: map[string]string{"init_script": "9"}}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mk := nhnServer
			grp := "db"
			if tc.ncp {
				mk, grp = ncpServer, "web"
			}
			noVol := func(s *spec.Server) { s.Volumes = nil }
			g0, s0 := groupOf(grp, 1, nil, mk, noVol)
			st, inv := world(fleetOf(g0, s0))
			if tc.edit.live != nil {
				provider := s0[0].Provider
				tc.edit.live(invServer(inv, provider, grp))
				tc.edit.live(st.Lookup(addrs.Server(grp)).Server)
			}
			if tc.edit.recorded != nil {
				st.Lookup(addrs.Server(grp)).Declared = tc.edit.recorded
			}
			g1, s1 := groupOf(grp, 1, nil, mk, func(s *spec.Server) {
				noVol(s)
				if tc.edit.desired != nil {
					tc.edit.desired(s)
				}
			})
			p, diags := Build(Input{Fleet: fleetOf(g1, s1), State: st, Inventory: inv})
			noErrors(t, diags)
			wantIDs(t, p, tc.want...)
		})
	}
}

// TestPublicIPUpdate: the update carries the change; an address allocated
// and never associated reads "allocated" in the plan.
func TestPublicIPUpdate(t *testing.T) {
	tests := map[string]struct {
		pending string
		on      bool
		change  FieldChange
	}{
		"on":                 {"", true, FieldChange{Path: "public_ip", From: "false", To: "true"}},
		"allocated, adopted": {"f1", true, FieldChange{Path: "public_ip", From: "allocated", To: "true"}},
		"allocated, freed":   {"f1", false, FieldChange{Path: "public_ip", From: "allocated", To: "false"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			noVol := func(s *spec.Server) { s.Volumes = nil }
			g0, s0 := groupOf("db", 1, nil, nhnServer, noVol)
			st, inv := world(fleetOf(g0, s0))
			invServer(inv, s0[0].Provider, "db").PublicIPPending = tc.pending
			g1, s1 := groupOf("db", 1, nil, nhnServer, func(s *spec.Server) {
				noVol(s)
				s.PublicIP, s.PublicNetwork = tc.on, "Public Network"
			})
			p, diags := Build(Input{Fleet: fleetOf(g1, s1), State: st, Inventory: inv})
			noErrors(t, diags)
			if len(p.Actions) != 1 {
				t.Fatalf("actions: %v", p.Actions)
			}
			a := p.Actions[0]
			if a.Type != Update || a.Update.PublicIP == nil || *a.Update.PublicIP != tc.on || a.Update.PublicNet != "Public Network" {
				t.Fatalf("action %+v, want an update with public_ip %v", a, tc.on)
			}
			if d := cmp.Diff([]FieldChange{tc.change}, a.Changes); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
		})
	}
}

// TestPublicIPDrift: an address released in the console is drift, and the
// file's public_ip: true brings one back in place.
func TestPublicIPDrift(t *testing.T) {
	noVol := func(s *spec.Server) { s.Volumes = nil }
	pub := func(s *spec.Server) { noVol(s); s.PublicIP = true }
	g, srvs := groupOf("db", 1, nil, nhnServer, pub)
	st, inv := world(fleetOf(g, srvs))
	st.Lookup(addrs.Server("db")).Server.PublicIP = "133.186.128.2"
	invServer(inv, srvs[0].Provider, "db").PublicIP = ""
	p, diags := Build(Input{Fleet: fleetOf(g, srvs), State: st, Inventory: inv})
	noErrors(t, diags)
	want := []Drift{{Address: addrs.Server("db"), Kind: "changed", Changes: []FieldChange{{Path: "public_ip", From: "133.186.128.2", To: "(none)"}}}}
	if d := cmp.Diff(want, p.Drift); d != "" {
		t.Errorf("drift (-want +got):\n%s", d)
	}
	wantIDs(t, p, "update server/db")
}

func TestCloseNames(t *testing.T) {
	known := []string{"m2.c4m8", "m2.c8m16", "u2.c2m4", "x1.c32m256", "kr-pub-a", "kr-pub-b"}
	tests := map[string]struct {
		value string
		want  []string
	}{
		"typo":         {"m2.c4m9", []string{"m2.c4m8", "m2.c8m16", "u2.c2m4"}},
		"zone":         {"kr-pub-c", []string{"kr-pub-a", "kr-pub-b"}},
		"nothing near": {"gpu.huge", []string{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, closeNames(tc.value, known, 3)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestUnknownZone(t *testing.T) {
	dg, db := groupOf("db", 1, nil, nhnServer, func(s *spec.Server) { s.Zone = "kr-pub-c" })
	_, diags := Build(Input{Fleet: fleetOf(dg, db), Inventory: withCatalog(emptyInventory())})
	wantError(t, diags, `unknown zone "kr-pub-c"`)
	wantError(t, diags, `did you mean "kr-pub-a", "kr-pub-b"?`)
}

func TestTargetGroup(t *testing.T) {
	st, inv := world(webAndDB(nil, nil))
	f := webAndDB(func(s *spec.Server) { s.Type = "s4-g2-s50"; s.Volumes[0].Size = 200 }, func(s *spec.Server) { s.Type = "m2.c8m16" })
	p, diags := Build(Input{Fleet: f, State: st, Inventory: inv, Targets: []string{"server/web"}})
	noErrors(t, diags)
	for _, a := range p.Actions {
		if a.Address == addrs.Server("db") {
			t.Errorf("db not targeted but planned: %s", a.ID)
		}
	}
	if p.Summary.Resize != 3 || p.Summary.Update != 3 {
		t.Errorf("summary %+v", p.Summary)
	}
}

func TestSummaryLineOrder(t *testing.T) {
	p := &Plan{Actions: []Action{{ID: "x"}}, Summary: Summary{Create: 3, Resize: 1, Stop: 1, Attach: 2, Delete: 1}}
	if got, want := p.SummaryLine(), "Plan: 3 to create, 1 to resize, 1 to stop, 2 to attach, 1 to delete."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Colour is on only when asked for, and only as the style's codes around
// the symbols, headings and blocked markers.
func TestRenderTextColor(t *testing.T) {
	sc := scenarios()["protect_blocked"]
	p, _ := Build(sc.in)
	var plain, colored bytes.Buffer
	if err := RenderText(&plain, p, style.Style{}); err != nil {
		t.Fatal(err)
	}
	on := style.New(true)
	if err := RenderText(&colored, p, on); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain output holds escape codes")
	}
	for _, want := range []string{on.Replaced("-/+"), on.Destroyed("-"), on.Error("BLOCKED by protect: true"), on.Bold("fleet will:")} {
		if !strings.Contains(colored.String(), want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	if stripped := style.Strip(colored.String()); stripped != plain.String() {
		t.Errorf("coloured output differs from plain beyond the codes:\n%s", cmp.Diff(plain.String(), stripped))
	}
}

func TestStateEdgeCases(t *testing.T) {
	t.Run("undeclared provider", func(t *testing.T) {
		st, inv := world(webAndDB(nil, nil))
		f := webAndDB(nil, nil)
		f.Servers = removeServer(f.Servers, "db")
		f.Groups = f.Groups[1:]
		f.Keypairs = nil
		delete(f.Providers, "nhn")
		delete(inv, "nhn")
		_, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		wantError(t, diags, `provider "nhn" is not declared`)
	})
	t.Run("duplicate tagged server", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		r := inv["ncp"]
		dup := cloneServer(r.Servers[0])
		dup.ID = "id-web-1-dup"
		r.Servers = append(r.Servers, dup)
		inv["ncp"] = r
		p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		noErrors(t, diags)
		// The state's server is kept; the copy is stopped (NCP) and deleted.
		wantIDs(t, p, "stop server/web-1 (duplicate id-web-1-dup)", "delete server/web-1 (duplicate id-web-1-dup)")
	})
	t.Run("moved with both addresses present", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		f.Moved = []spec.Moved{{From: "server/web-1", To: "server/web-2"}}
		_, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		wantError(t, diags, "both exist")
	})
	t.Run("moved already applied", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		f.Moved = []spec.Moved{{From: "server/old", To: "server/web-1"}}
		p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		noErrors(t, diags)
		wantIDs(t, p)
	})
	t.Run("undeclared keypair is never adopted", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		r := inv["ncp"]
		r.Keypairs = append(r.Keypairs, providers.Keypair{Name: "someone-elses"})
		inv["ncp"] = r
		p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		noErrors(t, diags)
		wantIDs(t, p)
	})
	t.Run("shelved on ncp", func(t *testing.T) {
		wg, web := groupOf("web", 1, nil, ncpServer, func(s *spec.Server) { s.Power = spec.PowerShelved })
		_, diags := Build(Input{Fleet: fleetOf(wg, web), Inventory: emptyInventory()})
		wantError(t, diags, "NHN Cloud only")
	})
}

// A blocked server outside the --target set is neither planned nor reported.
func TestTargetLeavesBlockedAlone(t *testing.T) {
	sc := scenarios()["protect_blocked"]
	sc.in.Targets = []string{"server/web-1", "server/db"}
	p, diags := Build(sc.in)
	noErrors(t, diags)
	if p.Summary.Blocked != 0 {
		t.Errorf("blocked %d", p.Summary.Blocked)
	}
}

func TestRenderMarkdownFolds(t *testing.T) {
	tests := map[string]struct {
		servers int
		folded  bool
	}{
		"short table": {mdFoldActions, false},
		"long table":  {mdFoldActions + 1, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			wg, web := groupOf("web", tc.servers, nil, ncpServer, func(s *spec.Server) { s.Volumes = nil })
			p, _ := Build(Input{Fleet: fleetOf(wg, web), Inventory: emptyInventory()})
			var buf bytes.Buffer
			if err := RenderMarkdown(&buf, p); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "<details><summary>"); got != tc.folded {
				t.Errorf("%d actions: folded %v, want %v", len(p.Actions), got, tc.folded)
			}
		})
	}
}

// A replacement that needs what the old server holds (its fixed IP, an
// existing NCP interface) deletes the old server first: the cloud would
// refuse the new one while the old one holds it. Its volumes still move
// (detach, delete, create, attach), with no cycle.
func TestReplaceFreesWhatTheNewServerTakes(t *testing.T) {
	ncpImageChange := func(s *spec.Server) { s.Image = "SW.VSVR.OS.LNX64.CNTOS.0708.B050" }
	tests := map[string]struct {
		ncp     bool
		desired func(*spec.Server)
		live    func(*providers.Server)
		want    []string
	}{
		"ncp keeps its interface": {true,
			func(s *spec.Server) { ncpImageChange(s); s.Network.Interfaces = []string{"930"} },
			func(s *providers.Server) { s.Extra = map[string]string{"interfaces": "930"} },
			[]string{"stop server/web (replaced)", "detach volume/web/data", "delete server/web (replaced)", "create server/web", "attach volume/web/data"}},
		"ncp keeps its fixed IP": {true,
			func(s *spec.Server) { ncpImageChange(s); s.Network.IP = "10.0.0.9" },
			func(s *providers.Server) { s.IP = "10.0.0.9" },
			[]string{"stop server/web (replaced)", "detach volume/web/data", "delete server/web (replaced)", "create server/web", "attach volume/web/data"}},
		"nhn keeps its fixed IP": {false,
			func(s *spec.Server) { s.Key = "other"; s.Network.IP = "192.168.0.9" },
			func(s *providers.Server) { s.IP = "192.168.0.9" },
			[]string{"detach volume/db/pgdata", "delete server/db (replaced)", "create server/db", "attach volume/db/pgdata"}},
		"ncp takes other interfaces: new first": {true,
			func(s *spec.Server) { s.Network.Interfaces = []string{"931"} },
			func(s *providers.Server) { s.Extra = map[string]string{"interfaces": "930"} },
			[]string{"create server/web", "stop server/web (replaced)", "detach volume/web/data", "attach volume/web/data", "delete server/web (replaced)"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mk, grp := nhnServer, "db"
			if tc.ncp {
				mk, grp = ncpServer, "web"
			}
			g0, s0 := groupOf(grp, 1, nil, mk, nil)
			st, inv := world(fleetOf(g0, s0))
			tc.live(invServer(inv, s0[0].Provider, grp))
			tc.live(st.Lookup(addrs.Server(grp)).Server)
			g1, s1 := groupOf(grp, 1, nil, mk, tc.desired)
			p, diags := Build(Input{Fleet: fleetOf(g1, s1), State: st, Inventory: inv})
			noErrors(t, diags)
			wantIDs(t, p, tc.want...)
		})
	}
}

// TestRenderTextEscapesValues: a wait's reason and a change's values come
// from the clouds or an edited saved plan (`fleet show PLAN`); what a
// terminal would act on is shown escaped, never sent to it.
func TestRenderTextEscapesValues(t *testing.T) {
	p := &Plan{Actions: []Action{
		{ID: "wait server/web-1", Type: Wait, Address: addrs.Server("web-1"), Reason: "still building\x1b[2J (INIT)"},
		{ID: "update server/web-2", Type: Update, Address: addrs.Server("web-2"), Update: &UpdateParams{},
			Changes: []FieldChange{{Path: FieldDescription, From: "old\u202e", To: "new\x07"}}},
	}, Drift: []Drift{{Address: addrs.Server("db"), Kind: DriftChanged, Changes: []FieldChange{{Path: FieldType, From: "m2", To: "m4\x1b]0;title\x07"}}}}}
	var out bytes.Buffer
	if err := RenderText(&out, p, style.Style{}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, raw := range []string{"\x1b", "\u202e", "\x07"} {
		if strings.Contains(text, raw) {
			t.Errorf("output holds %q raw:\n%s", raw, text)
		}
	}
	for _, want := range []string{`still building\u001b[2J (INIT)`, `old\u202e`, `new\u0007`, `m4\u001b]0;title\u0007`} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %s:\n%s", want, text)
		}
	}
}
