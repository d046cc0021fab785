package executor

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// outcome is how a node of the walk ended.
type outcome int

const (
	outPending     outcome = iota
	outSucceeded           // at its target state and recorded
	outFailed              // the action's own error
	outInterrupted         // ctx ended while it ran
	outSkipped             // an upstream action failed
	outNotStarted          // held back by a stopped rollout or a stopped apply
)

// finished is an action's (or barrier's) end, sent to the walk loop.
type finished struct {
	node     int
	out      outcome
	err      error // failed, interrupted: the error; skipped, not started: why
	cause    string
	cloudID  string
	elapsed  time.Duration
	stateErr error // the state could not be saved: start nothing more
	// settled is the members of a batch create that did not succeed as a
	// whole but are created and running all the same.
	settled []addrs.Address
}

// walker runs one apply. The walk loop alone decides what starts and
// settles outcomes; each running action is a goroutine that takes a slot
// for each provider call and none while it waits.
type walker struct {
	g     *graph
	opt   Options
	j     *journal
	slots map[string]*slots // by provider: one provider waiting on its request budget must not starve another
	// wide bounds the updates and deletes of a providers.Coalescer, whose
	// calls made together merge into list calls; nil for other providers.
	wide map[string]*slots

	obsMu sync.Mutex
	done  int

	out []outcome // walk loop only
	// up is, by failed batch create, its members that came up all the
	// same (walk loop only): what waits for one of them goes on.
	up    map[int]map[addrs.Address]bool
	cause []string // walk loop only: the failed action at the root of a skip
	why   []error  // walk loop only
	// recorded carries, from a running batch create, each member whose id
	// is in the state: its rename may go then, as a member created alone
	// was renamed right after its call, not after the batch's builds.
	recorded chan recordedMember
	// early is, by node, the batch create whose member's recording
	// started it before that batch ended (walk loop only).
	early map[int]int
}

func newWalker(ctx context.Context, g *graph, opt Options) *walker {
	w := &walker{
		g:     g,
		opt:   opt,
		slots: map[string]*slots{},
		wide:  map[string]*slots{},
		out:   make([]outcome, len(g.nodes)),
		up:    map[int]map[addrs.Address]bool{},
		cause: make([]string, len(g.nodes)),
		why:   make([]error, len(g.nodes)),

		recorded: make(chan recordedMember),
		early:    map[int]int{},
	}
	for _, n := range g.nodes {
		if n.action != nil && w.slots[n.action.Provider] == nil {
			w.slots[n.action.Provider] = newSlots(opt.Parallelism)
			if c, ok := opt.Providers[n.action.Provider].(providers.Coalescer); ok && c.ListSize() > 1 {
				w.wide[n.action.Provider] = newSlots(opt.Parallelism * c.ListSize())
			}
		}
	}
	w.j = newJournal(ctx, opt.Backend, opt.State, func(serial uint64) {
		w.emit(Event{Kind: StateSaved, Serial: serial})
	})
	return w
}

// emit stamps ev with the time and the overall count and passes it on.
func (w *walker) emit(ev Event) {
	w.obsMu.Lock()
	defer w.obsMu.Unlock()
	if ev.Kind.terminal() {
		w.done++
	}
	ev.Done, ev.Total = w.done, w.g.actions
	if ev.Time.IsZero() {
		ev.Time = w.opt.Clock()
	}
	if w.opt.Observer != nil {
		w.opt.Observer.Observe(ev)
	}
}

