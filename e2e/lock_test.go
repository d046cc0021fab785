package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/state"
)

// TestConcurrentApply starts two applies of the same fleet and state at
// once: the one that finds the lock taken fails naming the holder (host,
// pid, operation) when its --lock-timeout is short, and waits for it then
// finds nothing left to do when it is long. Nothing is created twice.
func TestConcurrentApply(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 2 * time.Second})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 5}, group{name: "db", cloud: "nhn", count: 5})

	first := w.start("apply", "--auto-approve")
	holder := w.awaitLockHolder(first, 30*time.Second)
	if holder.Operation != "apply" {
		t.Errorf("lock operation %q, want apply", holder.Operation)
	}

	// The second run starts while the first builds (builds take 2s, each
	// apply polls for several seconds), so it finds the lock taken.
	impatient := w.run(time.Minute, "apply", "--auto-approve", "--lock-timeout", "500ms")
	host, _ := os.Hostname()
	for _, want := range []string{"Error acquiring the state lock", fmt.Sprintf("PID:       %d", holder.PID), "Operation: apply", host} {
		if !strings.Contains(impatient.stderr, want) {
			t.Errorf("second apply's error does not name %q: %s", want, impatient)
		}
	}
	if impatient.code != 1 {
		t.Errorf("second apply exit %d, want 1", impatient.code)
	}
	select {
	case <-first.Done():
		t.Fatalf("the first apply ended before the second was refused: the lock was never contended\n%s", first.Stdout.String())
	default:
	}

	patient := w.start("apply", "--auto-approve", "--lock-timeout", "3m")
	if code := first.wait(t, 3*time.Minute); code != 0 {
		t.Fatalf("first apply: exit %d\n%s\n%s", code, tail(first.Stdout.String()), tail(first.Stderr.String()))
	}
	if code := patient.wait(t, 3*time.Minute); code != 0 || !strings.Contains(patient.Stdout.String(), "No changes") {
		t.Fatalf("waiting apply: exit %d, want 0 and no changes\n%s\n%s", code, tail(patient.Stdout.String()), tail(patient.Stderr.String()))
	}
	w.assertConsistent(10, 0)
}

// awaitLockHolder waits until c holds the state lock and returns the lock
// info it wrote.
func (w *world) awaitLockHolder(c *child, timeout time.Duration) state.LockInfo {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var info state.LockInfo
	ok := waitFor(ctx, func() bool {
		b, err := os.ReadFile(filepath.Join(w.dir, "fleet.lock.lock.info"))
		return err == nil && json.Unmarshal(b, &info) == nil && info.PID == c.Cmd.Process.Pid
	})
	if !ok {
		w.t.Fatalf("fleet (pid %d) did not take the state lock within %s\n%s", c.Cmd.Process.Pid, timeout, tail(c.Stderr.String()))
	}
	return info
}
