package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// checkGroup is a group of 3 NCP servers replaced one at a time, with a
// rollout check.
func checkGroup(image, check string) group {
	return group{name: "web", cloud: "ncp", count: 3, image: image, maxUnavailable: 1, check: check}
}

// TestRolloutCheckFails replaces a group whose check fails for web-2: the
// apply stops there naming web-2 with the command's output, web-3 is never
// touched and web-2's old server is not deleted; once the check passes
// the next apply finishes the rollout.
func TestRolloutCheckFails(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	failing := `{ command: "echo probing $FLEET_NAME at $FLEET_PRIVATE_IP; test $FLEET_NAME != web-2", timeout: 2s, interval: 500ms }`
	w.writeFleet(checkGroup("", `{ command: "true" }`))
	w.applyUntilDone(1, 3*time.Minute)
	before := map[string]string{}
	for _, r := range w.readState().Resources {
		before[r.Address.String()] = r.ID
	}

	w.writeFleet(checkGroup(rolloutImage, failing))
	r := w.run(3*time.Minute, "apply", "--auto-approve")
	if r.code != 1 {
		t.Fatalf("apply with a failing check: %s", r)
	}
	if !strings.Contains(r.stderr, "server/web-2: rollout check failed") || !strings.Contains(r.stderr, "probing web-2 at 10.") {
		t.Errorf("the error does not name web-2 with the check's output:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "server/web-3: Replace not started") && !strings.Contains(r.stdout, "server/web-3: Creation not started") {
		t.Errorf("web-3 is not reported as not started:\n%s", r.stdout)
	}
	after := map[string]string{}
	for _, r := range w.readState().Resources {
		after[r.Address.String()] = r.ID
	}
	if after["server/web-3"] != before["server/web-3"] {
		t.Errorf("web-3 was touched: id %s → %s", before["server/web-3"], after["server/web-3"])
	}
	if after["server/web-1"] == before["server/web-1"] || after["server/web-2"] == before["server/web-2"] {
		t.Errorf("web-1 and web-2 should have new servers: %v → %v", before, after)
	}
	oldKept := false
	for _, c := range w.cloud() {
		oldKept = oldKept || c.id == before["server/web-2"]
	}
	if !oldKept {
		t.Errorf("web-2's old server %s was deleted though its successor failed the check", before["server/web-2"])
	}

	w.writeFleet(checkGroup(rolloutImage, `{ command: "true" }`))
	w.applyUntilDone(1, 3*time.Minute)
	w.assertConsistent(3, 0)
	w.assertNoChanges()
}

// TestRolloutCheckHoldsBatch replaces a group whose check passes only on
// its third try, a second after the first: the next batch's first server
// is created only after the previous server's check passed.
func TestRolloutCheckHoldsBatch(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	marks := t.TempDir()
	slow := fmt.Sprintf(`{ command: "m=%s/$FLEET_NAME; if [ -f $m.2 ]; then date +%%s%%N > $m.passed; exit 0; fi; [ -f $m.1 ] && touch $m.2; touch $m.1; exit 1", interval: 500ms }`, marks)
	w.writeFleet(checkGroup("", `{ command: "true" }`))
	w.applyUntilDone(1, 3*time.Minute)

	w.writeFleet(checkGroup(rolloutImage, slow))
	w.sim.Timeline.Reset()
	w.applyUntilDone(1, 3*time.Minute)
	passed := func(name string) time.Time {
		b, err := os.ReadFile(filepath.Join(marks, name+".passed"))
		if err != nil {
			t.Fatalf("%s's check never passed: %v", name, err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return time.Unix(0, ns)
	}
	first := map[string]time.Time{} // the first event of each name's replacement
	for _, e := range w.sim.Timeline.Events() {
		if _, ok := first[e.Name]; !ok && e.Kind == "server" && e.Status == "INIT" {
			first[e.Name] = e.At
		}
	}
	for _, pair := range [][2]string{{"web-1", "web-2"}, {"web-2", "web-3"}} {
		p, next := passed(pair[0]), first[pair[1]]
		if next.IsZero() || next.Before(p) {
			t.Errorf("%s's replacement was created at %s, before %s's check passed at %s",
				pair[1], next.Format(time.StampMilli), pair[0], p.Format(time.StampMilli))
		}
	}
	w.assertConsistent(3, 0)
	w.assertNoChanges()
}
