package providertest

import (
	"context"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// testNoChange: an update request without a Change is an error, never a
// silent success, and leaves the server as it was.
func testNoChange(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-nochange")
	id := createServer(t, ctx, e, s)
	_, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String()})
	if err == nil {
		t.Fatal("an update without a change succeeded, want an error")
	}
	if got := findServer(inventory(t, ctx, e, false), id); got == nil || got.Power != spec.PowerRunning || got.Type != s.Type {
		t.Fatalf("after a refused update the inventory shows %+v, want it running as %s", got, s.Type)
	}
}
