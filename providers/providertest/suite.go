package providertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// timeout bounds each subtest: simulators build in well under a second, and
// retries under injected faults take a few seconds at most.
const timeout = 90 * time.Second

// Run runs the contract suite against h.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, e Env)
	}{
		{"create", testCreate},
		{"not_found", testNotFound},
		{"resize", testResize},
		{"stop_start", testStopStart},
		{"reboot", testReboot},
		{"no_change", testNoChange},
		{"volume", testVolume},
		{"image", testImage},
		{"keypair", testKeypair},
		{"protected", testProtected},
		{"public_ip", testPublicIP},
		{"shrink", testShrink},
		{"faults", testFaults},
		{"create_error_after", testCreateErrorAfter},
		{"build_fails", testBuildFails},
		{"batch", testBatch},
		{"batch_unbatchable", testBatchUnbatchable},
		{"batch_error_after", testBatchErrorAfter},
		{"tag", testTag},
		{"budget", testBudget},
		{"throttle_storm", testThrottleStorm},
	}
	for _, o := range outages {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T, ctx context.Context, e Env)
		}{"outage_" + o.name, testOutage(o)})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := h.New(t)
			if why, ok := e.Unsupported[tc.name]; ok {
				t.Skip(why)
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			tc.fn(t, ctx, e)
		})
	}
}

// owner is the tag of a server the suite creates.
func owner(e Env, s interface{ Address() addrs.Address }) providers.Owner {
	return providers.Owner{Fleet: e.Fleet, Address: s.Address().String()}
}

// createServer creates a server and waits until it runs.
func createServer(t *testing.T, ctx context.Context, e Env, s *spec.Server) string {
	t.Helper()
	res, err := e.Provider.Create(ctx, providers.CreateRequest{Owner: owner(e, s), Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
	if err != nil {
		t.Fatalf("create %s: %v", s.Address(), err)
	}
	if res.ID == "" {
		t.Fatalf("create %s: empty id", s.Address())
	}
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Target: providers.TargetRunning})
	return res.ID
}

func waitFor(t *testing.T, ctx context.Context, e Env, req providers.WaitRequest) providers.WaitResponse {
	t.Helper()
	res, err := e.Provider.Wait(ctx, req)
	if err != nil {
		t.Fatalf("wait %s %s for %s: %v", req.Kind, req.ID, req.Target, err)
	}
	return res
}

func update(t *testing.T, ctx context.Context, e Env, req providers.UpdateRequest) {
	t.Helper()
	if _, err := e.Provider.Update(ctx, req); err != nil {
		t.Fatalf("update %s %s: %v", req.Kind, req.ID, err)
	}
}

func del(t *testing.T, ctx context.Context, e Env, kind addrs.Kind, id, addr string) {
	t.Helper()
	if _, err := e.Provider.Delete(ctx, providers.DeleteRequest{Kind: kind, ID: id, Address: addr}); err != nil {
		t.Fatalf("delete %s %s: %v", kind, id, err)
	}
	waitFor(t, ctx, e, providers.WaitRequest{Kind: kind, ID: id, Address: addr, Target: providers.TargetGone})
}

func inventory(t *testing.T, ctx context.Context, e Env, catalog bool) providers.InventoryResponse {
	t.Helper()
	inv, err := e.Provider.Inventory(ctx, providers.InventoryRequest{Fleet: e.Fleet, Catalog: catalog})
	if err != nil {
		t.Fatalf("inventory: %v", err)
	}
	return inv
}

func findServer(inv providers.InventoryResponse, id string) *providers.Server {
	for i := range inv.Servers {
		if inv.Servers[i].ID == id {
			return &inv.Servers[i]
		}
	}
	return nil
}

func findVolume(inv providers.InventoryResponse, id string) *providers.Volume {
	for i := range inv.Volumes {
		if inv.Volumes[i].ID == id {
			return &inv.Volumes[i]
		}
	}
	return nil
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one wrapping %v", what, err, target)
	}
}
