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
