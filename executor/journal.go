package executor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fleet-iac/fleet/state"
)

// journal owns the state during an apply. Each step changes the document
// and returns only once a write containing the change is stored. Steps
// that arrive while a write is in flight share the next write (a group
// commit), so a thousand servers finishing together do not queue a
// thousand fsyncs one behind the other.
type journal struct {
	ctx     context.Context // never cancelled: an interrupted apply still records what it did
	backend state.Backend
	saved   func(serial uint64) // called, with mu held, after each stored write

	mu      sync.Mutex
	cond    *sync.Cond
	st      *state.State
	version uint64 // changes made so far
	written uint64 // changes stored
	failed  uint64 // changes whose write failed (err)
	err     error
	writing bool
}

func newJournal(ctx context.Context, b state.Backend, st *state.State, saved func(uint64)) *journal {
	j := &journal{ctx: context.WithoutCancel(ctx), backend: b, st: st, saved: saved}
	j.cond = sync.NewCond(&j.mu)
	return j
}

// read calls f with the state; f must not keep what it is given.
func (j *journal) read(f func(*state.State)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j.st)
}

// commit applies change and waits until it is stored. A failed write is
// retried by the next commit, which writes the whole document again.
func (j *journal) commit(change func(*state.State)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	change(j.st)
	j.version++
	v := j.version
	for {
		switch {
		case j.written >= v:
			return nil
		case j.failed >= v:
			return j.err
		case !j.writing:
			j.write()
		default:
			j.cond.Wait()
		}
	}
}

// write stores a snapshot of everything changed so far. It is called with
// mu held and releases it while the backend works, so steps keep changing
// the live document meanwhile.
func (j *journal) write() {
	j.writing = true
	upTo := j.version
	snap := snapshot(j.st)
	j.mu.Unlock()
	err := j.backend.Write(j.ctx, snap)
	j.mu.Lock()
	j.writing = false
	if err != nil {
		j.failed, j.err = upTo, fmt.Errorf("save state: %w", err)
	} else {
		j.written = upTo
		j.st.Serial, j.st.Lineage = snap.Serial, snap.Lineage
		j.saved(snap.Serial)
	}
	j.cond.Broadcast()
}

// snapshot copies the parts of s that steps change in place. Resource
// attributes are never modified once put, so sharing them is safe.
func snapshot(s *state.State) *state.State {
	c := *s
	c.Resources = append([]state.Resource(nil), s.Resources...)
	c.Intents = append([]state.Intent(nil), s.Intents...)
	return &c
}

// putIntent records (or replaces) the intent of action in.Action, keeping
// the intents sorted by action. A large batch create keeps thousands of
// them at once (its renames wait behind every create), so each finds its
// place by binary search instead of sorting them all.
func putIntent(s *state.State, in state.Intent) {
	dropIntent(s, in.Action)
	i, _ := slices.BinarySearchFunc(s.Intents, in.Action, func(x state.Intent, action string) int { return strings.Compare(x.Action, action) })
	s.Intents = slices.Insert(s.Intents, i, in)
}

// dropIntent removes the intent of the action with the given id: found by
// binary search, or by a scan when the intents are out of order (a state
// edited by hand).
func dropIntent(s *state.State, action string) {
	if i, ok := slices.BinarySearchFunc(s.Intents, action, func(x state.Intent, action string) int { return strings.Compare(x.Action, action) }); ok {
		s.Intents = slices.Delete(s.Intents, i, i+1)
	} else {
		out := s.Intents[:0]
		for _, in := range s.Intents {
			if in.Action != action {
				out = append(out, in)
			}
		}
		s.Intents = out
	}
	if len(s.Intents) == 0 {
		s.Intents = nil
	}
}
