package providertest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// budgeted is a provider with an adaptive request budget.
type budgeted interface {
	Budget() *backoff.Budget
}

// budgetLimit is the simulator's --rate-limit in testBudget: low enough
// that the suite's callers exceed it many times over.
const budgetLimit = 20

// testBudget: against a cloud that answers 429 above budgetLimit calls a
// second, callers that want far more converge near the limit and stay
// there, and none of their calls fails.
func testBudget(t *testing.T, ctx context.Context, e Env) {
	bp, ok := e.Provider.(budgeted)
	if !ok {
		t.Fatal("the provider has no Budget(): both clients pace calls with backoff.Budget")
	}
	b := bp.Budget()
	e.SetBehaviour(simcore.Behaviour{RateLimit: budgetLimit})
	defer e.SetBehaviour(simcore.Behaviour{})

	const callers, warm, measure = 16, 2 * time.Second, 3 * time.Second
	rctx, cancel := context.WithTimeout(ctx, warm+measure)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rctx.Err() == nil {
				_, err := e.Provider.Inventory(rctx, providers.InventoryRequest{Fleet: e.Fleet})
				if err != nil && rctx.Err() == nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(warm)
	before := b.Stats()
	wg.Wait()
	after := b.Stats()
	if failed != nil {
		t.Errorf("a call failed under the rate limit: %v", failed)
	}
	ok2 := (after.Calls - after.Throttled) - (before.Calls - before.Throttled)
	thr := after.Throttled - before.Throttled
	rate := float64(ok2) / measure.Seconds()
	share := float64(thr) / float64(max(1, ok2+thr))
	t.Logf("accepted %.1f calls/s against a limit of %d/s; %.1f%% met a 429; budget %+v", rate, budgetLimit, 100*share, after)
	if rate < 0.75*budgetLimit {
		t.Errorf("accepted %.1f calls/s after warming up, want near the cloud's %d/s", rate, budgetLimit)
	}
	// Loose: wall-clock pacing on a loaded machine (or under -race) is
	// erratic; backoff's virtual-time tests hold the budget to 10%.
	if share > 1.0/3 {
		t.Errorf("%.0f%% of calls met a 429 after warming up, want the budget to stay under the limit", 100*share)
	}
}

// testThrottleStorm: while the cloud answers 429 to half of all calls, a
// server is still created, waited for and deleted.
func testThrottleStorm(t *testing.T, ctx context.Context, e Env) {
	e.SetBehaviour(simcore.Behaviour{ThrottleRate: 0.5, Seed: 7})
	defer e.SetBehaviour(simcore.Behaviour{})
	s := e.Server("pt-storm")
	id := createServer(t, ctx, e, s)
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
	if st := e.Provider.(budgeted).Budget().Stats(); st.Throttled == 0 {
		t.Errorf("budget saw no 429 in a storm: %+v", st)
	}
}
