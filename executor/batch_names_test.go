package executor

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// TestBatchNamedOtherwiseThanPredicted: when the cloud names a batch's
// members otherwise than the provider predicted, apply still makes exactly
// the calls the plan lists: a planned rename gives the declared name
// whatever the cloud's, and a member the plan expected to get its declared
// name is recorded under the cloud's, for the next plan to rename, rather
// than renamed by a call no plan listed.
func TestBatchNamedOtherwiseThanPredicted(t *testing.T) {
	declared := func(s *providers.ServerSpec, first int) string { return s.Name }
	odd := func(s *providers.ServerSpec, first int) string { return fmt.Sprintf("x-%d", s.Index) }
	tests := map[string]struct {
		predict   func(*providers.ServerSpec, int) string
		wantCalls []string
		wantNames []string
	}{
		"renames planned, the cloud names otherwise still": {
			predict: nil, // web-00K
			wantCalls: []string{"batch web-1..web-3",
				"update server/web-1 rename server/web-1", "update server/web-2 rename server/web-2", "update server/web-3 rename server/web-3"},
			wantNames: []string{"web-1", "web-2", "web-3"},
		},
		"no rename planned, the cloud names otherwise": {
			predict:   declared,
			wantCalls: []string{"batch web-1..web-3"},
			wantNames: []string{"x-1", "x-2", "x-3"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3, predict: tc.predict, named: odd}
			plan := countPlan(t, prov, 1, 3, nil)
			res, err := Apply(context.Background(), Options{Plan: plan, Providers: map[string]providers.Provider{"p": prov},
				Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
			if err != nil || !res.Tally.OK() {
				t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
			}
			var calls []string
			for _, c := range prov.calls() {
				if c[:5] == "batch" || c[:6] == "update" || c[:6] == "create" {
					calls = append(calls, c)
				}
			}
			slices.Sort(calls)
			if !slices.Equal(calls, tc.wantCalls) {
				t.Errorf("calls %q, want %q", calls, tc.wantCalls)
			}
			st := b.stored(t)
			for k, want := range tc.wantNames {
				addr := fmt.Sprintf("server/web-%d", k+1)
				if r := st.Lookup(addrs.MustParse(addr)); r == nil || r.Server.Name != want {
					t.Errorf("%s recorded as %+v, want named %s", addr, r, want)
				}
			}
		})
	}
}
