package executor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

func TestCancelFinishesInFlightCallsAndStartsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var actions []planner.Action
	for i := range 100 {
		actions = append(actions, createServer(fmt.Sprintf("web-%d", i+1)))
	}
	var mu sync.Mutex
	var created []string
	prov := &fakeProvider{
		CreateF: func(_ context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
			mu.Lock()
			created = append(created, req.Owner.Address)
			n := len(created)
			mu.Unlock()
			if n == 5 {
				cancel() // SIGINT while this call is in flight
				time.Sleep(20 * time.Millisecond)
			}
			return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
		},
		WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
			<-ctx.Done() // builds take longer than anyone waits
			return providers.WaitResponse{}, ctx.Err()
		},
	}
	r := applyWith(t, ctx, newPlan(actions...), prov, nil, nil, 2)
	if !errors.Is(r.err, ErrInterrupted) || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("error %v, want an interrupted apply", r.err)
	}
	if strings.Contains(r.err.Error(), "context canceled") {
		t.Errorf("error %q: an interrupt says \"apply interrupted\", not Go's words for it", r.err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(created) < 5 || len(created) > 6 {
		t.Errorf("%d create calls, want 5 or 6 (the parallelism was 2)", len(created))
	}
	// Every server the cloud created is recorded under its id, and its
	// unfinished build is left as an intent for the next plan; the creates
	// that were queued and never sent left none.
	final := r.backend.stored(t)
	for _, addr := range created {
		if res := final.Lookup(addrs.MustParse(addr)); res == nil || res.ID != "id-"+addr {
			t.Errorf("%s was created but is not recorded: %v", addr, res)
		}
	}
	var pending []string
	for _, in := range final.Intents {
		pending = append(pending, in.Address.String())
	}
	if diff := cmp.Diff(sortedCopy(created), pending); len(final.Resources) != len(created) || diff != "" {
		t.Errorf("stored %d resources, want %d; intents (-want +got):\n%s", len(final.Resources), len(created), diff)
	}
	want := Tally{Interrupted: len(created), NotStarted: 100 - len(created)}
	if r.res.Tally.String() != want.String() {
		t.Errorf("tally %q, want %q", r.res.Tally, want)
	}
	for _, ev := range r.events.of(ActionNotStarted) {
		if !errors.Is(ev.Err, ErrInterrupted) {
			t.Errorf("%s not started because %v", ev.ActionID, ev.Err)
		}
	}
}

func TestStateWriteFailureStopsTheApply(t *testing.T) {
	// The second write, the one recording the first server's id, fails.
	b := &memBackend{failAt: 2}
	p := newPlan(createServer("a"), createServer("b", "create server/a"), createServer("c", "create server/b"))
	prov := &fakeProvider{}
	r := applyWith(t, context.Background(), p, prov, b, nil, 1)
	if r.err == nil || r.err.Error() != "save state: disk full" {
		t.Fatalf("error %v, want the failed write", r.err)
	}
	if got, want := r.res.Tally.String(), "Apply: 1 failed, 2 not started."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
	if calls := prov.calls(); len(calls) != 1 || calls[0] != "create server/a" {
		t.Errorf("calls %q, want only the first create", calls)
	}
	// Clearing the intent wrote the whole document again, id included.
	if res := b.stored(t).Lookup(addrs.Server("a")); res == nil || res.ID != "id-server/a" {
		t.Errorf("server/a stored as %v", res)
	}
}

func TestEarlierIntentsAreClearedOnlyBySuccess(t *testing.T) {
	for name, fail := range map[string]bool{"success clears them": false, "failure keeps them": true} {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			st := existing(t, b, map[string]string{"web-1": "1"})
			st.Intents = []state.Intent{{Action: "resize server/web-1", Address: addrs.Server("web-1"), Provider: "p", Op: "update"}}
			if err := b.Write(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			prov := &fakeProvider{UpdateF: func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
				if fail {
					return providers.UpdateResponse{}, &providers.APIError{Provider: "ncloud", Operation: "startServerInstances", Status: 400}
				}
				return providers.UpdateResponse{}, nil
			}}
			r := applyWith(t, context.Background(), newPlan(serverAction(planner.Start, "web-1")), prov, b, st, 10)
			if r.err != nil || r.res.Tally.OK() == fail {
				t.Fatalf("apply: %v %s", r.err, r.res.Tally)
			}
			left := r.backend.stored(t).Intents
			if want := map[bool]int{false: 0, true: 1}[fail]; len(left) != want || fail && left[0].Action != "resize server/web-1" {
				t.Errorf("intents left %+v, want %d", left, want)
			}
		})
	}
}
