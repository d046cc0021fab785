package executor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// waitServer is the wait the planner puts before everything that needs a
// server found in transition.
func waitServer(name, id string) planner.Action {
	return planner.Action{ID: "wait server/" + name, Type: planner.Wait, Kind: addrs.KindServer,
		Address: addrs.Server(name), Provider: "p", CloudID: id}
}

// A wait action makes no call: it waits for the server to be idle, then the
// actions after it run, and the state records the server as the wait saw it,
// no longer stuck. One that vanishes (an interrupted delete) has settled. A
// wait that times out marks the server stuck for the next plan, and what
// depends on it is skipped.
func TestWaitAction(t *testing.T) {
	tests := map[string]struct {
		wait    func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error)
		wantLog []string
		wantOK  bool
		cleared bool // the state records it settled
	}{
		"settles": {
			wait: func(_ context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
				return providers.WaitResponse{Server: &providers.Server{ID: req.ID, Name: "web", Power: spec.PowerRunning, Status: "RUN"}}, nil
			},
			wantLog: []string{"wait server/web idle", "create volume/web/data", "wait volume/web/data idle"},
			wantOK:  true, cleared: true,
		},
		// Its record stays for the delete after it, or for the next
		// plan, which finds it gone.
		"vanishes": {
			wait: func(_ context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
				if req.Kind == addrs.KindServer {
					return providers.WaitResponse{}, fmt.Errorf("server %s: %w", req.ID, providers.ErrNotFound)
				}
				return providers.WaitResponse{}, nil
			},
			wantLog: []string{"wait server/web idle", "create volume/web/data", "wait volume/web/data idle"},
			wantOK:  true,
		},
		"times out": {
			wait: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
				<-ctx.Done()
				return providers.WaitResponse{Server: &providers.Server{ID: req.ID, Status: "INIT", Busy: true}}, ctx.Err()
			},
			wantLog: []string{"wait server/web idle"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			st := existing(t, b, map[string]string{"web": "101"})
			r := *st.Lookup(addrs.Server("web"))
			r.Stuck = &state.Stuck{Status: "INIT", Waited: "1h0m0s"}
			r.Server.Busy, r.Server.Power = true, ""
			st.Put(r)
			prov := &fakeProvider{WaitF: tc.wait}
			p := newPlan(waitServer("web", "101"), createVolume("web", "data", "wait server/web"))
			p.StateSerial = st.Serial
			res, err := Apply(context.Background(), Options{
				Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: b, State: st,
				Parallelism: 2, SlowAfter: time.Hour, WaitTimeout: 50 * time.Millisecond,
			})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if d := cmp.Diff(tc.wantLog, prov.calls()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			got := b.stored(t).Lookup(addrs.Server("web"))
			if tc.wantOK {
				if !res.Tally.OK() || res.Tally.Succeeded[planner.Wait] != 1 {
					t.Errorf("tally %s, want the wait settled and the volume created", res.Tally)
				}
				if tc.cleared && (got.Stuck != nil || got.Server.Busy) {
					t.Errorf("state after the wait: stuck %+v, busy %v; want neither", got.Stuck, got.Server.Busy)
				}
				return
			}
			if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Err.Error(), "server/web did not become idle within 50ms (--wait-timeout)") {
				t.Errorf("failed %+v, want the wait timed out", res.Failed)
			}
			if res.Tally.Skipped != 1 {
				t.Errorf("tally %s: the volume should be skipped", res.Tally)
			}
			if got.Stuck == nil || got.Stuck.Status != "INIT" || got.Stuck.Waited != "50ms" {
				t.Errorf("stuck mark %+v, want INIT after 50ms", got.Stuck)
			}
		})
	}
}

// A plan's wait without the cloud id is refused before any call.
func TestWaitActionNeedsItsCloudID(t *testing.T) {
	err := checkAction(&planner.Action{ID: "wait server/web", Type: planner.Wait, Kind: addrs.KindServer, Address: addrs.Server("web")})
	if err == nil || !strings.Contains(err.Error(), "wait without the cloud id") {
		t.Errorf("checkAction: %v", err)
	}
}
