package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestRebootGroup reboots a group of 3 NHN Cloud servers with
// max_unavailable 1 and a group of 2 NCP servers without a rollout: the
// simulators see one reboot call per server, and the NHN timeline never has
// two members away from ACTIVE at once, though each went through REBOOT.
func TestRebootGroup(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 400 * time.Millisecond})
	w.writeFleet(group{name: "db", cloud: "nhn", count: 3, maxUnavailable: 1}, group{name: "web", cloud: "ncp", count: 2})
	w.applyUntilDone(1, 3*time.Minute)
	w.sim.Timeline.Reset()
	w.sim.ResetStats()

	r := w.run(3*time.Minute, "reboot", "--auto-approve", "server/db", "server/web")
	if r.code != 0 {
		t.Fatalf("reboot: %s", r)
	}
	out := squash(r.stdout)
	for _, want := range []string{"~ server/db-1 reboot [batch 1/3]", "~ server/db-3 reboot [batch 3/3]", "~ server/web-2 reboot [batch 2/2]",
		"rollout db: 3 batches of 1", "Plan: 5 to reboot.", "Reboot complete: 5 rebooted."} {
		if !strings.Contains(out, want) {
			t.Errorf("reboot did not print %q:\n%s", want, r.stdout)
		}
	}
	st := w.sim.Stats()
	if n := st.NHNCloud.Operations["POST /servers/{id}/action reboot"]; n != 3 {
		t.Errorf("NHN saw %d reboot calls, want 3 (one per server)", n)
	}
	if n := st.NCloud.Operations["rebootServerInstances"]; n != 2 {
		t.Errorf("NCP saw %d rebootServerInstances calls, want 2 (one per server)", n)
	}

	status := map[string]string{} // id → status; every member starts ACTIVE
	rebooted := map[string]bool{}
	peak := 0
	for _, e := range w.sim.Timeline.Events() {
		if e.Cloud != "nhn" || e.Kind != "server" || !strings.HasPrefix(e.Name, "db-") {
			continue
		}
		status[e.ID] = e.Status
		if e.Status == "REBOOT" {
			rebooted[e.ID] = true
		}
		away := 0
		for _, s := range status {
			if s != "ACTIVE" {
				away++
			}
		}
		peak = max(peak, away)
	}
	if len(rebooted) != 3 {
		t.Errorf("the timeline shows %d db servers rebooting, want 3: %v", len(rebooted), status)
	}
	if peak > 1 {
		t.Errorf("%d db servers were away from ACTIVE at once; max_unavailable is 1", peak)
	}
	w.assertNoChanges()
}
