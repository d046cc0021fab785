package backoff

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"
)

// The budget's constants are the AWS SDKs' "adaptive" retry mode's: a 429
// cuts the rate to beta times the rate that met it, and success grows it
// along CUBIC's curve (RFC 8312) with scale c: back to the rate that was
// throttled within K seconds, then past it, slowly at first, to probe.
const (
	budgetBeta    = 0.7
	budgetScale   = 0.4
	budgetMinRate = 2 // requests per second: a budget never stops calls outright, nor leaves a poll waiting long
)

// ThrottleRetries bounds how often one call is retried after a 429. It is
// far above MaxRetries-style bounds: a 429 proves the cloud did nothing, and
// the budget slows every call, so a storm of them must not fail a run.
const ThrottleRetries = 50

// Budget is the adaptive request budget of one provider account: a pacer
// that does not limit until the cloud first answers 429, is then cut to 70%
// of the rate the cloud was accepting, and grows back while calls succeed,
// never above the ceiling nor, once back at the rate that was throttled,
// above twice the accepted rate. So fleet runs close to the limit a cloud
// enforces without being told it.
//
// A 429 cuts the rate once per round: answers to calls sent before the last
// cut say nothing about the new rate, so a burst of them does not collapse
// it. Callers queue in order; a change of rate moves the whole queue.
type Budget struct {
	name    string
	ceiling float64 // 0: none
	logger  *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	enabled bool    // a 429 was met: the budget paces calls
	rate    float64 // calls per second while pacing; 0: none
	// pos counts the tokens made so far, as of posAt; a caller holding
	// ticket k may send once pos reaches k.
	pos     float64
	posAt   time.Time
	issued  float64 // the next ticket
	wMax    float64 // the rate that met the last 429
	k       float64 // seconds from the last cut until the curve is back at wMax
	lastCut time.Time
	// accepted counts successful answers per tenth of a second over the
	// last second: the rate the cloud accepts.
	accepted  [10]int
	accAt     time.Time // start of the newest tenth
	logged    float64   // rate last logged
	calls     int64
	throttled int64
}

// BudgetStats is what a budget saw: its calls, the 429s among them, and
// the rate it paces calls at now (0: not limiting).
type BudgetStats struct {
	Calls, Throttled int64
	Rate             float64
}

// NewBudget makes a budget named name (for the log) with a ceiling in
// requests per second (0: none). now defaults to time.Now.
func NewBudget(name string, ceiling float64, logger *slog.Logger, now func() time.Time) *Budget {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	b := &Budget{name: name, ceiling: max(ceiling, 0), logger: logger, now: now}
	b.rate = b.ceiling
	return b
}

var (
	budgetsMu sync.Mutex
	budgets   = map[string]*Budget{}
)

// SharedBudget returns the process's one budget for key (a provider
// account: type, endpoint and the account's public id), made on first use.
// Every provider of that account shares it, so two provider blocks for one
// account do not each think they have the cloud's whole limit. The lowest
// ceiling asked for holds.
func SharedBudget(key, name string, ceiling float64, logger *slog.Logger) *Budget {
	budgetsMu.Lock()
	defer budgetsMu.Unlock()
	if b, ok := budgets[key]; ok {
		b.lowerCeiling(ceiling)
		return b
	}
	b := NewBudget(name, ceiling, logger, nil)
	budgets[key] = b
	return b
}

// depth is how many tokens an idle budget saves: half a second of calls,
// so a cloud whose own bucket is shallower still sees an even pace.
func depth(r float64) float64 {
	return max(1, math.Floor(r/2))
}

func (b *Budget) lowerCeiling(c float64) {
	if c <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ceiling == 0 || c < b.ceiling {
		b.ceiling = c
		r := c
		if b.enabled {
			r = min(b.rate, c)
		}
		b.setLocked(r, b.now())
	}
}

// recheck bounds one sleep of a queued caller, so that a rate that grew
// meanwhile lets it go sooner.
const recheck = 250 * time.Millisecond

