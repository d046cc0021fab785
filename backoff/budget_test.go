package backoff

import (
	"container/heap"
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// cloudRun drives a budget in virtual time against a cloud that answers 429
// above limit requests per second (a token bucket one second deep, as the
// simulator's --rate-limit): workers callers send back to back, each answer
// takes latency, and a throttled call waits the 1 s Retry-After before its
// retry. It returns the calls the cloud accepted and refused from warm on.
func cloudRun(t *testing.T, limit float64, workers int, ceiling float64, total, warm time.Duration) (ok, throttled int, b *Budget) {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	b = NewBudget("test", ceiling, nil, func() time.Time { return now })
	var cloud *rate.Limiter
	if limit > 0 {
		cloud = rate.NewLimiter(rate.Limit(limit), max(1, int(limit)))
	}
	const latency = 100 * time.Millisecond
	q := &events{}
	for i := 0; i < workers; i++ {
		heap.Push(q, event{at: start, kind: ready})
	}
	for q.Len() > 0 {
		ev := heap.Pop(q).(event)
		now = ev.at
		if now.Sub(start) > total {
			break
		}
		switch ev.kind {
		case ready:
			k, ok := b.ticket(now)
			if ok {
				heap.Push(q, event{at: now, kind: send})
			} else {
				heap.Push(q, event{at: now, kind: queued, ticket: k})
			}
		case queued:
			if d := b.until(ev.ticket, now); d > 0 {
				heap.Push(q, event{at: now.Add(min(d, recheck)), kind: queued, ticket: ev.ticket})
			} else {
				heap.Push(q, event{at: now, kind: send})
			}
		case send:
			refused := cloud != nil && !cloud.AllowN(now, 1)
			heap.Push(q, event{at: now.Add(latency), kind: answer, sent: now, refused: refused})
		case answer:
			b.Done(ev.sent, ev.refused)
			next := now
			if ev.refused {
				next = now.Add(time.Second) // Retry-After: 1
			}
			if ev.sent.Sub(start) >= warm {
				if ev.refused {
					throttled++
				} else {
					ok++
				}
			}
			heap.Push(q, event{at: next, kind: ready})
		}
	}
	return ok, throttled, b
}

type eventKind int

const (
	ready eventKind = iota
	queued
	send
	answer
)

type event struct {
	at      time.Time
	kind    eventKind
	sent    time.Time
	refused bool
	ticket  float64
}

type events []event

func (e events) Len() int           { return len(e) }
func (e events) Less(i, j int) bool { return e[i].at.Before(e[j].at) }
func (e events) Swap(i, j int)      { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)        { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

func TestBudgetConvergesNearTheCloudsLimit(t *testing.T) {
	tests := map[string]struct {
		limit   float64
		workers int
	}{
		"5 per second, 50 callers":     {5, 50},
		"20 per second, 50 callers":    {20, 50},
		"100 per second, 200 callers":  {100, 200},
		"100 per second, 1000 callers": {100, 1000},
	}
	const total, warm = 120 * time.Second, 20 * time.Second
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, throttled, b := cloudRun(t, tc.limit, tc.workers, 0, total, warm)
			got := float64(ok) / (total - warm).Seconds()
			share := float64(throttled) / float64(ok+throttled)
			t.Logf("accepted %.1f/s of %v/s, %.1f%% of calls met a 429, stats %+v", got, tc.limit, 100*share, b.Stats())
			if got < 0.87*tc.limit {
				t.Errorf("accepted %.1f calls/s, want at least 87%% of the cloud's %v/s", got, tc.limit)
			}
			if share > 0.1 {
				t.Errorf("%.1f%% of calls met a 429 after warming up, want at most 10%%", 100*share)
			}
		})
	}
}

func TestBudgetDoesNotLimitAnUnlimitedCloud(t *testing.T) {
	ok, throttled, b := cloudRun(t, 0, 20, 0, 10*time.Second, 0)
	// 20 callers, 100 ms a call: 200 calls a second, never paced.
	if ok < 1990 || throttled != 0 {
		t.Errorf("accepted %d calls in 10 s with %d throttled, want 2000 and 0", ok, throttled)
	}
	if s := b.Stats(); s.Rate != 0 || s.Throttled != 0 {
		t.Errorf("Stats() = %+v, want no pacing", s)
	}
}

func TestBudgetCeiling(t *testing.T) {
	ok, throttled, b := cloudRun(t, 0, 20, 10, 10*time.Second, 0)
	if ok > 10*10+int(depth(10)) || ok < 95 || throttled != 0 {
		t.Errorf("accepted %d calls in 10 s under a ceiling of 10/s, want about 100", ok)
	}
	// A ceiling above the cloud's limit still adapts down to the limit.
	ok, _, b = cloudRun(t, 5, 20, 50, 60*time.Second, 20*time.Second)
	if got := float64(ok) / 40; got < 0.87*5 || got > 5.1 {
		t.Errorf("accepted %.1f/s under a ceiling of 50 against a limit of 5, want about 5 (%+v)", got, b.Stats())
	}
}

func TestSharedBudgetIsOnePerAccount(t *testing.T) {
	a := SharedBudget("ncloud https://x AK1", "ncp", 0, nil)
	b := SharedBudget("ncloud https://x AK1", "ncp2", 8, nil)
	c := SharedBudget("ncloud https://x AK2", "other", 0, nil)
	if a != b || a == c {
		t.Fatal("SharedBudget: want one budget per key")
	}
	if s := a.Stats(); s.Rate != 8 {
		t.Errorf("rate after a second provider asked for a ceiling of 8 = %v, want 8", s.Rate)
	}
}

func TestBudgetWaitHonoursContext(t *testing.T) {
	b := NewBudget("test", 0.5, nil, nil)
	if _, err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := b.Wait(ctx); err == nil {
		t.Error("second Wait at 0.5/s returned before its context ended")
	}
}
