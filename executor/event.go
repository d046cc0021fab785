package executor

import (
	"time"

	"github.com/fleet-iac/fleet/planner"
)

// Observer receives progress events. Apply calls Observe from one goroutine
// at a time, in the order things happened; implementations must not block.
type Observer interface {
	Observe(Event)
}

// EventKind says what happened. The values are the JSON event names.
type EventKind string

const (
	ActionStarted      EventKind = "action_started"       // the action's first provider call is being made
	ActionStillRunning EventKind = "action_still_running" // every Options.SlowAfter while it runs
	ActionSucceeded    EventKind = "action_succeeded"     // at its target state and recorded in the state
	ActionFailed       EventKind = "action_failed"        // Err says why
	ActionInterrupted  EventKind = "action_interrupted"   // the apply was cancelled while it ran
	ActionSkipped      EventKind = "action_skipped"       // an upstream action failed: Cause names it
	ActionNotStarted   EventKind = "action_not_started"   // held back: its rollout stopped, or the apply did
	StateSaved         EventKind = "state_saved"          // the state was written at Serial
	ApplyFinished      EventKind = "apply_finished"       // the last event: Tally says what was done
)

// Event is one thing that happened during an apply. Action fields are empty
// for StateSaved and ApplyFinished.
type Event struct {
	Kind     EventKind
	Time     time.Time // Options.Clock when it happened
	ActionID string
	Address  string
	Type     planner.ActionType
	CloudID  string        // ActionSucceeded: the resource's cloud id, when it has one
	Elapsed  time.Duration // since ActionStarted
	Left     []string      // still running, a batch create: the members not yet up, in index order
	Err      error         // failed, interrupted: the error; skipped, not started: why
	Cause    string        // skipped: the id of the failed action at the root
	Serial   uint64        // StateSaved: the serial written
	Tally    *Tally        // ApplyFinished
	Done     int           // actions finished, whatever their outcome
	Total    int           // actions in the plan
}

// terminal reports whether the event ends an action.
func (k EventKind) terminal() bool {
	switch k {
	case ActionSucceeded, ActionFailed, ActionInterrupted, ActionSkipped, ActionNotStarted:
		return true
	}
	return false
}
