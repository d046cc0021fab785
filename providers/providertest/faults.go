package providertest

import (
	"context"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/spec"
)

// testFaults runs a server's whole life while a share of all calls answer
// 429 or 5xx: retries hide them, and the retried create makes no duplicate.
func testFaults(t *testing.T, ctx context.Context, e Env) {
	e.SetBehaviour(simcore.Behaviour{ThrottleRate: 0.25, ErrorRate: 0.15, Seed: 7})
	s := e.Server("pt-faults")
	id := createServer(t, ctx, e, s)
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.PowerChange{To: spec.PowerStopped}})
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Target: providers.TargetStopped})
	if n := countAddress(inventory(t, ctx, e, false), s.Address().String()); n != 1 {
		t.Fatalf("%d servers carry %s after retried calls, want 1", n, s.Address())
	}
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
	if e.Stats != nil && e.Stats().Total == 0 {
		t.Errorf("the simulator counted no calls")
	}
}

// testCreateErrorAfter: the cloud creates the server, then answers 5xx. The
// provider must find the server by its owner tag instead of creating another.
func testCreateErrorAfter(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-dup")
	e.SetBehaviour(simcore.Behaviour{CreateErrorAfter: []string{s.Name}})
	id := createServer(t, ctx, e, s)
	inv := inventory(t, ctx, e, false)
	if n := countAddress(inv, s.Address().String()); n != 1 {
		t.Fatalf("%d servers carry %s, want 1: %+v", n, s.Address(), inv.Servers)
	}
	if findServer(inv, id) == nil {
		t.Fatalf("create returned %s, which the inventory lacks", id)
	}
}

func testBuildFails(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-fail")
	e.SetBehaviour(simcore.Behaviour{FailBuild: []string{s.Name}})
	res, err := e.Provider.Create(ctx, providers.CreateRequest{Owner: owner(e, s), Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	_, err = e.Provider.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Target: providers.TargetRunning})
	wantErr(t, "wait for a failing build", err, providers.ErrFailed)
	if got := findServer(inventory(t, ctx, e, false), res.ID); got == nil || !got.Failed {
		t.Fatalf("failed server read back as %+v, want Failed", got)
	}
}

func countAddress(inv providers.InventoryResponse, addr string) int {
	n := 0
	for _, s := range inv.Servers {
		if s.Owner.Address == addr {
			n++
		}
	}
	return n
}
