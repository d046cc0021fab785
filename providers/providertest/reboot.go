package providertest

import (
	"context"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// testReboot: a running server reboots (soft and hard) and runs again with
// its id; a stopped one refuses with ErrConflict.
func testReboot(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-reboot")
	id := createServer(t, ctx, e, s)
	for _, hard := range []bool{false, true} {
		update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Reboot{Hard: hard}})
		waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Target: providers.TargetRunning})
		if got := findServer(inventory(t, ctx, e, false), id); got == nil || got.Power != spec.PowerRunning || got.Busy {
			t.Fatalf("after reboot (hard %v) the inventory shows %+v, want it running", hard, got)
		}
	}
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.PowerChange{To: spec.PowerStopped}})
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Target: providers.TargetStopped})
	_, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Reboot{}})
	wantErr(t, "reboot a stopped server", err, providers.ErrConflict)
}