// Wait blocks until the budget lets one call go or ctx ends. It returns
// the moment the call may be sent, to hand back to Done.
func (b *Budget) Wait(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	k, ok := b.ticket(b.now())
	for !ok {
		d := b.until(k, b.now())
		if d <= 0 {
			break
		}
		if err := Sleep(ctx, min(d, recheck)); err != nil {
			return time.Time{}, err
		}
	}
	return b.now(), nil
}

// ticket queues a caller at now; ok means it may send at once.
func (b *Budget) ticket(now time.Time) (float64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate == 0 {
		return 0, true
	}
	b.advance(now)
	k := max(b.issued, math.Floor(b.pos)-depth(b.rate))
	b.issued = k + 1
	return k, b.pos >= k
}

// until is how long ticket k has still to wait at now.
func (b *Budget) until(k float64, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate == 0 {
		return 0
	}
	b.advance(now)
	if b.pos >= k {
		return 0
	}
	return time.Duration((k - b.pos) / b.rate * float64(time.Second))
}

// advance makes the tokens due between posAt and now.
func (b *Budget) advance(now time.Time) {
	if !b.posAt.IsZero() && now.After(b.posAt) {
		b.pos += now.Sub(b.posAt).Seconds() * b.rate
	}
	if now.After(b.posAt) {
		b.posAt = now
	}
}

// Done records the answer to a call sent at sent: throttled if the cloud
// answered 429.
func (b *Budget) Done(sent time.Time, throttled bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.calls++
	acc := b.accept(now, !throttled)
	if b.enabled && sent.Before(b.lastCut) {
		// An answer of the round that was cut: the cloud's accepted rate
		// is known better now than at the round's first 429.
		if throttled {
			b.throttled++
		}
		if acc > b.wMax && (b.ceiling == 0 || b.wMax < b.ceiling) {
			b.wMax = acc
			b.k = math.Cbrt(acc * (1 - budgetBeta) / budgetScale)
			b.setLocked(max(b.rate, acc*budgetBeta), now)
		}
		if throttled {
			return
		}
	}
	if throttled {
		b.throttled++
		use := max(acc, budgetMinRate)
		if b.enabled {
			use = min(use, max(b.rate, budgetMinRate))
		}
		b.wMax, b.lastCut, b.enabled = use, now, true
		b.k = math.Cbrt(use * (1 - budgetBeta) / budgetScale)
		b.setLocked(use*budgetBeta, now)
		return
	}
	if !b.enabled {
		return
	}
	dt := now.Sub(b.lastCut).Seconds()
	r := budgetScale*math.Pow(dt-b.k, 3) + b.wMax
	// Probing past the rate that met the last 429 only while the calls use
	// what they have: an idle run must not grow a rate it never tried.
	b.setLocked(min(r, max(b.wMax, 2*acc)), now)
}

// accept counts an answer at now and returns the calls the cloud accepted
// over the last second.
func (b *Budget) accept(now time.Time, ok bool) float64 {
	const tenth = time.Second / 10
	if b.accAt.IsZero() {
		b.accAt = now
	}
	for n := 0; now.Sub(b.accAt) >= tenth && n < len(b.accepted); n++ {
		copy(b.accepted[1:], b.accepted[:len(b.accepted)-1])
		b.accepted[0] = 0
		b.accAt = b.accAt.Add(tenth)
	}
	if now.Sub(b.accAt) >= tenth {
		b.accAt = now
	}
	if ok {
		b.accepted[0]++
	}
	sum := 0
	for _, c := range b.accepted {
		sum += c
	}
	return float64(sum)
}

func (b *Budget) setLocked(r float64, now time.Time) {
	r = max(r, budgetMinRate)
	if b.ceiling > 0 {
		r = min(r, b.ceiling)
	}
	b.advance(now)
	b.rate = r
	if b.logged == 0 || math.Abs(r-b.logged) >= 0.1*b.logged {
		b.logged = r
		b.logger.Debug("request budget", "provider", b.name, "rate", math.Round(r*10)/10, "throttled", b.throttled, "calls", b.calls)
	}
}

// Stats returns what the budget saw so far.
func (b *Budget) Stats() BudgetStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return BudgetStats{Calls: b.calls, Throttled: b.throttled, Rate: b.rate}
}
