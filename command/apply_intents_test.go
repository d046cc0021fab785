package command

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

// An apply with nothing left to do still settles the intents an interrupted
// run left behind, or every later plan would report them forever.
func TestApplyWithNothingToDoSettlesIntents(t *testing.T) {
	fleet, run := oneServerFleet(t, "intents")
	mustRun := func(args ...string) string {
		code, out := run(args...)
		if code != 0 {
			t.Fatalf("fleet %v exited %d:\n%s", args, code, out)
		}
		return out
	}
	mustRun("apply", "--auto-approve")

	ctx := context.Background()
	b := state.NewLocal(filepath.Join(filepath.Dir(fleet), "fleet.lock"))
	st, err := b.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Intents = append(st.Intents, state.Intent{Action: "create server/web", Address: addrs.Server("web"), Provider: "ncp", Op: "create", Started: time.Unix(1700000000, 0).UTC()})
	if err := b.Write(ctx, st); err != nil {
		t.Fatal(err)
	}

	out := mustRun("apply", "--auto-approve")
	if !strings.Contains(out, "Apply complete: no changes.") {
		t.Errorf("apply output:\n%s", out)
	}
	st, err = b.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Intents) != 0 {
		t.Errorf("intents left after an apply with nothing to do: %+v", st.Intents)
	}
}
