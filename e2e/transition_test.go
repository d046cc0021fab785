package e2e

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// transitionBuild is how long a server takes to build in these tests: long
// enough that an interrupt lands while the servers still build.
const transitionBuild = 3 * time.Second

// TestRerunAfterInterruptedBuild stops an apply of two servers with a
// volume each while the servers still build (SIGINT, SIGKILL, or
// --wait-timeout giving up), and applies again at once: the plan shows the
// servers as waited for, nothing calls the cloud about their volumes
// before they run, the re-run exits 0 and the next plan has no changes.
func TestRerunAfterInterruptedBuild(t *testing.T) {
	t.Parallel()
	for _, cloud := range []string{"ncp", "nhn"} {
		for _, how := range []string{"SIGINT", "SIGKILL", "wait-timeout"} {
			t.Run(cloud+"/"+how, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, simcore.Behaviour{BuildTime: transitionBuild})
				w.writeFleet(group{name: "web", cloud: cloud, count: 2, volume: true})
				var first result
				if how == "wait-timeout" {
					first = w.run(time.Minute, "apply", "--auto-approve", "--wait-timeout", "1s")
				} else {
					c := w.start("apply", "--auto-approve")
					// Signal once the cloud holds both servers, still
					// building: a fixed sleep lands before the creates on
					// a loaded machine.
					w.awaitServers(2, time.Minute)
					if how == "SIGINT" {
						c.Cmd.Process.Signal(syscall.SIGINT)
					} else {
						c.Kill()
					}
					first = result{code: c.wait(t, 30*time.Second), stdout: c.Stdout.String(), stderr: c.Stderr.String()}
				}
				if first.code == 0 {
					t.Fatalf("the first apply finished although it was stopped while the servers built: %s", first)
				}
				again := w.run(2*time.Minute, "apply", "--auto-approve")
				if again.code != 0 {
					t.Fatalf("apply right after the %s: %s", how, again)
				}
				want := "~ server/web-1 wait still building ("
				if how == "wait-timeout" {
					want = "~ server/web-1 wait stuck: still "
				}
				if !strings.Contains(squash(again.stdout), want) {
					t.Errorf("the re-run's plan does not show %q:\n%s", want, planPart(again.stdout))
				}
				w.assertConsistent(2, 2)
				w.assertNoChanges()
			})
		}
	}
}

// TestRerunAfterInterruptedResize stops an apply that resizes two servers
// (stop → resize → start, each a transition) while the cloud resizes, by
// SIGINT, SIGKILL or --wait-timeout, and applies again at once: it must
// finish the change and leave nothing to do.
func TestRerunAfterInterruptedResize(t *testing.T) {
	t.Parallel()
	bigger := map[string]string{"ncp": "s4-g2-s50", "nhn": "m2.c8m16"}
	for _, cloud := range []string{"ncp", "nhn"} {
		for _, how := range []string{"SIGINT", "SIGKILL", "wait-timeout"} {
			t.Run(cloud+"/"+how, func(t *testing.T) {
				t.Parallel()
				fast := simcore.Behaviour{BuildTime: 300 * time.Millisecond}
				w := newWorld(t, fast)
				w.writeFleet(group{name: "web", cloud: cloud, count: 2, volume: true})
				if r := w.run(time.Minute, "apply", "--auto-approve"); r.code != 0 {
					t.Fatalf("first apply: %s", r)
				}
				// Slow enough that a resize (0.3 of it on NCP) outlasts the
				// interrupt and the re-run's refresh.
				w.sim.SetBehaviour(simcore.Behaviour{BuildTime: 8 * time.Second})
				w.writeFleet(group{name: "web", cloud: cloud, count: 2, volume: true, typ: bigger[cloud]})
				var first result
				if how == "wait-timeout" {
					first = w.run(time.Minute, "apply", "--auto-approve", "--wait-timeout", "1s")
				} else {
					c := w.start("apply", "--auto-approve")
					// Stop it while the cloud resizes.
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					resizing := waitFor(ctx, func() bool { return strings.Contains(c.Stdout.String(), ": Resizing...") })
					cancel()
					if how == "SIGINT" {
						c.Cmd.Process.Signal(syscall.SIGINT)
					} else {
						c.Kill()
					}
					first = result{code: c.wait(t, 30*time.Second), stdout: c.Stdout.String(), stderr: c.Stderr.String()}
					if !resizing {
						t.Fatalf("no resize started within 30s: %s", first)
					}
				}
				if first.code == 0 {
					t.Fatalf("the resize finished although it was stopped part way: %s", first)
				}
				again := w.run(2*time.Minute, "apply", "--auto-approve")
				if again.code != 0 {
					t.Fatalf("apply right after the %s: %s", how, again)
				}
				// Whether the servers were still in transition when the re-run
				// refreshed depends on timing (NCP changes a spec in 0.3 of a
				// build); the plan is logged for the reader.
				t.Logf("the re-run's plan:\n%s", planPart(again.stdout))
				w.sim.SetBehaviour(fast)
				w.assertConsistent(2, 2)
				w.assertNoChanges()
			})
		}
	}
}

