package pgapply

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/state"
)

// TestStatePushPull moves a fleet from a local state file into PostgreSQL
// and back: lineage and resources survive both ways, the moved state drives
// plans, and a state of another lineage is refused without --force.
func TestStatePushPull(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-move", simcore.Behaviour{BuildTime: 100 * time.Millisecond})
	ctx := context.Background()

	// A fleet that lived on one machine's disk so far.
	local := w.machine("laptop", w.fleetFile(2, localState))
	w.mustRun(local, "apply", "--auto-approve")
	localPath := filepath.Join(local, "fleet.lock")
	before := readLocal(t, localPath)
	if before.Lineage == "" || len(before.Resources) != 2 {
		t.Fatalf("the local apply left lineage %q and %d resources, want a lineage and 2", before.Lineage, len(before.Resources))
	}
	if st := w.stored(); st.Serial != 0 {
		t.Fatalf("the local apply wrote to PostgreSQL (serial %d)", st.Serial)
	}

	ci := w.machine("ci", w.fleetFile(2, pgState))
	if r := w.mustRun(ci, "state", "push", localPath); !strings.Contains(r.stdout, "Copied the state") {
		t.Errorf("state push: %s", w.scrub(r.String()))
	}
	pushed := w.stored()
	if pushed.Lineage != before.Lineage {
		t.Errorf("pushed lineage %s, want the local file's %s", pushed.Lineage, before.Lineage)
	}
	if d := cmp.Diff(before.Resources, pushed.Resources); d != "" {
		t.Errorf("pushed resources differ from the local file's (-local +postgres):\n%s", d)
	}
	w.assertNoChanges(ci)

	pulledPath := filepath.Join(w.root, "pulled.lock")
	w.mustRun(ci, "state", "pull", pulledPath)
	pulled := readLocal(t, pulledPath)
	if pulled.Lineage != pushed.Lineage {
		t.Errorf("pulled lineage %s, want %s", pulled.Lineage, pushed.Lineage)
	}
	if d := cmp.Diff(pushed.Resources, pulled.Resources); d != "" {
		t.Errorf("pulled resources differ from PostgreSQL's (-postgres +pulled):\n%s", d)
	}

	// Another fleet history: same name, a lineage of its own, no resources.
	otherPath := filepath.Join(w.root, "other.lock")
	other := &state.State{Version: state.FormatVersion, Fleet: w.fleet, Resources: []state.Resource{}}
	if err := state.NewLocal(otherPath).Write(ctx, other); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"push", "pull"} {
		r := w.run(ci, "state", dir, otherPath)
		if r.code != 1 || !strings.Contains(r.stderr, "different lineages") {
			t.Errorf("state %s between different lineages without --force: %s", dir, w.scrub(r.String()))
		}
	}
	if st := w.stored(); st.Serial != pushed.Serial || st.Lineage != pushed.Lineage || len(st.Resources) != 2 {
		t.Errorf("a refused push changed PostgreSQL: serial %d lineage %s %d resources", st.Serial, st.Lineage, len(st.Resources))
	}
	if st := readLocal(t, otherPath); st.Lineage != other.Lineage || st.Serial != other.Serial {
		t.Errorf("a refused pull changed the local file: lineage %s serial %d, was %s %d", st.Lineage, st.Serial, other.Lineage, other.Serial)
	}

	w.mustRun(ci, "state", "push", "--force", otherPath)
	if st := w.stored(); st.Serial != pushed.Serial+1 || len(st.Resources) != 0 {
		t.Errorf("a forced push left serial %d and %d resources, want %d and none", st.Serial, len(st.Resources), pushed.Serial+1)
	}
}

func readLocal(t *testing.T, path string) *state.State {
	t.Helper()
	st, err := state.NewLocal(path).Read(context.Background())
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return st
}
