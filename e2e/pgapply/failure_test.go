package pgapply

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestKilledHolder kills (SIGKILL) an apply that holds the lock mid-apply:
// PostgreSQL drops its advisory lock with its session, so the next run takes
// the lock at once (--lock-timeout 0) and converges; and fleet unlock on
// such a dead lock reports it stale and clears it without --force.
func TestKilledHolder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-kill", simcore.Behaviour{BuildTime: 3 * time.Second})
	dir := w.machine("runner", w.fleetFile(3, pgState))

	// Serial 1 at least: the creates' intents are stored, the builds run.
	victim := w.start(dir, nil, "apply", "--auto-approve")
	w.awaitHolder(victim, 1, time.Minute)
	if !victim.Kill() {
		t.Fatal("the apply ended by itself before it was killed")
	}
	w.awaitStale(victim.Cmd.Process.Pid)

	next := w.run(dir, "apply", "--auto-approve", "--lock-timeout", "0s")
	if next.code != 0 {
		t.Fatalf("the run after the kill did not proceed at once: %s", w.scrub(next.String()))
	}
	w.assertNoChanges(dir)
	w.assertConverged(3)
	w.assertNoIntents() // the run after the kill settles the intents, even with nothing left to do

	// A second dead holder, this time cleared by fleet unlock.
	dir = w.machine("runner", w.fleetFile(5, pgState))
	victim = w.start(dir, nil, "apply", "--auto-approve")
	w.awaitHolder(victim, w.stored().Serial+1, time.Minute)
	victim.Kill()
	w.awaitStale(victim.Cmd.Process.Pid)

	r := w.run(dir, "unlock")
	for _, want := range []string{fmt.Sprintf("PID:       %d", victim.Cmd.Process.Pid), "Operation: apply", "this lock is stale", "The lock was removed."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fleet unlock does not say %q: %s", want, w.scrub(r.String()))
		}
	}
	if r.code != 0 {
		t.Errorf("fleet unlock of a dead lock exited %d, want 0 (no --force needed)", r.code)
	}
	if info, err := w.backend().Holder(context.Background()); err != nil || info != nil {
		t.Errorf("after fleet unlock the holder is %+v (err %v), want none", info, err)
	}
	if r := w.run(dir, "unlock"); r.code != 0 || !strings.Contains(r.stdout, "The state is not locked.") {
		t.Errorf("a second fleet unlock: %s", w.scrub(r.String()))
	}
	w.mustRun(dir, "apply", "--auto-approve", "--lock-timeout", "0s")
	w.assertNoChanges(dir)
	w.assertConverged(5)
	w.assertNoIntents()

	// A change executes, and closes the intents the killed runs left.
	dir = w.machine("runner", w.fleetFile(6, pgState))
	w.mustRun(dir, "apply", "--auto-approve")
	w.assertConverged(6)
	w.assertNoIntents()
}

