package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// DefaultParallelism bounds the provider calls in flight when
// Options.Parallelism is not set.
const DefaultParallelism = 10

// DefaultSlowAfter is how often a running action reports that it still runs.
const DefaultSlowAfter = 10 * time.Second

// Options is what Apply needs.
type Options struct {
	Plan      *planner.Plan
	Providers map[string]providers.Provider // by provider name in the fleet file
	Backend   state.Backend                 // locked by the caller for the whole apply
	// State is the state as read from Backend, which the plan was made
	// from. Apply changes it and writes it after every step; when Apply
	// returns it is the stored document.
	State *state.State
	// Parallelism bounds the provider calls in flight (Create, Update,
	// Delete) per provider, not the resources being waited on: default 10.
	// Per provider, so one cloud waiting on its request budget never holds
	// the other's calls back.
	Parallelism int
	Observer    Observer         // nil: no progress
	Clock       func() time.Time // default time.Now; stamps intents and events
	SlowAfter   time.Duration    // interval of ActionStillRunning events; default 10s
	// WaitTimeout bounds each wait for a target state (a build that never
	// finishes fails its action instead of blocking the apply); default 1h,
	// the NCP terraform provider's create timeout.
	WaitTimeout time.Duration
	// InFlight, when set, counts the provider calls in flight as the apply
	// runs (the CLI reports it when interrupted).
	InFlight *InFlight
}

// DefaultWaitTimeout is Options.WaitTimeout when unset.
const DefaultWaitTimeout = time.Hour

// Result is what an apply did.
type Result struct {
	Tally Tally
	// Failed lists the actions that failed, in plan order. Actions skipped
	// because of them are counted in the tally but not listed: the root
	// cause is what a person has to fix.
	Failed []Failure
}

// ErrInterrupted is wrapped by Apply's error when ctx ended before every
// action ran.
var ErrInterrupted = errors.New("apply interrupted")

// interruptedBy is ErrInterrupted wrapping why ctx ended. An interrupt (a
// plain cancel) adds nothing people need to read after "apply interrupted"
// ("context canceled" is Go's word for it), so the text leaves it out;
// errors.Is still finds both.
func interruptedBy(cause error) error {
	if errors.Is(cause, context.Canceled) {
		return &interruptError{cause}
	}
	return fmt.Errorf("%w: %w", ErrInterrupted, cause)
}

type interruptError struct{ cause error }

func (e *interruptError) Error() string   { return ErrInterrupted.Error() }
func (e *interruptError) Unwrap() []error { return []error{ErrInterrupted, e.cause} }

// Apply runs the plan. It refuses, before any call, a plan with blocked
// actions, unknown providers or dependencies, or a cycle, and a plan made
// from another state. Otherwise it runs every action it can and returns the
// result with a nil error even when actions failed (see Result.Failed); the
// error is non-nil only when the state could not be saved (nothing further
// was started) or ctx ended (in-flight calls were finished and recorded,
// nothing further was started).
func Apply(ctx context.Context, opt Options) (Result, error) {
	if opt.Plan == nil || opt.State == nil || opt.Backend == nil {
		return Result{}, errors.New("apply: plan, state and backend are required")
	}
	if err := checkState(opt.Plan, opt.State); err != nil {
		return Result{}, err
	}
	g, err := buildGraph(opt.Plan, opt.Providers)
	if err != nil {
		return Result{}, err
	}
	if opt.Parallelism <= 0 {
		opt.Parallelism = DefaultParallelism
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.WaitTimeout <= 0 {
		opt.WaitTimeout = DefaultWaitTimeout
	}
	if opt.SlowAfter <= 0 {
		opt.SlowAfter = DefaultSlowAfter
	}
	if opt.State.Fleet == "" {
		opt.State.Fleet = opt.Plan.Fleet
	}
	if opt.State.Version == 0 {
		opt.State.Version = state.FormatVersion
	}
	w := newWalker(ctx, g, opt)
	return w.walk(ctx)
}

// checkState refuses a plan made from another state than st.
func checkState(p *planner.Plan, st *state.State) error {
	if p.StateLineage != "" && p.StateLineage != st.Lineage {
		return fmt.Errorf("the plan was made from state lineage %s, but the state has lineage %s", p.StateLineage, st.Lineage)
	}
	if p.StateSerial != st.Serial {
		return fmt.Errorf("the plan was made from state serial %d, but the state is at serial %d: it changed since", p.StateSerial, st.Serial)
	}
	if p.Fleet != "" && st.Fleet != "" && p.Fleet != st.Fleet {
		return fmt.Errorf("the plan is for fleet %q, but the state belongs to fleet %q", p.Fleet, st.Fleet)
	}
	return nil
}
