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

// TestCrash kills fleet apply with SIGKILL at random instants, re-runs it
// until it succeeds, and checks that the cloud and the state agree: no
// server or volume twice, none untracked, nothing tracked that is gone.
// When a run finishes before its kill, the desired fleet flips between 50
// and 40 servers so the next kills land on deletes as well as creates; the
// fleet that was desired last must converge too, then the full one.
func TestCrash(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	rng := rand.New(rand.NewSource(crashSeed(t)))
	big := true
	w.writeFleet(crashFleet(30, 20)...)
	killed, failed := 0, 0
	for i := 0; i < crashKills(); i++ {
		c := w.start("apply", "--auto-approve")
		time.Sleep(time.Duration(100+rng.Intn(5000)) * time.Millisecond)
		if c.Kill() {
			killed++
			continue
		}
		if code := c.wait(t, time.Second); code != 0 {
			// Nothing injects faults here: a run that fails by itself is
			// recovering badly from an earlier kill.
			failed++
			t.Errorf("run %d failed by itself after a kill: exit %d: %s\nits plan:\n%s", i, code, firstLines(c.Stderr.String(), 5), planPart(c.Stdout.String()))
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
		w.applyUntilDone(5, 3*time.Minute)
		w.assertConsistent(40, 40)
		w.assertNoChanges()
		w.writeFleet(crashFleet(30, 20)...)
	}
	w.applyUntilDone(5, 3*time.Minute)
	w.assertConsistent(50, 50)
	w.assertNoChanges()
}
