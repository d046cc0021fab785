package e2e

import (
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// crashFleet is the fleet of the crash and fault tests: servers on both
// clouds, each with a volume (NCP creates it attached, NHN attaches it),
// created in batches that the cloud names otherwise and fleet renames.
func crashFleet(web, db int) []group {
	return []group{
		{name: "web", cloud: "ncp", count: web, volume: true, batchCreate: true},
		{name: "db", cloud: "nhn", count: db, volume: true, batchCreate: true},
	}
}

// crashKills is how many times the crash test kills fleet: a few in a normal
// run, many with FLEET_CRASHTEST=long (make crashtest).
func crashKills() int {
	if os.Getenv("FLEET_CRASHTEST") == "long" {
		return 40
	}
	return 5
}

// crashSeed seeds the kill instants; FLEET_CRASHTEST_SEED replays a run.
func crashSeed(t *testing.T) int64 {
	seed := time.Now().UnixNano()
	if s := os.Getenv("FLEET_CRASHTEST_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("FLEET_CRASHTEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("crash seed %d (replay with FLEET_CRASHTEST_SEED=%d)", seed, seed)
	return seed
}

// TestCrash kills fleet apply with SIGKILL at random instants and checks
// that the cloud and the state agree: no server or volume twice, none
// untracked, nothing tracked that is gone. Every other run builds slowly
// and is killed before its builds can end; the next apply starts at once,
// while servers and volumes are still in transition, and must succeed by
// itself. When a run finishes (before its kill, or as such a re-run), the
// desired fleet flips between 50 and 40 servers so the next kills land on
// deletes as well as creates; the fleet that was desired last must
// converge too, then the full one, each in one apply.
func TestCrash(t *testing.T) {
	t.Parallel()
	fast := simcore.Behaviour{BuildTime: 300 * time.Millisecond}
	slow := simcore.Behaviour{BuildTime: 4 * time.Second}
	w := newWorld(t, fast)
	rng := rand.New(rand.NewSource(crashSeed(t)))
	big := true
	w.writeFleet(crashFleet(30, 20)...)
	killed, failed := 0, 0
	for i := 0; i < crashKills(); i++ {
		building := i%2 == 1
		after := time.Duration(100+rng.Intn(5000)) * time.Millisecond
		if building {
			w.sim.SetBehaviour(slow)
			after = time.Duration(500+rng.Intn(3000)) * time.Millisecond
		}
		c := w.start("apply", "--auto-approve")
		time.Sleep(after)
		var r result
		if c.Kill() {
			killed++
			if !building {
				continue
			}
			// What it started still builds: apply again at once.
			w.sim.SetBehaviour(fast)
			r = w.run(3*time.Minute, "apply", "--auto-approve")
		} else {
			r = result{code: c.wait(t, time.Second), stdout: c.Stdout.String(), stderr: c.Stderr.String()}
		}
		w.sim.SetBehaviour(fast)
		if r.code != 0 {
			// Nothing injects faults here: a run that fails by itself is
			// recovering badly from an earlier kill.
			failed++
			t.Errorf("run %d failed by itself after a kill: exit %d: %s\nits plan:\n%s", i, r.code, firstLines(r.stderr, 5), planPart(r.stdout))
			continue
		}
		big = !big
		if big {
			w.writeFleet(crashFleet(30, 20)...)
		} else {
			w.writeFleet(crashFleet(24, 16)...)
		}
	}
	t.Logf("%d runs killed mid-apply, %d failed by themselves", killed, failed)
	if killed == 0 {
		t.Fatal("no run was killed while applying: the test exercised nothing")
	}
	if !big {
		w.applyOnce(3 * time.Minute)
		w.assertConsistent(40, 40)
		w.assertNoChanges()
		w.writeFleet(crashFleet(30, 20)...)
	}
	w.applyOnce(3 * time.Minute)
	w.assertConsistent(50, 50)
	w.assertNoChanges()
}

// applyOnce runs apply, which must succeed the first time: nothing injects
// faults, so a failure is fleet recovering badly from a kill.
func (w *world) applyOnce(timeout time.Duration) {
	w.t.Helper()
	if r := w.run(timeout, "apply", "--auto-approve"); r.code != 0 {
		w.t.Fatalf("apply right after the last kill: %s\nits plan:\n%s", r, planPart(r.stdout))
	}
}
