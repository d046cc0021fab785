package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPolicyDelay(t *testing.T) {
	p := Policy{First: 100 * time.Millisecond, Max: time.Second}
	tests := map[string]struct {
		attempt  int
		rand     float64
		min, max time.Duration
	}{
		"first retry, least jitter": {0, 0, 50 * time.Millisecond, 50 * time.Millisecond},
		"first retry, most jitter":  {0, 0.999999, 50 * time.Millisecond, 100 * time.Millisecond},
		"third retry doubles twice": {2, 0, 200 * time.Millisecond, 200 * time.Millisecond},
		"capped at Max":             {10, 0.999999, 500 * time.Millisecond, time.Second},
		"huge attempt stays capped": {400, 0, 500 * time.Millisecond, 500 * time.Millisecond},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p.Rand = func() float64 { return tc.rand }
			if got := p.Delay(tc.attempt); got < tc.min || got > tc.max {
				t.Errorf("Delay(%d) = %v, want in [%v, %v]", tc.attempt, got, tc.min, tc.max)
			}
		})
	}
}

func TestBackoffWaitHonoursFloor(t *testing.T) {
	b := Backoff{Policy: Policy{First: time.Millisecond, Max: time.Millisecond}}
	start := time.Now()
	if err := b.Wait(context.Background(), 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("waited %v, want at least the 30ms floor (Retry-After)", d)
	}
	if b.Attempts() != 1 {
		t.Errorf("Attempts() = %d, want 1", b.Attempts())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v, want context.Canceled", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := map[string]struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		"empty":        {"", 0, false},
		"seconds":      {" 7 ", 7 * time.Second, true},
		"zero":         {"0", 0, true},
		"negative":     {"-1", 0, false},
		"http date":    {"Wed, 21 Oct 2015 07:28:05 GMT", 5 * time.Second, true},
		"date in past": {"Wed, 21 Oct 2015 07:27:00 GMT", 0, true},
		"garbage":      {"soon", 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := RetryAfter(tc.value, now)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tc.value, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// TestOutage: both clients' pollers wait through an outage alike: rounds
// spaced from the poll interval up to 30 s, or 8 intervals when less.
func TestOutage(t *testing.T) {
	tests := map[string]struct {
		interval, max time.Duration
	}{
		"embedded simulator": {250 * time.Millisecond, 2 * time.Second},
		"cloud":              {5 * time.Second, 30 * time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := Outage(tc.interval)
			if p.First != tc.interval || p.Max != tc.max {
				t.Errorf("Outage(%v) = %v..%v, want %v..%v", tc.interval, p.First, p.Max, tc.interval, tc.max)
			}
		})
	}
}
