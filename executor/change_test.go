package executor

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// Stopping a duplicate (an action whose CloudID is not the id recorded at
// its address) must leave the record of the server that holds the address
// alone, whether the wait saw the duplicate or nothing.
func TestRefreshKeepsTheRecordOfAnotherServer(t *testing.T) {
	tests := map[string]struct {
		seen providers.WaitResponse
	}{
		"wait saw the duplicate": {seen: providers.WaitResponse{Server: &providers.Server{ID: "dup", Name: "web-1", Power: spec.PowerStopped}}},
		"wait saw nothing":       {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			st := existing(t, b, map[string]string{"web-1": "new"})
			stop := serverAction(planner.Stop, "web-1")
			stop.CloudID = "dup"
			prov := &fakeProvider{WaitF: func(context.Context, providers.WaitRequest) (providers.WaitResponse, error) {
				return tc.seen, nil
			}}
			r := applyWith(t, context.Background(), newPlan(stop), prov, b, st, 1)
			if r.err != nil || len(r.res.Failed) != 0 {
				t.Fatalf("apply: %v, failed %+v", r.err, r.res.Failed)
			}
			got := b.stored(t).Lookup("server/web-1")
			want := &providers.Server{ID: "new", Name: "web-1", Type: "s2", Power: spec.PowerRunning}
			if got == nil || got.ID != "new" {
				t.Fatalf("record at server/web-1 = %+v, want id new", got)
			}
			if d := cmp.Diff(want, got.Server); d != "" {
				t.Errorf("record of the server holding the address (-want +got):\n%s", d)
			}
		})
	}
}

// An attach to a server an earlier run left building waits for it to
// settle before the call; an attach to a settled server does not wait.
func TestAttachWaitsForAServerStillBuilding(t *testing.T) {
	tests := map[string]struct {
		server providers.Server
		want   []string
	}{
		"building": {
			server: providers.Server{ID: "srv-1", Name: "web-1", Busy: true},
			want: []string{
				fmt.Sprintf("wait server/web-1 %s", providers.TargetIdle),
				"update volume/web-1/data attach srv-1",
				fmt.Sprintf("wait volume/web-1/data %s", providers.TargetAttached),
			},
		},
		"power unknown": {
			server: providers.Server{ID: "srv-1", Name: "web-1"},
			want: []string{
				fmt.Sprintf("wait server/web-1 %s", providers.TargetIdle),
				"update volume/web-1/data attach srv-1",
				fmt.Sprintf("wait volume/web-1/data %s", providers.TargetAttached),
			},
		},
		"settled": {
			server: providers.Server{ID: "srv-1", Name: "web-1", Power: spec.PowerRunning},
			want: []string{
				"update volume/web-1/data attach srv-1",
				fmt.Sprintf("wait volume/web-1/data %s", providers.TargetAttached),
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			st := &state.State{Version: state.FormatVersion, Fleet: "shop"}
			srv := tc.server
			st.Put(state.Resource{Address: "server/web-1", Kind: providers.KindServer, Provider: "p", ID: srv.ID, Server: &srv})
			st.Put(state.Resource{Address: "volume/web-1/data", Kind: providers.KindVolume, Provider: "p", ID: "vol-1",
				Volume: &providers.Volume{ID: "vol-1", Name: "data"}})
			if err := b.Write(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			prov := &fakeProvider{}
			r := applyWith(t, context.Background(), newPlan(attachVolume("web-1", "data")), prov, b, st, 1)
			if r.err != nil || len(r.res.Failed) != 0 {
				t.Fatalf("apply: %v, failed %+v", r.err, r.res.Failed)
			}
			if d := cmp.Diff(tc.want, prov.calls()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}
