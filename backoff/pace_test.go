package backoff

import (
	"testing"
	"time"
)

// wave is a group of waiters that start together (spread over spread) and
// whose transitions take took each; a scenario runs its waves one after
// another, each starting when the last one's waiters have all arrived.
type wave struct {
	n      int
	took   time.Duration
	spread time.Duration
}

// waveResult is what one wave cost: the poll rounds (one list call each,
// for every waiter in flight) and how late the last arrival was seen.
type waveResult struct {
	rounds int
	late   time.Duration // latest arrival seen after its transition ended
	tail   time.Duration // how late the last transition to end was seen
	maxGap time.Duration // longest interval between two rounds
}

// runPace drives a Pace the way Poller does, in virtual time: the next
// round is when the first waiter wants it, never sooner than the floor
// after the last; each round sees every waiter in flight.
func runPace(p *Pace, key string, waves []wave) []waveResult {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var last time.Time
	out := make([]waveResult, len(waves))
	for i, wv := range waves {
		type waiter struct {
			t   Track
			end time.Time
		}
		var ws []*waiter
		for j := 0; j < wv.n; j++ {
			start := now
			if wv.n > 1 {
				start = now.Add(wv.spread * time.Duration(j) / time.Duration(wv.n-1))
			}
			ws = append(ws, &waiter{t: Track{Key: key, Start: start}, end: start.Add(wv.took)})
		}
		var prev time.Time
		for len(ws) > 0 {
			var ts []Track
			for _, w := range ws {
				if !w.t.Start.After(now) { // the poller knows those that started
					ts = append(ts, w.t)
				}
			}
			if len(ts) == 0 {
				now = ws[0].t.Start
				continue
			}
			now = p.Round(ts, last)
			if !prev.IsZero() {
				out[i].maxGap = max(out[i].maxGap, now.Sub(prev))
			}
			prev, last = now, now
			out[i].rounds++
			kept := ws[:0]
			for _, w := range ws {
				if w.t.Start.After(now) {
					kept = append(kept, w) // not yet started: not in this round
					continue
				}
				if !now.Before(w.end) {
					p.Arrived(w.t, now)
					out[i].late = max(out[i].late, now.Sub(w.end))
					if len(ws) == 1 {
						out[i].tail = now.Sub(w.end)
					}
					continue
				}
				w.t.Last = now
				kept = append(kept, w)
			}
			ws = kept
		}
	}
	return out
}

func repeat(w wave, n int) []wave {
	out := make([]wave, n)
	for i := range out {
		out[i] = w
	}
	return out
}

