package executor

import (
	"container/heap"
	"context"
	"sync"
)

// slots bounds the provider calls in flight (Options.Parallelism). When
// calls queue, the one whose action heads the longest chain of dependants
// goes first, ties going to plan order: new servers are sent before the
// volumes of servers already building, so the last build starts as early
// as it can.
type slots struct {
	mu      sync.Mutex
	free    int
	waiting waiters
}

func newSlots(n int) *slots { return &slots{free: n} }

// waiter is a queued call.
type waiter struct {
	height int // longest chain of actions from this one to the end of the plan
	order  int // plan order
	ready  chan struct{}
	index  int // in the heap; -1 once granted
}

// acquire takes a slot, waiting for one in priority order; it fails only
// when ctx ends first.
func (s *slots) acquire(ctx context.Context, height, order int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.free > 0 && len(s.waiting) == 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	w := &waiter{height: height, order: order, ready: make(chan struct{})}
	heap.Push(&s.waiting, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		if err := ctx.Err(); err != nil { // both happened: stopping wins
			s.release()
			return err
		}
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		granted := w.index < 0
		if !granted {
			heap.Remove(&s.waiting, w.index)
		}
		s.mu.Unlock()
		if granted { // granted as ctx ended: hand it on
			s.release()
		}
		return ctx.Err()
	}
}

// release gives the slot to the first waiter, or back to the pool.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.waiting) == 0 {
		s.free++
		return
	}
	w := heap.Pop(&s.waiting).(*waiter)
	close(w.ready)
}

// waiters is a heap: highest first, then earliest in the plan.
type waiters []*waiter

func (q waiters) Len() int { return len(q) }
func (q waiters) Less(i, j int) bool {
	if q[i].height != q[j].height {
		return q[i].height > q[j].height
	}
	return q[i].order < q[j].order
}
func (q waiters) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*q)
	*q = append(*q, w)
}
func (q *waiters) Pop() any {
	old := *q
	w := old[len(old)-1]
	old[len(old)-1] = nil
	w.index = -1
	*q = old[:len(old)-1]
	return w
}
