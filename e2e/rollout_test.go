package e2e

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// The rollout tests change a group of 6 NCP servers with
// rollout { max_unavailable: 2 } and check, against the simulator's own
// timeline of server statuses, that no more than 2 of them were ever out of
// service at once and that the batches the plan announced ran one after the
// other.

const (
	rolloutImage    = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050" // the replacement image
	rolloutType     = "s4-g2-s50"                           // the resize target
	rolloutSize     = 6
	rolloutMaxUnav  = 2
	rolloutBuild    = 500 * time.Millisecond
	rolloutDeadline = 4 * time.Minute
)

func rolloutGroup(typ, image string) group {
	return group{name: "web", cloud: "ncp", count: rolloutSize, typ: typ, image: image, maxUnavailable: rolloutMaxUnav}
}

// planBatches runs plan --json and returns each server's rollout batch of
// the group web, checking that the plan announces 3 batches of 2.
func (w *world) planBatches() map[string]int {
	w.t.Helper()
	r := w.run(2*time.Minute, "plan", "--json")
	if r.code != 0 {
		w.t.Fatalf("plan --json: %s", r)
	}
	var doc struct {
		Rollouts []struct {
			Group          string `json:"group"`
			MaxUnavailable int    `json:"max_unavailable"`
			Batches        int    `json:"batches"`
		} `json:"rollouts"`
		Actions []struct {
			Address string `json:"address"`
			Group   string `json:"group"`
			Batch   int    `json:"batch"`
		} `json:"actions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		w.t.Fatalf("plan --json does not parse: %v\n%s", err, tail(r.stdout))
	}
	if len(doc.Rollouts) != 1 || doc.Rollouts[0].Group != "web" || doc.Rollouts[0].Batches != 3 || doc.Rollouts[0].MaxUnavailable != rolloutMaxUnav {
		w.t.Fatalf("plan rollouts %+v, want web in 3 batches of %d", doc.Rollouts, rolloutMaxUnav)
	}
	batches := map[string]int{}
	for _, a := range doc.Actions {
		if a.Group == "web" && a.Batch > 0 && strings.HasPrefix(a.Address, "server/") {
			batches[strings.TrimPrefix(a.Address, "server/")] = a.Batch
		}
	}
	if len(batches) != rolloutSize {
		w.t.Fatalf("plan puts %d servers of web in batches (%v), want %d", len(batches), batches, rolloutSize)
	}
	return batches
}

// trace is what the timeline says about one server group during a change.
type trace struct {
	peakDown     int                  // most names with no RUN server at one instant
	peakInFlight int                  // most names being changed at one instant
	first, last  map[string]time.Time // when each name first entered and last left a change
}

// traceGroup replays the timeline from the group's servers before the
// change (all running). A name is down when none of its servers is RUN, and
// in flight when it is down or has more than one server (a replacement
// being built, or the old one being deleted).
func traceGroup(before []cloudResource, events []simcore.Event, prefix string) trace {
	status := map[string]string{} // id → status
	name := map[string]string{}   // id → name
	for _, c := range before {
		if c.kind == addrs.KindServer && strings.HasPrefix(c.name, prefix) {
			status[c.id], name[c.id] = c.status, c.name
		}
	}
	tr := trace{first: map[string]time.Time{}, last: map[string]time.Time{}}
	inFlight := map[string]bool{}
	measure := func(at time.Time) {
		servers, running := map[string]int{}, map[string]int{}
		for id, st := range status {
			servers[name[id]]++
			if st == "RUN" {
				running[name[id]]++
			}
		}
		down, flying := 0, 0
		for n := range servers {
			fly := running[n] == 0 || servers[n] > 1
			if running[n] == 0 {
				down++
			}
			if fly {
				flying++
				if _, ok := tr.first[n]; !ok {
					tr.first[n] = at
				}
			} else if inFlight[n] {
				tr.last[n] = at
			}
			inFlight[n] = fly
		}
		tr.peakDown, tr.peakInFlight = max(tr.peakDown, down), max(tr.peakInFlight, flying)
	}
	for i, e := range events {
		if e.Cloud == "ncloud" && e.Kind == "server" && strings.HasPrefix(e.Name, prefix) {
			if e.Status == "deleted" {
				delete(status, e.ID)
			} else {
				status[e.ID], name[e.ID] = e.Status, e.Name
			}
		}
		// Events of one instant are one change: measure after the last.
		if i == len(events)-1 || !events[i+1].At.Equal(e.At) {
			measure(e.At)
		}
	}
	return tr
}

// assertBatched checks the trace against the plan's batches: never more
// than max_unavailable down or in flight, every server changed, and each
// batch started only after the previous one was back.
func assertBatched(t *testing.T, tr trace, batches map[string]int) {
	t.Helper()
	t.Logf("peak down %d, peak in flight %d", tr.peakDown, tr.peakInFlight)
	if tr.peakDown > rolloutMaxUnav || tr.peakInFlight > rolloutMaxUnav {
		t.Errorf("%d servers down and %d being changed at one instant, want at most %d", tr.peakDown, tr.peakInFlight, rolloutMaxUnav)
	}
	for n := range batches {
		if _, ok := tr.first[n]; !ok {
			t.Errorf("%s was never changed", n)
		}
	}
	names := sortedKeys(batches)
	for _, a := range names {
		for _, b := range names {
			if batches[b] == batches[a]+1 && tr.first[b].Before(tr.last[a]) {
				t.Errorf("%s (batch %d) started at %s, before %s (batch %d) was back at %s",
					b, batches[b], tr.first[b].Format(time.StampMilli), a, batches[a], tr.last[a].Format(time.StampMilli))
			}
		}
	}
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestRollout resizes, then replaces, a group of 6 running NCP servers with
// max_unavailable 2.
func TestRollout(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: rolloutBuild})
	w.writeFleet(rolloutGroup("", ""))
	w.applyUntilDone(1, rolloutDeadline)

	t.Run("resize", func(t *testing.T) {
		w.t = t
		w.writeFleet(rolloutGroup(rolloutType, ""))
		batches := w.planBatches()
		before := w.cloud()
		w.sim.Timeline.Reset()
		w.applyUntilDone(1, rolloutDeadline)
		assertBatched(t, traceGroup(before, w.sim.Timeline.Events(), "web-"), batches)
		w.assertConsistent(rolloutSize, 0)
		w.assertNoChanges()
	})
	t.Run("replace", func(t *testing.T) {
		w.t = t
		w.writeFleet(rolloutGroup(rolloutType, rolloutImage))
		batches := w.planBatches()
		before := w.cloud()
		w.sim.Timeline.Reset()
		w.applyUntilDone(1, rolloutDeadline)
		assertBatched(t, traceGroup(before, w.sim.Timeline.Events(), "web-"), batches)
		w.assertConsistent(rolloutSize, 0)
		w.assertNoChanges()
	})
}

// TestRolloutFailure replaces the group with the build of one batch-2
// replacement failing: the apply fails, batch 3 is never touched, and the
// next apply (with the fault gone) continues and converges.
func TestRolloutFailure(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: rolloutBuild})
	w.writeFleet(rolloutGroup("", ""))
	w.applyUntilDone(1, rolloutDeadline)

	w.writeFleet(rolloutGroup("", rolloutImage))
	batches := w.planBatches()
	var victim string
	for _, n := range sortedKeys(batches) {
		if batches[n] == 2 {
			victim = n
			break
		}
	}
	w.sim.SetBehaviour(simcore.Behaviour{BuildTime: rolloutBuild, FailBuild: []string{victim}})
	before := w.cloud()
	w.sim.Timeline.Reset()
	r := w.run(rolloutDeadline, "apply", "--auto-approve")
	if r.code != 1 || !strings.Contains(r.stderr, "server/"+victim) {
		t.Fatalf("apply with %s failing to build: want exit 1 naming it: %s", victim, r)
	}
	for n, b := range batches {
		if want := "server/" + n + ": Creation not started"; b == 3 && !strings.Contains(r.stdout, want) {
			t.Errorf("the failed apply does not report %q:\n%s", want, tail(r.stdout))
		}
	}
	tr := traceGroup(before, w.sim.Timeline.Events(), "web-")
	t.Logf("failing %s: peak down %d, in flight %d; changed: %v", victim, tr.peakDown, tr.peakInFlight, tr.first)
	if tr.peakDown > rolloutMaxUnav || tr.peakInFlight > rolloutMaxUnav {
		t.Errorf("%d down and %d in flight at once, want at most %d", tr.peakDown, tr.peakInFlight, rolloutMaxUnav)
	}
	for n, b := range batches {
		_, touched := tr.first[n]
		if b == 3 && touched {
			t.Errorf("%s of batch 3 was changed although batch 2 failed", n)
		}
		if b == 1 && !touched {
			t.Errorf("%s of batch 1 was never replaced", n)
		}
	}
	st := w.readState()
	if st.Serial == 0 {
		t.Errorf("state serial 0 after a partly applied rollout")
	}

	w.sim.SetBehaviour(simcore.Behaviour{BuildTime: rolloutBuild})
	w.applyUntilDone(3, rolloutDeadline)
	w.assertConsistent(rolloutSize, 0)
	w.assertNoChanges()
}

// TestRolloutResume kills a resize rollout with SIGKILL as soon as batch 2
// starts, then re-runs apply: across both runs no more than max_unavailable
// servers were ever out of service, and the fleet converges.
func TestRolloutResume(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: rolloutBuild})
	w.writeFleet(rolloutGroup("", ""))
	w.applyUntilDone(1, rolloutDeadline)

	w.writeFleet(rolloutGroup(rolloutType, ""))
	batches := w.planBatches()
	before := w.cloud()
	w.sim.Timeline.Reset()
	c := w.start("apply", "--auto-approve")
	ctx, cancel := context.WithTimeout(context.Background(), rolloutDeadline)
	defer cancel()
	started := waitFor(ctx, func() bool {
		tr := traceGroup(before, w.sim.Timeline.Events(), "web-")
		for n, b := range batches {
			if _, ok := tr.first[n]; ok && b == 2 {
				return true
			}
		}
		return false
	})
	if !c.Kill() {
		t.Fatalf("apply ended before it was killed in batch 2:\n%s", tail(c.Stdout.String()))
	}
	if !started {
		t.Fatalf("batch 2 never started:\n%s", tail(c.Stdout.String()))
	}
	w.applyUntilDone(3, rolloutDeadline)
	tr := traceGroup(before, w.sim.Timeline.Events(), "web-")
	t.Logf("across the killed and the resumed run: peak down %d, in flight %d", tr.peakDown, tr.peakInFlight)
	if tr.peakDown > rolloutMaxUnav || tr.peakInFlight > rolloutMaxUnav {
		t.Errorf("%d down and %d in flight at once, want at most %d", tr.peakDown, tr.peakInFlight, rolloutMaxUnav)
	}
	for n := range batches {
		if _, ok := tr.first[n]; !ok {
			t.Errorf("%s was never resized", n)
		}
	}
	w.assertConsistent(rolloutSize, 0)
	w.assertNoChanges()
}
