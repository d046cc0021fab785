package backoff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPollerWaitsThroughOutage: rounds that fail settle nobody; the waiter
// is settled by the first good round after the outage.
func TestPollerWaitsThroughOutage(t *testing.T) {
	var rounds atomic.Int32
	outage := errors.New("503 service unavailable")
	p := NewPoller(time.Millisecond, Policy{First: time.Millisecond, Max: 4 * time.Millisecond},
		func(_ context.Context, ws []*Waiter[string, int]) error {
			if rounds.Add(1) <= 5 {
				return outage
			}
			for _, w := range ws {
				w.Finish(len(w.Req), nil)
			}
			return nil
		})
	defer p.Close()
	got, err := p.Wait(context.Background(), "web-1")
	if err != nil || got != 5 {
		t.Fatalf("Wait = %d, %v; want 5, nil after the outage", got, err)
	}
	if n := rounds.Load(); n < 6 {
		t.Errorf("%d rounds, want at least 6", n)
	}
}

// TestPollerStopsAtDeadlineNamingLastError: past the waiter's own limit the
// wait fails with the context's error and the outage's last error.
func TestPollerStopsAtDeadlineNamingLastError(t *testing.T) {
	p := NewPoller(time.Millisecond, Policy{First: time.Millisecond, Max: 2 * time.Millisecond},
		func(context.Context, []*Waiter[string, int]) error { return errors.New("429 too many requests") })
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.Wait(ctx, "web-1")
	var se *StoppedError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "429 too many requests") {
		t.Fatalf("Wait = %v; want a StoppedError with the deadline and the last error", err)
	}
}

func TestPollerClose(t *testing.T) {
	p := NewPoller(time.Hour, Policy{First: time.Hour, Max: time.Hour},
		func(context.Context, []*Waiter[string, int]) error { return nil })
	done := make(chan error, 1)
	go func() { _, err := p.Wait(context.Background(), "web-1"); done <- err }()
	time.Sleep(10 * time.Millisecond)
	p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Wait after Close = %v, want ErrClosed", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Wait did not return after Close")
	}
	if _, err := p.Wait(context.Background(), "web-2"); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait on a closed poller = %v, want ErrClosed", err)
	}
}

// TestPollerLearns: a poller that learns polls a transition it has seen
// a few times once or twice, near its end, instead of every interval.
func TestPollerLearns(t *testing.T) {
	const took = 200 * time.Millisecond
	var rounds atomic.Int32
	ends := map[string]time.Time{}
	var mu sync.Mutex
	p := NewPoller(40*time.Millisecond, Outage(40*time.Millisecond),
		func(_ context.Context, ws []*Waiter[string, int]) error {
			rounds.Add(1)
			mu.Lock()
			defer mu.Unlock()
			for _, w := range ws {
				if !time.Now().Before(ends[w.Req]) {
					w.Finish(1, nil)
				}
			}
			return nil
		}).Learn(func(string) (string, time.Time) { return "stop", time.Time{} }, nil)
	defer p.Close()
	var last int32
	for i := range 6 {
		id := fmt.Sprintf("web-%d", i)
		mu.Lock()
		ends[id] = time.Now().Add(took)
		mu.Unlock()
		before := rounds.Load()
		if _, err := p.Wait(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		last = rounds.Load() - before
		t.Logf("wait %d: %d rounds", i+1, last)
	}
	if want, ok := p.Pace().Expected("stop"); !ok || (want-took).Abs() > 40*time.Millisecond {
		t.Errorf("expected %s after six stops of %s, want within 40ms", want, took)
	}
	if last > 3 {
		t.Errorf("the sixth wait took %d rounds, want at most 3 (the first took 5, one every 40ms)", last)
	}
}
