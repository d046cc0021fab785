package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestMovedWithoutServerRecord: a moved block whose source the state holds
// without its server attributes, on a provider that was not refreshed, is
// planned (and the empty record reported) instead of crashing the planner.
func TestMovedWithoutServerRecord(t *testing.T) {
	st, _ := world(webAndDB(nil, nil))
	st.Lookup(addrs.Server("web-3")).Server = nil
	f := webAndDB(nil, nil)
	f.Groups[1].Count = 2
	f.Servers = removeServer(f.Servers, "web-3")
	ag, api := groupOf("api", 1, nil, ncpServer, nil)
	f.Groups = append([]*spec.ServerGroup{ag}, f.Groups...)
	f.Servers = append(api, f.Servers...)
	f.Moved = []spec.Moved{{From: "server/web-3", To: "server/api"}}
	p, d := Build(Input{Fleet: f, State: st, Inventory: map[string]providers.InventoryResponse{}})
	if p == nil {
		t.Fatal("no plan")
	}
	wantError(t, d, "server/api: the state holds a server here")
}

// TestBatchKilledBeforeItsStateWrite: an NHN batch create of db-11..db-13
// was killed after the call and before any member was recorded. The cloud
// holds them under its raw names db-1..db-3 (the provider reads their
// addresses from the group tag); the plan adopts each and then renames it,
// and creates nothing.
func TestBatchKilledBeforeItsStateWrite(t *testing.T) {
	dg, db := groupOf("db", 13, nil, nhnServer, func(s *spec.Server) { s.Volumes = nil })
	f := fleetOf(dg, db)
	st, inv := world(f)
	for k := 11; k <= 13; k++ {
		addr := addrs.Server(instanceName("db", k))
		st.Remove(addr)
		srv := invServer(inv, "nhn", instanceName("db", k))
		srv.Name = instanceName("db", k-10)
	}
	p, d := Build(Input{Fleet: f, State: st, Inventory: inv})
	noErrors(t, d)
	wantIDs(t, p, "adopt server/db-11", "adopt server/db-12", "adopt server/db-13",
		"rename server/db-11", "rename server/db-12", "rename server/db-13")
	for k := 11; k <= 13; k++ {
		before(t, p, "adopt server/"+instanceName("db", k), "rename server/"+instanceName("db", k))
	}
}
