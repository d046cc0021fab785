package e2e

import (
	"context"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestFaults applies the crash test's fleet against simulators that answer
// 10% of calls with a 5xx and 5% with a 429, with one server's build stuck
// for ever: db-7 (db-17, which NHN names db-7 in its batch, is renamed while
// it builds and comes up). The operator interrupts the apply once
// everything else is built (SIGINT), destroys the stuck server, and re-runs
// apply until it succeeds; the cloud and the state must then agree as after
// a crash.
func TestFaults(t *testing.T) {
	t.Parallel()
	const stuck = "db-7"
	faulty := simcore.Behaviour{BuildTime: 300 * time.Millisecond, ErrorRate: 0.1, ThrottleRate: 0.05, Seed: 7}
	withStuck := faulty
	withStuck.StuckBuild = []string{stuck}
	w := newWorld(t, withStuck)
	w.writeFleet(crashFleet(30, 20)...)

	c := w.start("apply", "--auto-approve")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The stuck server's own progress line, or its batch create's naming
	// it as the one member left.
	stillCreating := regexp.MustCompile(`(?m)(^server/` + stuck + `: Still creating|Still creating\.\.\. \[[^]]*\] 1 left: server/` + stuck + `$)`)
	// Wait until every other server runs (or failed for good, which the
	// re-runs repair); the stuck one keeps the apply waiting.
	settled := waitFor(ctx, func() bool {
		select {
		case <-c.Done():
			return true
		default:
		}
		n := 0
		for _, r := range w.cloud() {
			if r.kind == "server" && r.name != stuck && (r.status == "RUN" || r.status == "active") {
				n++
			}
		}
		return n == 49 && stillCreating.MatchString(c.Stdout.String())
	})
	select {
	case <-c.Done():
		t.Fatalf("apply ended although %s never finishes building:\n%s\n%s", stuck, tail(c.Stdout.String()), tail(c.Stderr.String()))
	default:
	}
	if !settled {
		t.Errorf("within 2 minutes, not every other server ran or no progress line said %s is still creating; interrupting anyway:\n%s", stuck, tail(c.Stdout.String()))
	}
	c.Cmd.Process.Signal(syscall.SIGINT)
	if code := c.wait(t, 30*time.Second); code != 1 {
		t.Errorf("interrupted apply: exit %d, want 1", code)
	}
	if st := w.readState(); st.Lookup(addrs.Server(stuck)) == nil {
		t.Errorf("the interrupted apply did not record %s, whose create call succeeded", stuck)
	}

	// The stuck build never ends: the operator deletes that server, and
	// later builds are not stuck.
	w.sim.SetBehaviour(faulty)
	var last result
	for i := 0; i < 5; i++ {
		if last = w.run(3*time.Minute, "destroy", "--auto-approve", "--target", "server/"+stuck); last.code == 0 {
			break
		}
		t.Logf("destroy attempt %d: %s", i+1, firstLines(last.stderr, 5))
	}
	if last.code != 0 {
		t.Fatalf("destroy of the stuck server never succeeded: %s", last)
	}
	w.applyUntilDone(8, 3*time.Minute)
	w.sim.SetBehaviour(simcore.Behaviour{})
	w.assertConsistent(50, 50)
	w.assertNoChanges()
}
