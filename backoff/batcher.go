package backoff

import (
	"context"
	"sync"
	"time"
)

// Batcher merges one-shot requests made at the same moment into list
// calls, as the Poller merges waits: a request waits Linger for others to
// join, then up to Max of them go in one call. So 300 servers that become
// ready to stop in one poll round are stopped with three calls, not 300.
// While requests keep arriving the call waits on, Linger after the last
// one, but no more than five Lingers after the first.
//
// run answers a list of keys (distinct, at most Max) with one result per
// key, or fails them all. It runs with the first caller's context values
// but is never cancelled by one caller leaving: the others still want it.
type Batcher[K comparable, R any] struct {
	linger time.Duration
	max    int
	run    func(ctx context.Context, keys []K) (map[K]R, error)

	mu      sync.Mutex
	pending map[K][]chan batchResult[R]
	order   []K
	ctx     context.Context // the first pending caller's, without its cancel
	timer   *time.Timer
	first   time.Time // when the first pending request came
}

// lingerRounds bounds how long a call waits for more requests while they
// keep coming: that many lingers from the first.
const lingerRounds = 5

type batchResult[R any] struct {
	res R
	ok  bool
	err error
}

// NewBatcher returns a Batcher of up to size keys per call (size < 1: 1).
func NewBatcher[K comparable, R any](linger time.Duration, size int, run func(ctx context.Context, keys []K) (map[K]R, error)) *Batcher[K, R] {
	return &Batcher[K, R]{linger: linger, max: max(size, 1), run: run, pending: map[K][]chan batchResult[R]{}}
}

// Do asks for key and returns its result, ok false when run answered the
// call without it.
func (b *Batcher[K, R]) Do(ctx context.Context, key K) (res R, ok bool, err error) {
	ch := make(chan batchResult[R], 1)
	b.mu.Lock()
	if len(b.order) == 0 {
		b.ctx = context.WithoutCancel(ctx)
	}
	if _, dup := b.pending[key]; !dup {
		b.order = append(b.order, key)
	}
	b.pending[key] = append(b.pending[key], ch)
	switch {
	case len(b.order) >= b.max:
		b.flushLocked()
	case b.timer == nil:
		b.first = time.Now()
		b.timer = time.AfterFunc(b.linger, b.flush)
	case time.Since(b.first) < lingerRounds*b.linger:
		// Requests still arriving: wait for the stragglers of the same
		// moment, within lingerRounds lingers of the first.
		b.timer.Reset(b.linger)
	}
	b.mu.Unlock()
	select {
	case r := <-ch:
		return r.res, r.ok, r.err
	case <-ctx.Done():
		return res, false, ctx.Err()
	}
}

func (b *Batcher[K, R]) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

// flushLocked sends what is pending, Max keys a call.
func (b *Batcher[K, R]) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	for len(b.order) > 0 {
		n := min(len(b.order), b.max)
		keys := b.order[:n:n]
		b.order = b.order[n:]
		waiters := make(map[K][]chan batchResult[R], n)
		for _, k := range keys {
			waiters[k] = b.pending[k]
			delete(b.pending, k)
		}
		go b.send(b.ctx, keys, waiters)
	}
	b.order = nil
}

func (b *Batcher[K, R]) send(ctx context.Context, keys []K, waiters map[K][]chan batchResult[R]) {
	got, err := b.run(ctx, keys)
	for k, chs := range waiters {
		r := batchResult[R]{err: err}
		if err == nil {
			r.res, r.ok = got[k]
		}
		for _, ch := range chs {
			ch <- r
		}
	}
}
