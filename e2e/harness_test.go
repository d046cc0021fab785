package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/e2e/e2etest"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// childEnv switches the test binary into being fleet itself.
const childEnv = "FLEET_E2E_CHILD"

// TestMain runs fleet when re-executed as a child, the tests otherwise.
func TestMain(m *testing.M) {
	os.Exit(e2etest.Main(m, childEnv))
}

// world is one simulator and one fleet directory (fleet.yaml, fleet.lock).
type world struct {
	t      testing.TB
	sim    *sim.Server
	simDir string
	dir    string
	env    []string
}

// newWorld starts a simulator with behaviour b on a free loopback port.
func newWorld(t testing.TB, b simcore.Behaviour) *world {
	t.Helper()
	return newWorldClock(t, b, nil)
}

// newWorldClock is newWorld with the simulator's clock (nil: the wall
// clock). fleet itself always runs on the wall clock.
func newWorldClock(t testing.TB, b simcore.Behaviour, clock simcore.Clock) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{t: t, simDir: filepath.Join(root, "sim"), dir: filepath.Join(root, "fleet")}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := sim.Start(sim.Config{Addr: "127.0.0.1:0", Dir: w.simDir, Behaviour: b, Clock: clock})
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	w.sim = s
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close simulator: %v", err)
		}
	})
	w.env = e2etest.Environ(s, childEnv)
	return w
}

// envValue returns one of the simulator's variables.
func (w *world) envValue(name string) string {
	w.t.Helper()
	return e2etest.SimVar(w.t, w.sim, name)
}

// child is a running fleet process.
type child struct{ *e2etest.Child }

// start starts fleet with args in the fleet directory.
func (w *world) start(args ...string) *child {
	w.t.Helper()
	return &child{e2etest.Start(w.t, w.dir, w.env, args...)}
}

// wait waits for the child up to timeout, killing it after that, and returns
// its exit code (-1 when it was killed by a signal).
func (c *child) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	code, err := c.Wait(timeout)
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, tail(c.Stdout.String()), tail(c.Stderr.String()))
	}
	return code
}

// result is a finished fleet run.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, tail(r.stdout), tail(r.stderr))
}

// run runs fleet to its end.
func (w *world) run(timeout time.Duration, args ...string) result {
	w.t.Helper()
	c := w.start(args...)
	code := c.wait(w.t, timeout)
	return result{code: code, stdout: c.Stdout.String(), stderr: c.Stderr.String()}
}

// applyUntilDone re-runs apply until it exits 0, at most attempts times.
func (w *world) applyUntilDone(attempts int, timeout time.Duration, extra ...string) {
	w.t.Helper()
	var last result
	for i := 1; i <= attempts; i++ {
		last = w.run(timeout, append([]string{"apply", "--auto-approve"}, extra...)...)
		if last.code == 0 {
			w.t.Logf("apply converged on attempt %d", i)
			return
		}
		w.t.Logf("apply attempt %d: exit %d: %s\nits plan:\n%s", i, last.code, firstLines(last.stderr, 5), planPart(last.stdout))
	}
	w.t.Fatalf("apply did not converge in %d attempts; last run: %s", attempts, last)
}

// assertNoChanges runs plan --detailed-exitcode and wants "No changes".
func (w *world) assertNoChanges() result {
	w.t.Helper()
	r := w.run(2*time.Minute, "plan", "--detailed-exitcode")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		w.t.Fatalf("final plan is not empty: %s", r)
	}
	return r
}

// planPart is the plan a run printed, up to its summary line.
func planPart(stdout string) string {
	if i := strings.Index(stdout, "\nPlan:"); i >= 0 {
		if j := strings.IndexByte(stdout[i+1:], '\n'); j >= 0 {
			return stdout[:i+1+j]
		}
	}
	return firstLines(stdout, 20)
}

// tail keeps the end of long output for failure messages.
func tail(s string) string {
	const max = 4000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}

// waitFor polls cond every 100ms until it holds or ctx ends.
func waitFor(ctx context.Context, cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}
