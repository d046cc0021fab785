package executor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// errHalted ends an action that was about to make a call when the apply
// was cancelled.
var errHalted = errors.New("apply stopped before this call")

// stateError is a failure to save the state; it stops the apply.
type stateError struct{ err error }

func (e *stateError) Error() string { return e.err.Error() }
func (e *stateError) Unwrap() error { return e.err }

// step is one action being run.
type step struct {
	w    *walker
	ctx  context.Context // the apply's: ends on interrupt
	i    int             // node index: plan order
	n    *node
	a    *planner.Action
	prov providers.Provider
	// parent is the batch create a member's sub-step settles for: the
	// member has its own intents and state, and reports as the batch.
	parent *step
	// left is a batch create's members created but not yet brought to
	// their declared state, by address (guarded by mu; nil until the call
	// returned): the still-running reports name them.
	left map[addrs.Address]bool
	// settled is the addresses of a batch create's members brought to
	// their declared state, set once they all ended.
	settled []addrs.Address
	// recorded, for a batch member, tells the walk that its id is in the
	// state (see createBatch); nil for other steps.
	recorded func()

	mu      sync.Mutex // guards the fields below against the still-running timer
	started bool
	start   time.Time
	timer   *time.Timer
	over    bool
}

// run runs node i's action to its end and says how it ended.
func (w *walker) run(ctx context.Context, i int) finished {
	n := &w.g.nodes[i]
	s := &step{w: w, ctx: ctx, i: i, n: n, a: n.action, prov: w.opt.Providers[n.action.Provider]}
	// An action that ends without success after its call was (or may have
	// been) accepted leaves its intent: the next plan reconciles it.
	id, err := s.do()
	var se *stateError
	if errors.As(err, &se) {
		// The next write carries everything: try once more, so the state
		// is as close to the cloud as it can be when the apply stops.
		_ = s.w.j.commit(func(*state.State) {})
	}
	started, elapsed := s.stop()
	f := finished{node: i, cloudID: id, elapsed: elapsed, out: outSucceeded, err: err, settled: s.settled}
	switch {
	case err == nil:
	case errors.As(err, &se):
		f.out, f.stateErr = outFailed, se
	case ctx.Err() != nil && (errors.Is(err, errHalted) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		// Stopped by the walk: the cause says why (interrupted, or the
		// state could not be saved).
		f.out, f.err = outInterrupted, haltReason(ctx)
		if !started {
			f.out = outNotStarted
		}
	default:
		f.out = outFailed
	}
	return f
}

// haltReason says why the walk stopped ctx: the state could not be saved,
// or the apply was interrupted (the parent context may end before the walk
// names its reason).
func haltReason(ctx context.Context) error {
	cause := context.Cause(ctx)
	var se *stateError
	if errors.Is(cause, ErrInterrupted) || errors.As(cause, &se) {
		return cause
	}
	return interruptedBy(cause)
}

// begin reports the action as started, once, and arms the still-running
// reports.
func (s *step) begin() {
	if s.parent != nil {
		s.parent.begin()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	s.start = s.w.opt.Clock()
	s.w.emit(Event{Kind: ActionStarted, Time: s.start, ActionID: s.a.ID, Address: s.a.Address.String(), Type: s.a.Type})
	s.timer = time.AfterFunc(s.w.opt.SlowAfter, s.tick)
}

func (s *step) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.over {
		return
	}
	now := s.w.opt.Clock()
	s.w.emit(Event{Kind: ActionStillRunning, Time: now, ActionID: s.a.ID, Address: s.a.Address.String(), Type: s.a.Type, Elapsed: now.Sub(s.start), Left: s.leftMembers()})
	s.timer.Reset(s.w.opt.SlowAfter)
}

// stop ends the still-running reports; nothing is reported after it.
func (s *step) stop() (started bool, elapsed time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.over = true
	if !s.started {
		return false, 0
	}
	s.timer.Stop()
	return true, s.w.opt.Clock().Sub(s.start)
}

// call makes one mutating provider call: it stores the intent first, then
// takes a parallelism slot for the call alone. The call itself is never
// cancelled, so an interrupted apply still learns, and records, what the
// cloud did.
func (s *step) call(op string, f func(ctx context.Context) error) error {
	return s.callAt(op, s.n.height, f)
}

// callAt is call with the slot queue priority given: higher goes first.
func (s *step) callAt(op string, height int, f func(ctx context.Context) error) error {
	if s.ctx.Err() != nil {
		return errHalted
	}
	in := state.Intent{Action: s.a.ID, Address: s.a.Address, Provider: s.a.Provider, Op: op, Started: s.w.opt.Clock(), Declared: s.a.Declared}
	if err := s.commit(func(st *state.State) { putIntent(st, in) }); err != nil {
		return err
	}
	pool := s.w.slots[s.a.Provider]
	if wide := s.w.wide[s.a.Provider]; wide != nil && op != "create" {
		pool = wide
	}
	err := pool.acquire(s.ctx, height, s.i)
	if err == nil && s.ctx.Err() != nil {
		// Stopped while the slot was being granted: send nothing more.
		pool.release()
		err = s.ctx.Err()
	}
	if err != nil {
		// Nothing was sent: the intent goes.
		if ferr := s.finish(nil); ferr != nil {
			return ferr
		}
		return errHalted
	}
	s.begin()
	s.w.opt.InFlight.add(1)
	err = f(context.WithoutCancel(s.ctx))
	s.w.opt.InFlight.add(-1)
	pool.release()
	if err != nil && definitive(err) {
		if ferr := s.finish(nil); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// definitive reports whether a failed call certainly changed nothing, so
// its intent can be cleared: the cloud refused it outright.
func definitive(err error) bool {
	if errors.Is(err, providers.ErrNotFound) || errors.Is(err, providers.ErrConflict) {
		return true
	}
	var ae *providers.APIError
	return errors.As(err, &ae) && !ae.Retryable && ae.Status >= http.StatusBadRequest && ae.Status < http.StatusInternalServerError
}

// wait waits without holding a slot for the action's own resource.
func (s *step) wait(req providers.WaitRequest) (providers.WaitResponse, error) {
	return s.waitAt(s.a.Address, req)
}

// waitAt waits without holding a slot for the resource at addr.
func (s *step) waitAt(addr addrs.Address, req providers.WaitRequest) (providers.WaitResponse, error) {
	req.Address = addr.String()
	ctx, cancel := context.WithTimeout(s.ctx, s.w.opt.WaitTimeout)
	defer cancel()
	res, err := s.prov.Wait(ctx, req)
	if err != nil && ctx.Err() == context.DeadlineExceeded && s.ctx.Err() == nil {
		// The cloud did not get there in time: the resource keeps its id in
		// the state, marked stuck, and the next plan shows it so and waits
		// for it again before anything acts on it.
		err = fmt.Errorf("%s did not become %s within %s (--wait-timeout): %w", req.Address, req.Target, s.w.opt.WaitTimeout, err)
		if cerr := s.commit(s.markStuck(addr, req, res)); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return res, err
	}
	return res, err
}

// markStuck records on the waited resource's state entry that a wait gave
// up on it; a wait that settles it clears the mark (refresh).
func (s *step) markStuck(addr addrs.Address, req providers.WaitRequest, seen providers.WaitResponse) func(*state.State) {
	status := ""
	switch {
	case seen.Server != nil:
		status = seen.Server.Status
	case seen.Volume != nil:
		status = seen.Volume.Status
	case seen.Image != nil:
		status = seen.Image.Status
	}
	return func(st *state.State) {
		p := st.Lookup(addr)
		if p == nil || p.ID != req.ID || req.Target == providers.TargetGone {
			return
		}
		r := *p
		if status == "" && r.Server != nil { // the wait saw nothing: what fleet last saw
			status = r.Server.Status
		}
		r.Stuck = &state.Stuck{Status: status, Waited: s.w.opt.WaitTimeout.String(), At: s.w.opt.Clock().UTC()}
		st.Put(r)
	}
}

// commit changes the state and waits until it is stored.
func (s *step) commit(change func(*state.State)) error {
	if err := s.w.j.commit(change); err != nil {
		return &stateError{err}
	}
	return nil
}

// finish records the action's result and clears its intent in one write.
func (s *step) finish(change func(*state.State)) error {
	return s.commit(func(st *state.State) {
		if change != nil {
			change(st)
		}
		dropIntent(st, s.a.ID)
	})
}