// TestPaceLearnsTransitionTimes: in virtual time, against NCP's 3 s base
// interval, the pace converges on a steady transition, shrugs off an
// outlier, backs off to its cap when a wait runs far past what it expects,
// and serves many waiters with few rounds.
func TestPaceLearnsTransitionTimes(t *testing.T) {
	const base = 3 * time.Second
	const step = base / 10 // the floor: more than a twentieth of 6s
	stop := wave{n: 1, took: 6 * time.Second}
	tests := map[string]struct {
		waves []wave
		check func(t *testing.T, p *Pace, res []waveResult)
	}{
		"converges on a steady transition": {
			waves: repeat(stop, 12),
			check: func(t *testing.T, p *Pace, res []waveResult) {
				want, _ := p.Expected("stop")
				if d := (want - 6*time.Second).Abs(); d > step {
					t.Errorf("expected %s after 12 stops of 6s, want within a step (%s) of 6s", want, step)
				}
				if res[0].rounds != 2 || res[0].late != 0 {
					t.Errorf("first stop: %d rounds, %s late; want the base interval's 2, seen at 6s", res[0].rounds, res[0].late)
				}
				for i, r := range res[4:] {
					if r.late > step || r.rounds > 2 {
						t.Errorf("stop %d: %d rounds, seen %s late; want at most 2 rounds and a step late", i+5, r.rounds, r.late)
					}
				}
			},
		},
		"an outlier does not move it": {
			waves: append(append(repeat(stop, 6), wave{n: 1, took: 90 * time.Second}), repeat(stop, 3)...),
			check: func(t *testing.T, p *Pace, res []waveResult) {
				want, _ := p.Expected("stop")
				if d := (want - 6*time.Second).Abs(); d > step {
					t.Errorf("expected %s after a 90s outlier among 6s stops, want within a step (%s) of 6s", want, step)
				}
				if o := res[6]; o.rounds > 20 || o.late > 24*time.Second {
					t.Errorf("the 90s outlier: %d rounds, %s late; want at most 20 rounds and a cap (24s) late", o.rounds, o.late)
				}
				for i, r := range res[7:] {
					if r.late > step || r.rounds > 2 {
						t.Errorf("stop %d after the outlier: %d rounds, %s late", i+1, r.rounds, r.late)
					}
				}
			},
		},
		"a wait far longer than expected backs off to the cap": {
			waves: append(repeat(stop, 4), wave{n: 1, took: 10 * time.Minute}),
			check: func(t *testing.T, p *Pace, res []waveResult) {
				long := res[4]
				if long.maxGap != 24*time.Second {
					t.Errorf("longest interval of a 10-minute wait: %s, want the cap of 24s (8 base intervals)", long.maxGap)
				}
				if long.rounds > 45 {
					t.Errorf("a 10-minute wait took %d rounds, want at most 45 (it polled every %s at first)", long.rounds, step)
				}
			},
		},
		"many waiters share each round": {
			waves: repeat(wave{n: 300, took: 6 * time.Second, spread: time.Second}, 5),
			check: func(t *testing.T, p *Pace, res []waveResult) {
				for i, r := range res {
					if r.rounds > 6 {
						t.Errorf("wave %d of 300 waiters: %d rounds, want at most 6 (one list a round for all)", i+1, r.rounds)
					}
				}
				if last := res[len(res)-1]; last.late > step {
					t.Errorf("last wave seen %s late, want at most a step (%s)", last.late, step)
				}
			},
		},
		"a stream of waits is polled every base interval until its tail": {
			waves: append(repeat(stop, 4), wave{n: 100, took: 6 * time.Second, spread: 30 * time.Second}),
			check: func(t *testing.T, p *Pace, res []waveResult) {
				// From the first end to the last, 30 s: 10 base intervals,
				// then the last one polled closely (at most 10 rounds).
				if r := res[4]; r.rounds > 21 || r.late > base || r.tail > step {
					t.Errorf("100 stops started over 30s: %d rounds, seen up to %s late, the last %s late; want at most 21 rounds, a base interval late, the last a step (%s)", r.rounds, r.late, r.tail, step)
				}
			},
		},
		"an unknown transition is polled every base interval": {
			waves: []wave{{n: 1, took: 20 * time.Second}},
			check: func(t *testing.T, p *Pace, res []waveResult) {
				if r := res[0]; r.rounds != 7 || r.maxGap != base || r.late != time.Second {
					t.Errorf("first 20s build: %d rounds, gaps up to %s, %s late; want 7 rounds every 3s, 1s late", r.rounds, r.maxGap, r.late)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := NewPace(base)
			res := runPace(p, "stop", tc.waves)
			for i, r := range res {
				t.Logf("wave %d: %d rounds, %s late, gaps up to %s", i+1, r.rounds, r.late, r.maxGap)
			}
			tc.check(t, p, res)
		})
	}
}

// TestPaceKeepsTransitionsApart: what a build teaches does not change
// when a stop is polled.
func TestPaceKeepsTransitionsApart(t *testing.T) {
	p := NewPace(3 * time.Second)
	runPace(p, "build", repeat(wave{n: 1, took: 20 * time.Second}, 3))
	if _, ok := p.Expected("stop"); ok {
		t.Fatal("a stop is expected after only builds were seen")
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, want := p.Next(Track{Key: "stop", Start: start}), start.Add(3*time.Second); !got.Equal(want) {
		t.Errorf("first poll of an unknown stop at %s, want the base interval %s", got.Sub(start), want.Sub(start))
	}
	if got, _ := p.Expected("build"); (got - 20*time.Second).Abs() > time.Second {
		t.Errorf("build expected %s, want within a step (1s) of 20s", got)
	}
}
