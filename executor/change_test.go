package executor

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
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
			got := b.stored(t).Lookup(addrs.Server("web-1"))
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
			st.Put(state.Resource{Address: addrs.Server("web-1"), Kind: addrs.KindServer, Provider: "p", ID: srv.ID, Server: &srv})
			st.Put(state.Resource{Address: addrs.Volume("web-1", "data"), Kind: addrs.KindVolume, Provider: "p", ID: "vol-1",
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

// TestStopBeforeDeleteOfAGoneServer: a killed run's terminate went through,
// and the next plan stops the server before deleting it; the stop finds it
// gone. The stop and the delete are both done, and the record goes.
func TestStopBeforeDeleteOfAGoneServer(t *testing.T) {
	b := &memBackend{}
	st := existing(t, b, map[string]string{"web-1": "id-1", "web-2": "id-2"})
	stop := serverAction(planner.Stop, "web-1")
	stop.CloudID = "id-1"
	del := serverAction(planner.Delete, "web-1", stop.ID)
	del.CloudID = "id-1"
	// A stop with no delete after it still fails when its server is gone.
	lone := serverAction(planner.Stop, "web-2")
	lone.CloudID = "id-2"
	gone := func(id string) error { return fmt.Errorf("server %s: %w", id, providers.ErrNotFound) }
	prov := &fakeProvider{
		UpdateF: func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
			return providers.UpdateResponse{}, gone(req.ID)
		},
		DeleteF: func(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error) {
			return providers.DeleteResponse{}, gone(req.ID)
		},
	}
	r := applyWith(t, context.Background(), newPlan(stop, del, lone), prov, b, st, 2)
	if r.err != nil {
		t.Fatalf("apply: %v", r.err)
	}
	if len(r.res.Failed) != 1 || r.res.Failed[0].Address != addrs.Server("web-2") {
		t.Fatalf("failed %v, want the lone stop of web-2 only", r.res.Failed)
	}
	final := b.stored(t)
	if final.Lookup(addrs.Server("web-1")) != nil {
		t.Errorf("web-1 is still recorded after its delete")
	}
	for _, in := range final.Intents {
		if in.Address == addrs.Server("web-1") {
			t.Errorf("intent left for web-1: %+v", in)
		}
	}
}
