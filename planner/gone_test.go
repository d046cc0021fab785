package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// A state entry for an undeclared resource the cloud no longer has (a run
// died between deleting it and recording that) is deleted again, so the
// executor can drop it; a declared one is created again instead.
func TestStateEntriesOfGoneResources(t *testing.T) {
	f := webAndDB(nil, nil)
	st, inv := world(f)
	st.Put(state.Resource{Address: addrs.Server("web-9"), Kind: addrs.KindServer, Provider: "ncp", ID: "id-web-9",
		Server: &providers.Server{ID: "id-web-9", Name: "web-9", Power: "running"}})
	st.Put(state.Resource{Address: addrs.Volume("web-9", "data"), Kind: addrs.KindVolume, Provider: "ncp", ID: "vol-web-9-data",
		Volume: &providers.Volume{ID: "vol-web-9-data", ServerID: "id-web-9"}})
	p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
	noErrors(t, diags)
	wantIDs(t, p, "delete server/web-9 (gone)", "delete volume/web-9/data (gone)")
	for _, a := range p.Actions {
		if a.CloudID == "" {
			t.Errorf("%s has no cloud id: the executor could not tell which entry to drop", a.ID)
		}
	}
	if p.Summary.Drift != 2 {
		t.Errorf("drift count %d, want the 2 entries reported as deleted outside fleet", p.Summary.Drift)
	}
}
