package executor

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// TestApplyWithTheLocalBackend runs an apply against the real state file,
// fsyncs and all, and reads the result back as the next run would.
func TestApplyWithTheLocalBackend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.lock")
	b := state.NewLocal(path)
	st, err := b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var actions []planner.Action
	for i := range 50 {
		name := fmt.Sprintf("web-%d", i+1)
		actions = append(actions, createServer(name), createVolume(name, "data", "create server/"+name))
	}
	p := newPlan(actions...)
	p.StateSerial = st.Serial
	rec := &recorder{}
	res, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": &fakeProvider{}},
		Backend: b, State: st, Observer: rec})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s", err, res.Tally)
	}
	back, err := state.NewLocal(path).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	saved := rec.of(StateSaved)
	if back.Serial != st.Serial || back.Serial != saved[len(saved)-1].Serial || back.Lineage == "" || back.Lineage != st.Lineage {
		t.Errorf("stored serial %d lineage %q; in memory %d %q; last saved event %d", back.Serial, back.Lineage, st.Serial, st.Lineage, saved[len(saved)-1].Serial)
	}
	if len(back.Resources) != 100 || len(back.Intents) != 0 {
		t.Errorf("stored %d resources and %d intents, want 100 and none", len(back.Resources), len(back.Intents))
	}
	if v := back.Lookup(addrs.Volume("web-7", "data")); v == nil || v.Volume == nil || v.Volume.Name != "web-7-data" || v.ID != "id-volume/web-7/data" {
		t.Errorf("volume/web-7/data stored as %+v", v)
	}
}
