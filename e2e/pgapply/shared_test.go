package pgapply

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestApplyOnOneMachinePlanOnAnother applies from one working directory and
// plans from another with the same fleet file and no local state: the plan
// sees what the first applied, because the state lives only in PostgreSQL.
func TestApplyOnOneMachinePlanOnAnother(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-share", simcore.Behaviour{BuildTime: 100 * time.Millisecond})
	file := w.fleetFile(3, pgState)
	a, b := w.machine("runner-a", file), w.machine("runner-b", file)

	w.mustRun(a, "apply", "--auto-approve")
	w.assertNoChanges(b)
	w.assertConverged(3)

	for _, dir := range []string{a, b} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "fleet.yaml" {
				t.Errorf("%s holds %s: with the postgres backend nothing but the fleet file belongs in the checkout", filepath.Base(dir), e.Name())
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "fleet.lock")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: fleet.lock exists (err %v): the state was written locally", filepath.Base(dir), err)
		}
	}

	// Machine B changes the fleet; machine A then sees B's servers too.
	w.machine("runner-b", w.fleetFile(4, pgState))
	w.mustRun(b, "apply", "--auto-approve")
	w.machine("runner-a", w.fleetFile(4, pgState))
	w.assertNoChanges(a)
	w.assertConverged(4)
	w.assertNoIntents()
}

// TestConcurrentApplies starts two applies of one fleet from two machines:
// a second run with a short --lock-timeout fails naming the holder (host,
// pid, operation), one with a long timeout waits and then finds nothing to
// do, and the cloud holds every server once.
func TestConcurrentApplies(t *testing.T) {
	t.Parallel()
	// Builds take 3s: the refused run starts and gives up well within them.
	w := newWorld(t, "pga-race", simcore.Behaviour{BuildTime: 3 * time.Second})
	file := w.fleetFile(4, pgState)
	a, b := w.machine("runner-a", file), w.machine("runner-b", file)

	first := w.start(a, nil, "apply", "--auto-approve")
	holder := w.awaitHolder(first, 0, time.Minute)
	if holder.Operation != "apply" {
		t.Errorf("lock operation %q, want apply", holder.Operation)
	}

	impatient := w.run(b, "apply", "--auto-approve", "--lock-timeout", "300ms")
	host, _ := os.Hostname()
	for _, want := range []string{"Error acquiring the state lock", fmt.Sprintf("PID:       %d", first.Cmd.Process.Pid), "Operation: apply", "@" + host, "postgres:" + w.fleet} {
		if !strings.Contains(impatient.stderr, want) {
			t.Errorf("the refused apply does not name %q: %s", want, w.scrub(impatient.String()))
		}
	}
	if impatient.code != 1 {
		t.Errorf("the refused apply exited %d, want 1", impatient.code)
	}
	if !first.Running() {
		t.Fatalf("the first apply ended before the second was refused: the lock was never contended\n%s", w.scrub(first.Stdout.String()))
	}

	patient := w.start(b, nil, "apply", "--auto-approve", "--lock-timeout", "2m")
	if r := first.wait(2 * time.Minute); r.code != 0 {
		t.Fatalf("first apply: %s", w.scrub(r.String()))
	}
	if r := patient.wait(2 * time.Minute); r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("the waiting apply should find nothing to do: %s", w.scrub(r.String()))
	}
	w.assertConverged(4)
	w.assertNoIntents()
}

// TestSimultaneousApplies starts two patient applies of one fleet from two
// machines at the same instant: whichever takes the lock creates every
// server, the other waits and then finds nothing to do.
func TestSimultaneousApplies(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-twin", simcore.Behaviour{BuildTime: time.Second})
	file := w.fleetFile(4, pgState)
	a, b := w.machine("runner-a", file), w.machine("runner-b", file)

	runs := []*child{
		w.start(a, nil, "apply", "--auto-approve", "--lock-timeout", "2m"),
		w.start(b, nil, "apply", "--auto-approve", "--lock-timeout", "2m"),
	}
	var created, idle int
	for _, c := range runs {
		r := c.wait(2 * time.Minute)
		switch {
		case r.code != 0:
			t.Errorf("%s", w.scrub(r.String()))
		case strings.Contains(r.stdout, "Apply complete: 4 created"):
			created++
		case strings.Contains(r.stdout, "No changes"):
			idle++
		default:
			t.Errorf("neither created the fleet nor found nothing to do: %s", w.scrub(r.String()))
		}
	}
	if created != 1 || idle != 1 {
		t.Errorf("%d applies created the fleet and %d found nothing to do, want 1 and 1", created, idle)
	}
	w.assertConverged(4)
	w.assertNoIntents()
}
