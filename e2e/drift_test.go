package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestNoDriftAfterKill kills apply right after NCP accepted a volume (which
// NCP creates attached to its server), before fleet saw it attached. The
// next apply finds nothing to do, and from then on the plan must not report
// drift: only fleet changed the cloud.
func TestNoDriftAfterKill(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 2, volume: true})
	c := w.start("apply", "--auto-approve")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	created := waitFor(ctx, func() bool {
		for _, r := range w.cloud() {
			if r.kind == addrs.KindVolume {
				return true
			}
		}
		return false
	})
	if !c.Kill() || !created {
		t.Fatalf("apply was not killed while creating a volume:\n%s", tail(c.Stdout.String()))
	}
	w.applyUntilDone(2, time.Minute)
	w.assertConsistent(2, 2)
	if r := w.assertNoChanges(); strings.Contains(r.stdout, "Drift") {
		t.Errorf("the plan reports drift, but only fleet changed the cloud: %s", r)
	}
}
