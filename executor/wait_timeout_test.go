package executor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// A build that never finishes fails its action after WaitTimeout, instead
// of blocking the apply; the server keeps its id in the state, and
// independent actions still finish.
func TestWaitTimeoutFailsTheActionNotTheApply(t *testing.T) {
	prov := &fakeProvider{}
	prov.WaitF = func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		if req.Address == "server/stuck" {
			<-ctx.Done()
			return providers.WaitResponse{}, ctx.Err()
		}
		return providers.WaitResponse{}, nil
	}
	b := &memBackend{}
	st := &state.State{}
	p := newPlan(createServer("stuck"), createServer("fine"))
	res, err := Apply(context.Background(), Options{
		Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: b, State: st,
		Parallelism: 2, SlowAfter: time.Hour, WaitTimeout: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Address != addrs.Server("stuck") ||
		!strings.Contains(res.Failed[0].Err.Error(), "did not become running within 50ms") {
		t.Fatalf("failed = %+v, want server/stuck timed out", res.Failed)
	}
	if res.Tally.Succeeded[planner.Create] != 1 {
		t.Errorf("tally %s: the independent server should be created", res.Tally)
	}
	stored := b.stored(t)
	if r := stored.Lookup(addrs.Server("stuck")); r == nil || r.ID == "" {
		t.Errorf("the stuck server's id is not in the state: %+v", r)
	}
}