// TestStuckBuild: a server that never leaves INIT (NCP) or BUILD (NHN) is
// given up by --wait-timeout; the next plan shows it stuck, says what
// fleet will do and how to choose otherwise, and exits 2 with
// --detailed-exitcode. Once the cloud finishes it, an apply converges.
func TestStuckBuild(t *testing.T) {
	t.Parallel()
	for _, cloud := range []string{"ncp", "nhn"} {
		t.Run(cloud, func(t *testing.T) {
			t.Parallel()
			b := simcore.Behaviour{BuildTime: 500 * time.Millisecond}
			stuck := b
			stuck.StuckBuild = []string{"web-2"}
			w := newWorld(t, stuck)
			w.writeFleet(group{name: "web", cloud: cloud, count: 2, volume: true})
			r := w.run(time.Minute, "apply", "--auto-approve", "--wait-timeout", "5s")
			if r.code != 1 || !strings.Contains(r.stderr, "server/web-2 did not become running within 5s (--wait-timeout)") {
				t.Fatalf("apply with a stuck build: %s", r)
			}
			if show := w.run(time.Minute, "show"); show.code != 0 || !strings.Contains(show.stdout, " (stuck after a 5s wait)") {
				t.Errorf("fleet show does not mark server/web-2 stuck: %s", show)
			}
			for _, args := range [][]string{{"plan", "--detailed-exitcode"}} {
				p := w.run(time.Minute, args...)
				if p.code != 2 || strings.Contains(p.stdout, "No changes") {
					t.Fatalf("%v with a stuck build: want exit 2 and changes, got %s", args, p)
				}
				for _, want := range []string{
					"~ server/web-2 wait stuck: still ",
					"after an earlier apply waited 5s (--wait-timeout); fleet waits again, up to --wait-timeout",
					"Plan: 1 to wait for, ",
					"server/web-2 is stuck in ",
					map[string]string{"ncp": "delete it in the NCP console", "nhn": `fleet destroy --target server/web-2`}[cloud],
					`fleet state rm server/web-2`,
				} {
					if !strings.Contains(squash(p.stdout+p.stderr), want) {
						t.Errorf("%v does not say %q: %s", args, want, p)
					}
				}
			}
			// Waited for again, and still stuck: the apply fails again, and
			// calls nothing for the server's volume meanwhile.
			if r := w.run(time.Minute, "apply", "--auto-approve", "--wait-timeout", "1s"); r.code != 1 || !strings.Contains(r.stdout, "volume/web-2/data: Creation skipped: upstream wait server/web-2 failed") {
				t.Fatalf("apply waiting on a stuck build again: %s", r)
			}
			w.sim.SetBehaviour(b)
			if r := w.run(time.Minute, "apply", "--auto-approve"); r.code != 0 {
				t.Fatalf("apply once the cloud finished the build: %s", r)
			}
			w.assertConsistent(2, 2)
			w.assertNoChanges()
		})
	}
}

