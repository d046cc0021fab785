package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/spec"
)

// A failed NCP build (FSTOP) cannot be stopped, and NCP terminates it as it
// is: deleting it, or a duplicate of it, plans no stop first.
func TestFailedNCPServerIsDeletedWithoutAStop(t *testing.T) {
	t.Run("undeclared", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		r := inv["ncp"]
		for i := range r.Servers {
			if r.Servers[i].Name == "web-3" {
				r.Servers[i].Power, r.Servers[i].Status, r.Servers[i].Failed = "", "FSTOP", true
			}
		}
		inv["ncp"] = r
		wg, web := groupOf("web", 2, nil, ncpServer, nil)
		dg, db := groupOf("db", 1, nil, nhnServer, nil)
		f2 := fleetOf(wg, web, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
		p, diags := Build(Input{Fleet: f2, State: st, Inventory: inv})
		noErrors(t, diags)
		wantIDs(t, p, "detach volume/web-3/data", "delete server/web-3", "delete volume/web-3/data")
	})
	t.Run("duplicate", func(t *testing.T) {
		f := webAndDB(nil, nil)
		st, inv := world(f)
		r := inv["ncp"]
		dup := cloneServer(r.Servers[0])
		dup.ID, dup.Power, dup.Status, dup.Failed = "id-web-1-dup", "", "FSTOP", true
		r.Servers = append(r.Servers, dup)
		inv["ncp"] = r
		p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
		noErrors(t, diags)
		wantIDs(t, p, "delete server/web-1 (duplicate id-web-1-dup)")
	})
}

// Fleet's protection on an NHN server is lifted before the server is
// replaced, as on NCP: the NHN provider refuses to delete a protected one.
func TestReplacingAProtectedNHNServerLiftsProtectionFirst(t *testing.T) {
	f := webAndDB(nil, nil)
	st, inv := world(f)
	r := inv["nhn"]
	for i := range r.Servers {
		r.Servers[i].Protect = true
	}
	inv["nhn"] = r
	f2 := webAndDB(nil, func(s *spec.Server) { s.Image = "11111111-2222-3333-4444-555555555555" })
	p, diags := Build(Input{Fleet: f2, State: st, Inventory: inv})
	noErrors(t, diags)
	var lift, del *Action
	for i := range p.Actions {
		switch p.Actions[i].ID {
		case "update server/db (replaced)":
			lift = &p.Actions[i]
		case "delete server/db (replaced)":
			del = &p.Actions[i]
		}
	}
	if lift == nil || del == nil {
		t.Fatalf("want the protection lifted and the old server deleted; got %v", actionIDs(p))
	}
	found := false
	for _, d := range del.DependsOn {
		found = found || d == lift.ID
	}
	if !found {
		t.Errorf("delete depends on %v, want it after %q", del.DependsOn, lift.ID)
	}
}
