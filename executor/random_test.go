package executor

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// TestRandomDAGs applies random plans with random failures and checks the
// walk's invariants against a model: an action runs only after all its
// dependencies succeeded, fails only by its own error, and is skipped
// exactly when something it depends on (transitively) failed.
func TestRandomDAGs(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			n := 30 + rng.IntN(90)
			actions := make([]planner.Action, n)
			failing := map[string]bool{}
			for i := range actions {
				var deps []string
				for j := range i {
					if rng.IntN(12) == 0 {
						deps = append(deps, fmt.Sprintf("create server/s%03d", j))
					}
				}
				actions[i] = createServer(fmt.Sprintf("s%03d", i), deps...)
				if rng.IntN(15) == 0 {
					failing[actions[i].Address.String()] = true
				}
			}
			var mu sync.Mutex
			finished := map[string]bool{} // reached target
			var violations []string
			prov := &fakeProvider{
				CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
					jitter(500_000)
					if failing[req.Owner.Address] {
						return providers.CreateResponse{}, errors.New("refused")
					}
					return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
				},
				WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
					jitter(500_000)
					mu.Lock()
					finished[req.Address] = true
					mu.Unlock()
					return providers.WaitResponse{}, nil
				},
			}
			byID := map[string]planner.Action{}
			for _, a := range actions {
				byID[a.ID] = a
			}
			prov.before = func(op, addr string) {
				mu.Lock()
				defer mu.Unlock()
				for _, d := range byID["create "+addr].DependsOn {
					if !finished[byID[d].Address.String()] {
						violations = append(violations, addr+" before "+d)
					}
				}
			}
			r := applyWith(t, context.Background(), newPlan(actions...), prov, nil, nil, 1+rng.IntN(8))
			if r.err != nil {
				t.Fatal(r.err)
			}
			if len(violations) > 0 {
				t.Errorf("ran before a dependency finished: %q", violations)
			}
			// The model: outcome by plan order (dependencies come first).
			want := map[string]EventKind{}
			var tally Tally
			for _, a := range actions {
				k := ActionSucceeded
				for _, d := range a.DependsOn {
					if want[d] != ActionSucceeded {
						k = ActionSkipped
					}
				}
				if k == ActionSucceeded && failing[a.Address.String()] {
					k = ActionFailed
				}
				want[a.ID] = k
				switch k {
				case ActionSucceeded:
					tally.add(outSucceeded, a.Type)
				case ActionFailed:
					tally.add(outFailed, a.Type)
				default:
					tally.add(outSkipped, a.Type)
				}
			}
			r.events.mu.Lock()
			defer r.events.mu.Unlock()
			got := map[string]EventKind{}
			for _, ev := range r.events.events {
				if ev.Kind.terminal() {
					if _, dup := got[ev.ActionID]; dup {
						t.Errorf("%s ended twice", ev.ActionID)
					}
					got[ev.ActionID] = ev.Kind
				}
			}
			for id, k := range want {
				if got[id] != k {
					t.Errorf("%s: %s, want %s", id, got[id], k)
				}
			}
			if r.res.Tally.String() != tally.String() {
				t.Errorf("tally %q, want %q", r.res.Tally, tally)
			}
		})
	}
}