// walk starts every node whose dependencies have ended, settles each as it
// ends, and returns once all have.
func (w *walker) walk(ctx context.Context) (Result, error) {
	nodes := w.g.nodes
	pending := make([]int, len(nodes))
	var ready []int
	for i, n := range nodes {
		if pending[i] = len(n.deps); pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	var (
		res      Result
		halt     error // set once nothing more may start
		inflight int
		results  = make(chan finished)
	)
	// Steps run under their own context, so that a state that cannot be
	// saved stops them from making further calls just as ctx does.
	stepCtx, stopSteps := context.WithCancelCause(ctx)
	defer stopSteps(nil)
	settle := func(f finished) {
		i := f.node
		w.out[i], w.why[i], w.cause[i] = f.out, f.err, f.cause
		if f.out == outFailed && len(f.settled) > 0 {
			w.up[i] = map[addrs.Address]bool{}
			for _, m := range f.settled {
				w.up[i][m] = true
			}
		}
		if a := nodes[i].action; a != nil {
			// A batch create of 20 is 20 servers created; when it fails,
			// its members that are up count as created all the same.
			for k := range a.Servers() {
				out := f.out
				if k < len(f.settled) {
					out = outSucceeded
				}
				res.Tally.add(out, a.Type)
			}
			if f.out == outFailed {
				fail := newFailure(a, f.err)
				res.Failed = append(res.Failed, fail)
				f.err = fail // the event carries it typed
			}
			w.emit(Event{Kind: kindOf[f.out], ActionID: a.ID, Address: a.Address.String(), Type: a.Type,
				CloudID: f.cloudID, Elapsed: f.elapsed, Err: f.err, Cause: f.cause})
		}
		for _, u := range nodes[i].users {
			// A rename that started early was counted down then; it is
			// below zero now and does not start twice.
			if pending[u]--; pending[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	for {
		for len(ready) > 0 {
			i := ready[0]
			ready = ready[1:]
			if halt == nil && ctx.Err() != nil {
				halt = interruptedBy(context.Cause(ctx))
				stopSteps(halt)
			}
			if f, held := w.held(i, halt); held {
				settle(f)
				continue
			}
			if nodes[i].action == nil {
				settle(finished{node: i, out: outSucceeded})
				continue
			}
			inflight++
			go func() { results <- w.run(stepCtx, i) }()
		}
		if inflight == 0 {
			break
		}
		var stop <-chan struct{}
		if halt == nil {
			stop = ctx.Done()
		}
		select {
		case r := <-w.recorded:
			ready = append(ready, w.release(r, pending)...)
		case f := <-results:
			inflight--
			if f.stateErr != nil && halt == nil {
				halt = f.stateErr
				stopSteps(halt)
			}
			settle(f)
		case <-stop:
			halt = interruptedBy(context.Cause(ctx))
			stopSteps(halt)
		}
	}
	index := map[string]int{}
	for i, n := range nodes[:w.g.actions] {
		index[n.action.ID] = i
	}
	sort.Slice(res.Failed, func(a, b int) bool { return index[res.Failed[a].ActionID] < index[res.Failed[b].ActionID] })
	if halt == nil && res.Tally.OK() {
		// Every action succeeded on a plan made from a refreshed inventory,
		// so intents left by earlier runs are reconciled.
		var stale bool
		w.j.read(func(st *state.State) { stale = len(st.Intents) > 0 })
		if stale {
			if err := w.j.commit(func(st *state.State) { st.Intents = nil }); err != nil {
				halt = err
			}
		}
	}
	w.emit(Event{Kind: ApplyFinished, Tally: &res.Tally})
	return res, halt
}

var kindOf = map[outcome]EventKind{
	outSucceeded:   ActionSucceeded,
	outFailed:      ActionFailed,
	outInterrupted: ActionInterrupted,
	outSkipped:     ActionSkipped,
	outNotStarted:  ActionNotStarted,
}

// held decides whether node i, whose dependencies have all ended, must not
// run, and how to report it: skipped when an upstream action failed through
// an ordinary edge (naming the failed action at the root), not started when
// the apply stopped or a rollout edge held it back.
func (w *walker) held(i int, halt error) (finished, bool) {
	if halt != nil {
		return finished{node: i, out: outNotStarted, err: halt}, true
	}
	var notStarted error
	for _, d := range w.g.nodes[i].deps {
		o := w.out[d]
		if e, ok := w.early[i]; ok && e == d {
			continue // the batch create still runs; its member is recorded
		}
		if o == outSucceeded || o == outFailed && w.memberUp(d, i) {
			continue
		}
		if (o == outFailed || o == outSkipped) && !w.g.rolloutEdge(d, i) {
			root := w.cause[d]
			if o == outFailed {
				root = w.g.nodes[d].action.ID
			}
			return finished{node: i, out: outSkipped, cause: root, err: fmt.Errorf("upstream %s failed", root)}, true
		}
		if notStarted != nil {
			continue
		}
		switch {
		case o == outNotStarted:
			notStarted = w.why[d]
		case o == outInterrupted:
			notStarted = fmt.Errorf("upstream %s was interrupted", w.g.name(d))
		default: // failed or skipped across a rollout edge
			group, batch := w.g.nodes[d].group, w.g.nodes[d].batch
			if a := w.g.nodes[d].action; a != nil {
				group, batch = a.Group, a.Batch
			}
			notStarted = fmt.Errorf("rollout of group %s stopped: batch %d did not complete", group, batch)
		}
	}
	if notStarted != nil {
		return finished{node: i, out: outNotStarted, err: notStarted}, true
	}
	return finished{}, false
}
