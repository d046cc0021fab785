package backoff

import (
	"slices"
	"sync"
	"time"
)

// Pace learns how long a cloud's transitions take (a build, a stop, a
// resize, a delete…, each under its own key) and decides when a waiter
// wants its next poll. Before a transition is known a waiter is polled
// every base interval. Once known, it is not polled until the expected
// end, then every step (a twentieth of the expected time, at least floor)
// until it arrives; a wait that runs past its expected end backs off, each
// interval half the time it is overdue, up to cap, so a wait much longer
// than usual costs few polls.
//
// The expected time is the median of the last paceWindow observations, so
// one outlier does not move it. An observation is the middle of the last
// poll that saw the transition unfinished and the one that saw it done:
// the schedule polls closely near the end, so it converges on the real
// time within a step.
type Pace struct {
	base  time.Duration // interval before a transition is known
	floor time.Duration // shortest step near the expected end
	cap   time.Duration // longest interval of an overdue wait

	mu   sync.Mutex
	seen map[string]*window
}

// paceWindow is how many recent observations of a transition are kept.
const paceWindow = 9

type window struct {
	d    [paceWindow]time.Duration
	n    int // observations so far (the ring holds min(n, paceWindow))
	want time.Duration
}

// NewPace makes a pace that polls an unknown transition every base
// interval. Near a known transition's end rounds come at least base/10
// apart, and an overdue wait backs off to 30 s, or 8 base intervals when
// that is less.
func NewPace(base time.Duration) *Pace {
	return &Pace{base: base, floor: max(base/10, time.Millisecond), cap: min(30*time.Second, 8*base), seen: map[string]*window{}}
}

// Round is when the next poll round is due for the waiters ts, the last
// round having started at last: when the first of them wants its poll
// (Next). Rounds come closer than the base interval only for the tail of
// a wave, when every waiter wants its poll within a base interval: while
// others are expected later, a stream of waits (500 creates paced by a
// rate limit, their builds ending one after another) is polled every base
// interval, one list catching the many that ended since, as it was before
// the pace learned anything; the list calls it saves go to the creates.
func (p *Pace) Round(ts []Track, last time.Time) time.Time {
	var first, latest time.Time
	for _, t := range ts {
		n := p.Next(t)
		if first.IsZero() || n.Before(first) {
			first = n
		}
		latest = maxTime(latest, n)
	}
	gap := p.floor
	if latest.After(last.Add(p.base)) {
		gap = p.base
	}
	return maxTime(first, last.Add(gap))
}

// Expected is the median of the recent observations of transition key;
// false while none has been seen.
func (p *Pace) Expected(key string) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.seen[key]
	if w == nil {
		return 0, false
	}
	return w.want, true
}

// Observe records that transition key took d.
func (p *Pace) Observe(key string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.seen[key]
	if w == nil {
		w = &window{}
		p.seen[key] = w
	}
	w.d[w.n%paceWindow] = d
	w.n++
	held := slices.Clone(w.d[:min(w.n, paceWindow)])
	slices.Sort(held)
	w.want = held[len(held)/2]
}

// Track is one waiter's timing: its transition, when the wait began, and
// the last poll that saw it unfinished.
type Track struct {
	Key   string
	Start time.Time
	Last  time.Time // Start until a poll has seen it
}

// step is how closely a transition is polled near its expected end: a
// twentieth of the expected time, at least floor; the base interval while
// it is unknown.
func (p *Pace) step(key string) (time.Duration, time.Duration, bool) {
	want, ok := p.Expected(key)
	if !ok {
		return 0, p.base, false
	}
	return want, max(p.floor, want/20), true
}

// Next is when t wants its next poll: a base interval after the last while
// its transition is unknown, else at the expected end, then every step,
// and once overdue after half the time it is overdue, at most cap.
func (p *Pace) Next(t Track) time.Time {
	want, step, ok := p.step(t.Key)
	last := maxTime(t.Last, t.Start)
	if !ok {
		return last.Add(step)
	}
	end := t.Start.Add(want)
	if last.Before(end) {
		return end
	}
	return last.Add(min(p.cap, max(step, last.Sub(end)/2)))
}

// Arrived records t's transition as seen done by the poll at at, and
// returns what it learned: the middle between then and the last poll that
// saw it unfinished. A transition done by its first poll was seen no
// sooner than it could be: it is taken to have ended within the step
// before, so the expected time creeps down until a poll comes too early,
// and the schedule stays within a step of the real time.
func (p *Pace) Arrived(t Track, at time.Time) time.Duration {
	_, step, _ := p.step(t.Key)
	from := maxTime(t.Last, t.Start)
	if !t.Last.After(t.Start) {
		from = maxTime(from, at.Add(-step))
	}
	d := from.Sub(t.Start) + at.Sub(from)/2
	p.Observe(t.Key, d)
	return d
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
