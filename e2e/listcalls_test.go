package e2e

import (
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestDestroyNCPInListCalls: destroying 300 NCP servers stops, reads,
// looks up the volumes of and terminates them with list calls, 100 servers
// a call, never one call per server: 30 NCP calls at most where it took
// 901 (a stop, a volume list and a terminate per server).
func TestDestroyNCPInListCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("applies 300 servers")
	}
	w := newWorld(t, simcore.Behaviour{})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 300, batchCreate: true})
	w.applyUntilDone(1, 5*time.Minute)
	before := w.sim.Stats().NCloud
	r := w.run(5*time.Minute, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	after := w.sim.Stats().NCloud
	calls := after.Total - before.Total
	ops := map[string]int{}
	for op, n := range after.Operations {
		if d := n - before.Operations[op]; d > 0 {
			ops[op] = d
		}
	}
	t.Logf("destroy of 300 NCP servers: %d calls %v", calls, ops)
	if calls > 30 {
		t.Errorf("destroy of 300 NCP servers made %d NCP calls, want at most 30: %v", calls, ops)
	}
	for _, op := range []string{"stopServerInstances", "terminateServerInstances"} {
		if ops[op] < 3 || ops[op] > 4 {
			t.Errorf("%d %s calls, want 3 (100 servers a call)", ops[op], op)
		}
	}
}
