package simcore

import (
	"sort"
	"sync"
	"time"
)

// Event is one status change of a simulated resource, as the simulator
// itself saw it: tests check invariants (how many servers of a group were
// down at once) against this, not against what a client believed.
type Event struct {
	At     time.Time `json:"at"`
	Cloud  string    `json:"cloud"`
	Kind   string    `json:"kind"` // server, volume, image
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Status string    `json:"status"` // the cloud's status (RUN, NSTOP, ACTIVE, SHUTOFF, ..., "deleted")
}

// Timeline collects events. It is bounded so a long-running sim does not grow without end.
type Timeline struct {
	mu     sync.Mutex
	events []Event
	max    int
}

// Record adds an event.
func (t *Timeline) Record(e Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.max == 0 {
		t.max = 200000
	}
	if len(t.events) >= t.max {
		t.events = append(t.events[:0], t.events[len(t.events)/2:]...)
	}
	t.events = append(t.events, e)
}

// Events returns the events sorted by time (stable on insertion order).
func (t *Timeline) Events() []Event {
	t.mu.Lock()
	out := append([]Event(nil), t.events...)
	t.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// Reset drops all events.
func (t *Timeline) Reset() {
	t.mu.Lock()
	t.events = nil
	t.mu.Unlock()
}
