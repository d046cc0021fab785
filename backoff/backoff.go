package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is a capped exponential backoff: attempt n waits a random duration
// in [d/2, d] where d = First·2ⁿ, at most Max. The jitter keeps processes
// that failed together from retrying together.
type Policy struct {
	First time.Duration
	Max   time.Duration
	// Rand returns a number in [0, 1); nil uses math/rand. Tests pin it.
	Rand func() float64
}

// Delay is the wait before retry number attempt (0 for the first retry).
func (p Policy) Delay(attempt int) time.Duration {
	d := p.First
	for i := 0; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	r := p.Rand
	if r == nil {
		r = rand.Float64
	}
	return d/2 + time.Duration(r()*float64(d/2))
}

// Sleep waits d, or until ctx ends and returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff counts the attempts of one retry loop.
type Backoff struct {
	Policy
	attempt int
}

// Wait sleeps the next delay, never less than floor (a server's
// Retry-After), or until ctx ends and returns ctx.Err().
func (b *Backoff) Wait(ctx context.Context, floor time.Duration) error {
	d := max(b.Delay(b.attempt), floor)
	b.attempt++
	return Sleep(ctx, d)
}

// Attempts is how many waits the loop has made.
func (b *Backoff) Attempts() int { return b.attempt }

// Reset starts over from the first delay, after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Locks spaces attempts to take a lock held by another process (the state
// lock, the simulator's data lock): short at first, so a lock released a
// moment later is taken at once, growing to a ceiling, so a long wait does
// not hammer the store.
var Locks = Policy{First: 50 * time.Millisecond, Max: time.Second}
