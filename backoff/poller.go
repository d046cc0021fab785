package backoff

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrClosed is returned to waiters when their Poller is closed.
var ErrClosed = errors.New("poller closed")

// Poller serves many waiters with one polling loop: each round it calls
// Round once with every waiter in flight, and Round settles those whose
// resource is done with Waiter.Finish. The loop runs only while someone
// waits.
//
// A round that fails as a whole (Round returns an error: the cloud is in an
// outage) settles nobody. The loop keeps waiting, spacing rounds with the
// Outage policy, until each waiter's own context ends; that waiter then gets
// a *StoppedError naming the last failure. One outage policy for every
// caller: 5xx, 429 and refused connections are waited through, a waiter's
// deadline is its only limit.
type Poller[Q, R any] struct {
	interval time.Duration
	outage   Policy
	round    func(ctx context.Context, ws []*Waiter[Q, R]) error

	ctx    context.Context // ends on Close, cancelling a round in flight
	cancel context.CancelFunc

	mu      sync.Mutex
	waiters map[*Waiter[Q, R]]struct{}
	running bool
	closed  bool
	last    time.Time // start of the last round
	failed  int       // rounds failed in a row
	lastErr error     // why the last round failed; nil after a good one
}

// NewPoller makes a poller that runs round every interval, and during an
// outage at the delays of outage (never more often than interval).
func NewPoller[Q, R any](interval time.Duration, outage Policy, round func(ctx context.Context, ws []*Waiter[Q, R]) error) *Poller[Q, R] {
	ctx, cancel := context.WithCancel(context.Background())
	return &Poller[Q, R]{interval: interval, outage: outage, round: round, ctx: ctx, cancel: cancel, waiters: map[*Waiter[Q, R]]struct{}{}}
}

// Outage is the one policy both clients' pollers space their rounds with
// while the cloud fails: from the poll interval up to 30 s, or 8 intervals
// when that is less (a fast simulator's waits are not left idle for half a
// minute).
func Outage(interval time.Duration) Policy {
	return Policy{First: interval, Max: min(30*time.Second, 8*interval)}
}

// Round gets a context marked OneAttempt: the poller is the retry loop.

// Waiter is one caller waiting in a Poller.
type Waiter[Q, R any] struct {
	Req  Q
	p    *Poller[Q, R]
	done chan result[R] // buffered: Finish never blocks
}

type result[R any] struct {
	res R
	err error
}

// Finish settles w with res and err. It is a no-op when w has given up or
// was settled already.
func (w *Waiter[Q, R]) Finish(res R, err error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if _, ok := w.p.waiters[w]; ok {
		delete(w.p.waiters, w)
		w.done <- result[R]{res, err}
	}
}

// StoppedError is what a waiter gets when its context ends first. Last is
// the failure of the latest round when the cloud was failing at the time,
// so that a wait that outlived an outage says what went wrong.
type StoppedError struct {
	Err  error // the context's error
	Last error // nil when the last round succeeded
}

func (e *StoppedError) Error() string {
	if e.Last == nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v; last error: %v", e.Err, e.Last)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Wait registers req and blocks until a round settles it, ctx ends (a
// *StoppedError) or the poller is closed (ErrClosed).
func (p *Poller[Q, R]) Wait(ctx context.Context, req Q) (R, error) {
	w := &Waiter[Q, R]{Req: req, p: p, done: make(chan result[R], 1)}
	var zero R
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return zero, ErrClosed
	}
	p.waiters[w] = struct{}{}
	if !p.running {
		p.running = true
		go p.loop()
	}
	p.mu.Unlock()
	select {
	case r := <-w.done:
		return r.res, r.err
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		if _, ok := p.waiters[w]; !ok { // settled meanwhile
			r := <-w.done
			return r.res, r.err
		}
		delete(p.waiters, w)
		return zero, &StoppedError{Err: ctx.Err(), Last: p.lastErr}
	}
}

// Close ends the loop; every waiter gets ErrClosed.
func (p *Poller[Q, R]) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.cancel()
	for w := range p.waiters {
		delete(p.waiters, w)
		w.done <- result[R]{err: ErrClosed}
	}
}

func (p *Poller[Q, R]) loop() {
	for {
		p.mu.Lock()
		// One round per interval even across loops that stop and start
		// again as waits come and go; longer while the cloud fails.
		delay := p.interval
		if p.failed > 0 {
			delay = max(delay, p.outage.Delay(p.failed-1))
		}
		delay -= time.Since(p.last)
		p.mu.Unlock()
		if Sleep(p.ctx, delay) != nil && p.ctx.Err() != nil {
			p.stop()
			return
		}
		p.mu.Lock()
		if len(p.waiters) == 0 || p.closed {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.last = time.Now()
		ws := make([]*Waiter[Q, R], 0, len(p.waiters))
		for w := range p.waiters {
			ws = append(ws, w)
		}
		p.mu.Unlock()
		err := p.round(OneAttempt(p.ctx), ws)
		p.mu.Lock()
		if err != nil && p.ctx.Err() == nil {
			p.failed++
			p.lastErr = err
		} else {
			p.failed, p.lastErr = 0, nil
		}
		p.mu.Unlock()
	}
}

func (p *Poller[Q, R]) stop() {
	p.mu.Lock()
	p.running = false
	p.mu.Unlock()
}
