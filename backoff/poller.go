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
	pace     *Pace
	key      func(Q) (string, time.Time) // the transition a request waits for, and when it began; nil: none learned
	now      func() time.Time

	ctx    context.Context // ends on Close, cancelling a round in flight
	cancel context.CancelFunc
	wake   chan struct{} // a waiter joined: the next round may be sooner

	mu      sync.Mutex
	waiters map[*Waiter[Q, R]]struct{}
	running bool
	closed  bool
	last    time.Time // start of the last round
	failed  int       // rounds failed in a row
	lastErr error     // why the last round failed; nil after a good one
}

// NewPoller makes a poller that polls each waiter every interval, and
// during an outage runs rounds at the delays of outage (never more often
// than interval). Learn makes it poll when transitions are likely done.
func NewPoller[Q, R any](interval time.Duration, outage Policy, round func(ctx context.Context, ws []*Waiter[Q, R]) error) *Poller[Q, R] {
	ctx, cancel := context.WithCancel(context.Background())
	return &Poller[Q, R]{interval: interval, outage: outage, round: round, pace: NewPace(interval), now: time.Now,
		ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1), waiters: map[*Waiter[Q, R]]struct{}{}}
}

// Learn makes p learn how long each transition takes, key naming the
// transition a request waits for (see Pace) and when it began (zero: when
// the wait begins), and read the time from now (nil: time.Now). Call it
// before the first Wait.
func (p *Poller[Q, R]) Learn(key func(Q) (string, time.Time), now func() time.Time) *Poller[Q, R] {
	p.key = key
	if now != nil {
		p.now = now
	}
	return p
}

// Pace is what p has learned of the transitions it waited for.
func (p *Poller[Q, R]) Pace() *Pace { return p.pace }

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
	Req   Q
	p     *Poller[Q, R]
	done  chan result[R] // buffered: Finish never blocks
	track Track          // guarded by p.mu
}

type result[R any] struct {
	res R
	err error
}

// Finish settles w with res and err. It is a no-op when w has given up or
// was settled already. Called from a round, a success teaches the poller
// how long w's transition took.
func (w *Waiter[Q, R]) Finish(res R, err error) {
	p := w.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.waiters[w]; ok {
		delete(p.waiters, w)
		if err == nil && p.key != nil && !p.last.Before(w.track.Start) {
			p.pace.Arrived(w.track, p.last)
		}
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
	var began time.Time
	if p.key != nil {
		w.track.Key, began = p.key(req)
	}
	var zero R
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return zero, ErrClosed
	}
	w.track.Start = p.now()
	if !began.IsZero() && began.Before(w.track.Start) {
		w.track.Start = began
	}
	p.waiters[w] = struct{}{}
	if !p.running {
		p.running = true
		go p.loop()
	} else {
		select {
		case p.wake <- struct{}{}:
		default:
		}
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
		if len(p.waiters) == 0 || p.closed {
			p.running = false
			p.mu.Unlock()
			return
		}
		delay := p.nextLocked().Sub(p.now())
		p.mu.Unlock()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-p.wake: // someone joined: work out the next round again
				t.Stop()
				continue
			case <-p.ctx.Done():
				t.Stop()
				p.stop()
				return
			}
		}
		p.mu.Lock()
		if len(p.waiters) == 0 || p.closed {
			p.running = false
			p.mu.Unlock()
			return
		}
		start := p.now()
		p.last = start
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
		if err == nil { // a failed round saw nothing
			for _, w := range ws {
				if _, waiting := p.waiters[w]; waiting {
					w.track.Last = start
				}
			}
		}
		p.mu.Unlock()
	}
}

// nextLocked is when the next round is due: as the pace says (Pace.Round;
// one list per round serves every waiter, so they share it), and while the
// cloud fails not before the outage policy's delay.
func (p *Poller[Q, R]) nextLocked() time.Time {
	ts := make([]Track, 0, len(p.waiters))
	for w := range p.waiters {
		ts = append(ts, w.track)
	}
	next := p.pace.Round(ts, p.last)
	if p.failed > 0 {
		next = maxTime(next, p.last.Add(max(p.interval, p.outage.Delay(p.failed-1))))
	}
	return next
}

func (p *Poller[Q, R]) stop() {
	p.mu.Lock()
	p.running = false
	p.mu.Unlock()
}
