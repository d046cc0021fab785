package executor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// queued waits until n calls wait for a slot.
func queued(t *testing.T, s *slots, n int) {
	t.Helper()
	for range 2000 {
		s.mu.Lock()
		k := len(s.waiting)
		s.mu.Unlock()
		if k == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d calls never queued", n)
}

func TestSlotsGoToTheLongestChainFirst(t *testing.T) {
	s := newSlots(1)
	if err := s.acquire(context.Background(), 0, 0); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	queue := []struct{ height, order int }{{1, 1}, {3, 5}, {1, 0}, {2, 2}, {3, 4}}
	for i, q := range queue {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.acquire(context.Background(), q.height, q.order); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got = append(got, fmt.Sprintf("h%d#%d", q.height, q.order))
			mu.Unlock()
			s.release()
		}()
		queued(t, s, i+1)
	}
	s.release()
	wg.Wait()
	if want := []string{"h3#4", "h3#5", "h2#2", "h1#0", "h1#1"}; !slices.Equal(got, want) {
		t.Errorf("granted %v, want %v", got, want)
	}
	if s.free != 1 {
		t.Errorf("%d free slots after everyone released, want 1", s.free)
	}
}

func TestSlotsCancelledWaiterLeavesTheQueue(t *testing.T) {
	s := newSlots(1)
	if err := s.acquire(context.Background(), 0, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.acquire(ctx, 5, 1) }()
	queued(t, s, 1)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled wait got a slot")
	}
	s.release()
	if s.free != 1 || len(s.waiting) != 0 {
		t.Errorf("free %d, waiting %d after the only holder released", s.free, len(s.waiting))
	}
}

// Slots are per provider: with parallelism 1, a call to one provider and a
// call to the other are in flight together. Each call waits for the other
// to start, so a single shared slot could never let both finish.
func TestSlotsArePerProvider(t *testing.T) {
	entered := map[string]chan struct{}{"p": make(chan struct{}), "q": make(chan struct{})}
	meet := func(mine, other string) *fakeProvider {
		return &fakeProvider{CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
			close(entered[mine])
			select {
			case <-entered[other]:
				return providers.CreateResponse{ID: "id-" + mine}, nil
			case <-time.After(10 * time.Second):
				return providers.CreateResponse{}, fmt.Errorf("the call to %s never ran alongside the call to %s", other, mine)
			}
		}}
	}
	onQ := createServer("web-2")
	onQ.Provider = "q"
	res, err := Apply(context.Background(), Options{
		Plan:      newPlan(createServer("web-1"), onQ),
		Providers: map[string]providers.Provider{"p": meet("p", "q"), "q": meet("q", "p")},
		Backend:   &memBackend{}, State: &state.State{}, Parallelism: 1, SlowAfter: time.Hour,
	})
	if err != nil || len(res.Failed) != 0 {
		t.Fatalf("apply: %v, failed %+v", err, res.Failed)
	}
	if res.Tally.Succeeded[planner.Create] != 2 {
		t.Errorf("tally %s, want both servers created", res.Tally)
	}
}
