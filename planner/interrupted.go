package planner

import (
	"sort"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

// Interrupted kinds beyond the drift ones: nothing differs (the operation
// may not have reached the cloud, or finished without being recorded).
const interruptedNoChange DriftKind = ""

// loadIntents indexes the state's pending intents by address, keeping the
// latest one of each address (by start time, then action id): the one whose
// effect the refresh most likely sees.
func (b *builder) loadIntents() {
	if b.in.State == nil {
		return
	}
	for _, in := range b.in.State.Intents {
		prev, ok := b.intents[in.Address]
		if !ok || in.Started.After(prev.Started) || in.Started.Equal(prev.Started) && in.Action > prev.Action {
			b.intents[in.Address] = in
		}
	}
}

// recordDiff reports what the refresh found different at an address: as
// an interrupted operation when an earlier apply left an intent there (the
// difference is most likely fleet's own half-done change), else as drift.
func (b *builder) recordDiff(addr addrs.Address, kind DriftKind, changes []FieldChange) {
	if kind == DriftChanged && len(changes) == 0 {
		return
	}
	if in, ok := b.intents[addr]; ok {
		b.interrupted(addr, in, kind, changes)
		return
	}
	b.plan.Drift = append(b.plan.Drift, Drift{Address: addr, Kind: kind, Changes: changes})
}

// interrupted records one interrupted entry per address.
func (b *builder) interrupted(addr addrs.Address, in state.Intent, kind DriftKind, changes []FieldChange) {
	b.reportedIntent[addr] = true
	b.plan.Interrupted = append(b.plan.Interrupted, Interrupted{
		Address: addr, Action: in.Action, Op: IntentOp(in), Started: in.Started.UTC(), Kind: kind, Changes: changes,
	})
}

// reportIntents reports the intents whose address showed no difference (or
// has no state entry: a create whose result was never recorded), so that
// every pending intent is shown once.
func (b *builder) reportIntents() {
	for _, addr := range sortedAddrs(b.intents) {
		if !b.reportedIntent[addr] {
			b.interrupted(addr, b.intents[addr], interruptedNoChange, nil)
		}
	}
	sort.SliceStable(b.plan.Interrupted, func(i, j int) bool { return b.plan.Interrupted[i].Address.Less(b.plan.Interrupted[j].Address) })
}

// IntentOp is what an interrupted call was doing in plan terms: the type of
// the action it belonged to ("resize server/web-1" → resize), else the
// provider operation. The state records an intent's action by its ID
// alone (state.Intent), so this is the one place that reads an ID back;
// the plan's own actions carry their type and role.
func IntentOp(in state.Intent) ActionType {
	if t, _, ok := strings.Cut(in.Action, " "); ok && t != "" {
		return ActionType(t)
	}
	return ActionType(in.Op)
}

// Line describes an interrupted operation for people: "interrupted: resize
// started 2026-11-22T20:00:00Z did not finish", then what differs.
func (i Interrupted) Line() string {
	s := "interrupted: " + string(i.Op) + " started " + i.Started.UTC().Format(time.RFC3339) + " did not finish"
	switch {
	case i.Kind == DriftDeleted:
		s += "; the resource is gone"
	case len(i.Changes) > 0:
		s += "; " + describeChanges(i.Changes)
	}
	return s
}