// awaitStale waits until PostgreSQL has ended the session of the killed
// process pid: its lock row then reads as stale.
func (w *world) awaitStale(pid int) {
	w.t.Helper()
	b := w.backend()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	for {
		info, err := b.Holder(ctx)
		if err == nil && info != nil && info.PID == pid && info.Stale {
			w.t.Logf("PostgreSQL dropped the lock of killed pid %d within %s", pid, time.Since(start).Round(time.Millisecond))
			return
		}
		select {
		case <-ctx.Done():
			w.t.Fatalf("the lock of killed pid %d did not go stale within 10s: holder %+v, err %v", pid, info, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestConnectionDroppedMidApply terminates every PostgreSQL session of an
// apply while it builds: the apply fails cleanly (exit 1, an error naming
// the dropped connection or the lost lock, no panic), nothing it tries to
// write afterwards is stored (the state stays at the serial committed before
// the drop), and the next run converges with no duplicate server.
func TestConnectionDroppedMidApply(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-drop", simcore.Behaviour{BuildTime: 3 * time.Second})
	dir := w.machine("runner", w.fleetFile(3, pgState))

	c := w.start(dir, nil, "apply", "--auto-approve")
	w.awaitHolder(c, 1, time.Minute)
	n := w.terminateSessions()
	if n < 2 {
		t.Errorf("terminated %d sessions of the apply, want its data and lock sessions (2)", n)
	}
	committed := w.stored()
	r := c.wait(2 * time.Minute)
	t.Logf("the cut-off apply: %s", w.scrub(r.String()))
	if r.code != 1 {
		t.Errorf("the cut-off apply exited %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "Error: save state: write state postgres:"+w.fleet+": ") ||
		!strings.Contains(r.stderr, "terminating connection") && !strings.Contains(r.stderr, "the state lock was lost") {
		t.Errorf("the cut-off apply's error does not say it lost its connection or lock: %s", w.scrub(r.stderr))
	}
	after := w.stored()
	if after.Serial != committed.Serial || after.Lineage != committed.Lineage {
		t.Errorf("state moved after its sessions were cut: serial %d lineage %s, was %d %s",
			after.Serial, after.Lineage, committed.Serial, committed.Lineage)
	}
	if len(after.Intents) == 0 {
		t.Errorf("the state at serial %d has no open intent: the drop did not happen mid-apply", after.Serial)
	}

	w.mustRun(dir, "apply", "--auto-approve")
	w.assertNoChanges(dir)
	w.assertConverged(3)

	// A change executes, and closes the intents the cut-off run left.
	dir = w.machine("runner", w.fleetFile(4, pgState))
	w.mustRun(dir, "apply", "--auto-approve")
	w.assertNoChanges(dir)
	w.assertConverged(4)
	w.assertNoIntents()
}

// terminateSessions ends every session the world's children hold open (they
// carry its application_name), waits until they are gone, and returns how
// many there were.
func (w *world) terminateSessions() int {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := w.admin(ctx)
	defer conn.Close(context.Background())
	var n int
	err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, w.app).Scan(&n)
	if err != nil {
		w.t.Fatalf("terminate the apply's sessions: %s", w.scrub(err.Error()))
	}
	for {
		var left int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, w.app).Scan(&left); err != nil {
			w.t.Fatalf("count the apply's sessions: %s", w.scrub(err.Error()))
		}
		if left == 0 {
			return n
		}
		select {
		case <-ctx.Done():
			w.t.Fatalf("%d sessions of the apply outlived pg_terminate_backend", left)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestForceUnlockLiveHolder: fleet unlock refuses to clear the lock of a
// running apply; with --force it ends that apply's lock session, the apply
// then stops at its next write (the state lock was lost) instead of writing
// under someone else's lock, and the next run converges.
func TestForceUnlockLiveHolder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-force", simcore.Behaviour{BuildTime: 3 * time.Second})
	dir := w.machine("runner", w.fleetFile(2, pgState))

	c := w.start(dir, nil, "apply", "--auto-approve")
	w.awaitHolder(c, 1, time.Minute)
	r := w.run(dir, "unlock")
	if r.code != 1 || !strings.Contains(r.stderr, "the lock holder is still running") || strings.Contains(r.stdout, "stale") {
		t.Errorf("fleet unlock of a live lock without --force: %s", w.scrub(r.String()))
	}
	if !c.Running() {
		t.Fatal("the apply ended before fleet unlock --force: nothing was forced")
	}
	if r := w.mustRun(dir, "unlock", "--force"); !strings.Contains(r.stdout, "The lock was removed.") {
		t.Errorf("fleet unlock --force: %s", w.scrub(r.String()))
	}
	cut := c.wait(2 * time.Minute)
	if cut.code != 1 || !strings.Contains(cut.stderr, "the state lock was lost") {
		t.Errorf("the apply whose lock was forced away: want exit 1 and a lost lock: %s", w.scrub(cut.String()))
	}

	w.mustRun(dir, "apply", "--auto-approve", "--lock-timeout", "0s")
	w.assertNoChanges(dir)
	w.assertConverged(2)
}
