package executor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
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