// TestStuckBuildPastLimit: a server the cloud still builds longer after its
// creation than the cloud's build limit is stuck although no apply ever
// gave up waiting for it (the apply that made it was killed): the plan
// shows it stuck, says why and what fleet will do, and exits 2 with
// --detailed-exitcode.
func TestStuckBuildPastLimit(t *testing.T) {
	t.Parallel()
	for cloud, want := range map[string]string{
		"ncp": "after it was created; NCP builds take at most 1h; fleet waits for it, up to --wait-timeout",
		"nhn": "after it was created; NHN Cloud builds take at most 30m; fleet waits for it, up to --wait-timeout",
	} {
		t.Run(cloud, func(t *testing.T) {
			t.Parallel()
			// The simulator's clock starts two hours behind the wall clock
			// fleet plans by, so the server it makes is two hours old at
			// the plan; it is advanced to the present before the plan.
			clock := simcore.NewFakeClock(time.Now().Add(-2 * time.Hour))
			w := newWorldClock(t, simcore.Behaviour{StuckBuild: []string{"web-1"}}, clock)
			w.writeFleet(group{name: "web", cloud: cloud, count: 1})
			c := w.start("apply", "--auto-approve")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			// Killed once the state records the server and the keypair
			// (the server then builds for ever): killed as soon as the cloud
			// had the server, a run could die before either was recorded,
			// and its plan adopted and created besides the wait.
			made := waitFor(ctx, func() bool { return w.records(addrs.Server("web-1"), addrs.Keypair("e2e-key")) })
			cancel()
			c.Kill()
			c.wait(t, 30*time.Second)
			if !made {
				t.Fatalf("the apply recorded no server and keypair within 30s:\n%s", c.Stdout.String())
			}
			clock.Advance(2 * time.Hour)

			p := w.run(time.Minute, "plan", "--detailed-exitcode")
			if p.code != 2 || strings.Contains(p.stdout, "No changes") {
				t.Fatalf("plan with a build past the limit: want exit 2 and changes, got %s", p)
			}
			out := squash(p.stdout + p.stderr)
			for _, s := range []string{
				"~ server/web-1 wait stuck: still ", " 2h", want,
				"Plan: 1 to wait for.",
				"server/web-1 is stuck in ",
				"this plan waits for it, up to --wait-timeout. To give up on it instead,",
				`fleet state rm server/web-1`,
			} {
				if !strings.Contains(out, s) {
					t.Errorf("the plan does not say %q: %s", s, p)
				}
			}
			if strings.Contains(out, "after an earlier apply waited") {
				t.Errorf("the plan claims an earlier wait-timeout: %s", p)
			}
		})
	}
}

// TestFailedBuild: a server whose build the cloud ends in failure (NCP
// FSTOP, NHN ERROR) is shown with its status and replaced: created anew,
// then the failed one deleted.
func TestFailedBuild(t *testing.T) {
	t.Parallel()
	for _, cloud := range []string{"ncp", "nhn"} {
		t.Run(cloud, func(t *testing.T) {
			t.Parallel()
			b := simcore.Behaviour{BuildTime: 300 * time.Millisecond}
			failing := b
			failing.FailBuild = []string{"web-2"}
			w := newWorld(t, failing)
			w.writeFleet(group{name: "web", cloud: cloud, count: 2, volume: true})
			if r := w.run(time.Minute, "apply", "--auto-approve"); r.code != 1 {
				t.Fatalf("apply with a failing build: %s", r)
			}
			w.sim.SetBehaviour(b)
			p := w.run(time.Minute, "plan", "--detailed-exitcode")
			status := map[string]string{"ncp": "FSTOP", "nhn": "ERROR"}[cloud]
			for _, want := range []string{
				"-/+ server/web-2 replace status: " + status + " → healthy (forces replacement) — the cloud reports the server failed",
				"- server/web-2 delete (replaced)",
			} {
				if !strings.Contains(squash(p.stdout), want) {
					t.Errorf("the plan does not say %q:\n%s", want, p)
				}
			}
			if p.code != 2 {
				t.Fatalf("plan --detailed-exitcode with a failed build: exit %d, want 2", p.code)
			}
			if r := w.run(time.Minute, "apply", "--auto-approve"); r.code != 0 {
				t.Fatalf("apply replacing the failed server: %s", r)
			}
			w.assertConsistent(2, 2)
			w.assertNoChanges()
		})
	}
}

// squash collapses the runs of spaces that align the plan's columns, so
// that checks do not depend on the width of the longest address.
func squash(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// awaitServers waits until the simulators hold n servers of the fleet.
func (w *world) awaitServers(n int, timeout time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := 0
		for _, c := range w.cloud() {
			if string(c.kind) == "server" {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the cloud holds %d servers after %s, want %d", got, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
