package state

import (
	"context"
	"math/rand/v2"
	"time"
)

// Lock waits start short, so a lock released a moment later is taken at once,
// and grow to a ceiling, so a long wait does not hammer the store.
const (
	firstBackoff = 25 * time.Millisecond
	maxBackoff   = time.Second
)

type backoff struct{ next time.Duration }

// wait sleeps for the next interval (with ±25% jitter so waiters drift
// apart) or until ctx ends, whichever is first; it returns ctx.Err() then.
func (b *backoff) wait(ctx context.Context) error {
	if b.next == 0 {
		b.next = firstBackoff
	}
	d := b.next/4*3 + rand.N(b.next/2+1)
	b.next = min(2*b.next, maxBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
