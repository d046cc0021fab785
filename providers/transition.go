package providers

import (
	"sync"
	"time"
)

// Transitions names the change a wait waits for ("server build", "server
// stop", "volume attach"…), so that a provider's poller learns how long
// each kind of change takes on its cloud (backoff.Pace) and polls when one
// is likely done. A provider marks what it creates (Built): a new server's
// wait for running is a build, which takes minutes, not a start, and it
// began when the create was answered, which may be well before the wait.
type Transitions struct {
	built sync.Map // id → time.Time it was created: not yet waited for
}

// Built marks resources just created: their next wait is their build.
func (t *Transitions) Built(ids ...string) {
	now := time.Now()
	for _, id := range ids {
		if id != "" {
			t.built.Store(id, now)
		}
	}
}

// Of names the transition req waits for and when it began (zero: when the
// wait begins). Call it once per wait: a build is named once.
func (t *Transitions) Of(req WaitRequest) (string, time.Time) {
	verb := string(req.Target)
	switch req.Target {
	case TargetRunning, TargetIdle, TargetAvailable, TargetAttached:
		if at, ok := t.built.LoadAndDelete(req.ID); ok {
			return string(req.Kind) + " build", at.(time.Time)
		}
	}
	switch {
	case req.Kind == KindServer && req.Target == TargetRunning:
		verb = "start" // or a reboot, which takes as long
	case req.Kind == KindServer && req.Target == TargetStopped:
		verb = "stop"
	case req.Kind == KindServer && req.Target == TargetIdle && req.Type != "":
		verb = "resize"
	case req.Kind == KindVolume && req.Target == TargetAvailable:
		verb = "detach"
	case req.Kind == KindVolume && req.Target == TargetAttached:
		verb = "attach"
	case req.Target == TargetGone:
		verb = "delete"
	}
	return string(req.Kind) + " " + verb, time.Time{}
}

// BuiltServers marks the servers one batch create made.
func (t *Transitions) BuiltServers(created []CreatedServer) {
	for _, c := range created {
		t.Built(c.ID)
	}
}
