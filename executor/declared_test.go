package executor

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// TestDeclaredSurvivesACrash: what a create records with its resource
// (Action.Declared) is in the intent stored before the call, so a crash
// before the state records the resource loses nothing; the adopt that the
// next plan makes of it stores it with the resource.
func TestDeclaredSurvivesACrash(t *testing.T) {
	declared := map[string]string{"user_data": "0123abcd"}
	create := createServer("v")
	create.Declared = declared
	adopt := planner.Action{ID: "adopt server/e", Type: planner.Adopt, Kind: addrs.KindServer, Address: addrs.Server("e"), Provider: "p",
		Adopted:  &planner.AdoptedResource{Server: &providers.Server{ID: "15", Name: "e"}},
		Declared: declared}
	b := &memBackend{}
	st := existing(t, b, nil)
	p := newPlan(create, adopt)
	p.StateSerial, p.StateLineage = st.Serial, st.Lineage
	var inIntent map[string]string
	prov := &fakeProvider{}
	prov.before = func(op, addr string) {
		for _, in := range b.stored(t).Intents {
			if in.Address.String() == addr && in.Op == op && addr == "server/v" {
				inIntent = in.Declared
			}
		}
	}
	res, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: b, State: st, Observer: &recorder{}})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	if diff := cmp.Diff(declared, inIntent); diff != "" {
		t.Errorf("the create's intent carries (-want +got):\n%s", diff)
	}
	for _, addr := range []string{"server/v", "server/e"} {
		r := b.stored(t).Lookup(addrs.MustParse(addr))
		if r == nil {
			t.Fatalf("%s not stored", addr)
		}
		if diff := cmp.Diff(declared, r.Declared); diff != "" {
			t.Errorf("%s stored with (-want +got):\n%s", addr, diff)
		}
	}
}
