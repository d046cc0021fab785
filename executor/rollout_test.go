package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// rolloutPlan resizes web-1..web-n (stop, resize, start each) in batches of
// max, plus a new server web-new outside any batch. With plannerEdges the
// plan also carries the planner's edges between batches; without, only the
// executor holds batches apart.
func rolloutPlan(n, maxUnavailable int, plannerEdges bool) *planner.Plan {
	var actions []planner.Action
	var prevBatch []string
	var thisBatch []string
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("web-%d", i)
		batch := (i-1)/maxUnavailable + 1
		if (i-1)%maxUnavailable == 0 && i > 1 {
			prevBatch, thisBatch = thisBatch, nil
		}
		var deps []string
		if plannerEdges {
			deps = slices.Clone(prevBatch)
		}
		stop := batched(serverAction(planner.Stop, name, deps...), "web", batch)
		resize := batched(serverAction(planner.Resize, name, stop.ID), "web", batch)
		start := batched(serverAction(planner.Start, name, resize.ID), "web", batch)
		actions = append(actions, stop, resize, start)
		thisBatch = append(thisBatch, start.ID)
	}
	actions = append(actions, createServer("web-new"))
	p := newPlan(actions...)
	p.Rollouts = []planner.Rollout{{Group: "web", MaxUnavailable: maxUnavailable, Batches: (n + maxUnavailable - 1) / maxUnavailable, Servers: n}}
	return p
}

// unavailability tracks how many servers are below target: from the call
// that stops one until the wait that sees it running again.
type unavailability struct {
	mu       sync.Mutex
	down     map[string]bool
	peak     int
	timeline []string
}

func (u *unavailability) provider(fail map[string]error) *fakeProvider {
	u.down = map[string]bool{}
	return &fakeProvider{
		UpdateF: func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
			jitter(2e6)
			u.mu.Lock()
			defer u.mu.Unlock()
			u.timeline = append(u.timeline, "update "+req.Address+" "+updateWhat(req))
			if err := fail[req.Address+" "+updateWhat(req)]; err != nil {
				return providers.UpdateResponse{}, err
			}
			if c, ok := req.Change.(providers.PowerChange); ok && c.To == "stopped" {
				u.down[req.Address] = true
				u.peak = max(u.peak, len(u.down))
			}
			return providers.UpdateResponse{}, nil
		},
		WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
			jitter(3e6)
			u.mu.Lock()
			defer u.mu.Unlock()
			if req.Target == providers.TargetRunning {
				delete(u.down, req.Address)
			}
			return providers.WaitResponse{}, nil
		},
	}
}

func TestRolloutBoundsUnavailableServers(t *testing.T) {
	tests := map[string]struct {
		servers, max int
		plannerEdges bool
	}{
		"executor alone, batches of 2": {servers: 6, max: 2},
		"with planner edges":           {servers: 6, max: 2, plannerEdges: true},
		"batches of 3, uneven":         {servers: 7, max: 3},
		"one at a time":                {servers: 4, max: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			servers := map[string]string{}
			for i := 1; i <= tt.servers; i++ {
				servers[fmt.Sprintf("web-%d", i)] = fmt.Sprint(i)
			}
			b := &memBackend{}
			st := existing(t, b, servers)
			u := &unavailability{}
			prov := u.provider(nil)
			r := applyWith(t, context.Background(), rolloutPlan(tt.servers, tt.max, tt.plannerEdges), prov, b, st, 10)
			if r.err != nil || !r.res.Tally.OK() {
				t.Fatalf("apply: %v %s", r.err, r.res.Tally)
			}
			if u.peak != tt.max {
				t.Errorf("up to %d servers were down at once, want %d", u.peak, tt.max)
			}
			// Creating new capacity is not held back by the rollout.
			calls := prov.calls()
			create := slices.Index(calls, "create server/web-new")
			lastStop := slices.Index(calls, fmt.Sprintf("update server/web-%d power stopped", tt.servers))
			if create < 0 || create > lastStop {
				t.Errorf("the new server was created at call %d, after the last batch began at %d", create, lastStop)
			}
		})
	}
}

func TestRolloutStopsAtAFailedBatch(t *testing.T) {
	for _, plannerEdges := range []bool{false, true} {
		t.Run(fmt.Sprintf("planner edges %v", plannerEdges), func(t *testing.T) {
			b := &memBackend{}
			st := existing(t, b, map[string]string{"web-1": "1", "web-2": "2", "web-3": "3", "web-4": "4", "web-5": "5", "web-6": "6"})
			boom := errors.New("resize refused")
			u := &unavailability{}
			prov := u.provider(map[string]error{"server/web-3 resize s4": boom})
			r := applyWith(t, context.Background(), rolloutPlan(6, 2, plannerEdges), prov, b, st, 10)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got, want := r.res.Tally.String(), "Apply: 1 created, 3 resized, 3 started, 4 stopped, 1 failed, 1 skipped, 6 not started."; got != want {
				t.Errorf("tally\n got %q\nwant %q", got, want)
			}
			if len(r.res.Failed) != 1 || r.res.Failed[0].ActionID != "resize server/web-3" {
				t.Errorf("failed %v, want resize server/web-3 only", r.res.Failed)
			}
			var held []string
			for _, ev := range r.events.of(ActionNotStarted) {
				held = append(held, ev.ActionID+": "+ev.Err.Error())
			}
			slices.Sort(held)
			var want []string
			for _, s := range []string{"web-5", "web-6"} {
				for _, typ := range []string{"resize", "start", "stop"} {
					want = append(want, typ+" server/"+s+": rollout of group web stopped: batch 2 did not complete")
				}
			}
			slices.Sort(want)
			if diff := cmp.Diff(want, held); diff != "" {
				t.Errorf("not started (-want +got):\n%s", diff)
			}
			if sk := r.events.of(ActionSkipped); len(sk) != 1 || sk[0].ActionID != "start server/web-3" || sk[0].Cause != "resize server/web-3" {
				t.Errorf("skipped %+v, want start server/web-3 because of its resize", sk)
			}
			for _, c := range prov.calls() {
				if strings.Contains(c, "web-5") || strings.Contains(c, "web-6") {
					t.Errorf("batch 3 was touched: %s", c)
				}
			}
			// The state records exactly what was done.
			final := r.backend.stored(t)
			got := map[string]string{}
			for _, s := range []string{"web-1", "web-2", "web-3", "web-4", "web-5", "web-6"} {
				srv := final.Lookup(addrs.Server(s)).Server
				got[s] = srv.Type + " " + string(srv.Power)
			}
			wantState := map[string]string{
				"web-1": "s4 running", "web-2": "s4 running", "web-3": "s2 stopped",
				"web-4": "s4 running", "web-5": "s2 running", "web-6": "s2 running",
			}
			if diff := cmp.Diff(wantState, got); diff != "" {
				t.Errorf("stored servers (-want +got):\n%s", diff)
			}
		})
	}
}
