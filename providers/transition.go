package providers

import (
	"sync"
	"time"

	"github.com/fleet-iac/fleet/addrs"
)

// Transitions names the change a wait waits for ("server build", "server
// stop", "volume attach"…), so that a provider's poller learns how long
// each kind of change takes on its cloud (backoff.Pace) and polls when one
// is likely done. A provider marks what it creates (Built): a new server's
// waits for running or idle (an image's for available) are its build,
// which takes minutes, not a start, and it began when the create was
// answered, which may be well before the wait (a batch member waits first
// for the build to let it be renamed, then for running).
type Transitions struct {
	built sync.Map // id → time.Time it was created, until another kind of change (stop, resize, attach, delete…)
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
// wait begins). Every wait of a new resource for it to be up is its build,
// until a wait for another kind of change (a stop, a resize, an attach, a
// delete) ends it.
func (t *Transitions) Of(req WaitRequest) (string, time.Time) {
	verb := string(req.Target)
	up := req.Type == "" && (req.Target == TargetRunning || req.Target == TargetIdle ||
		req.Kind == addrs.KindImage && req.Target == TargetAvailable)
	if !up {
		t.built.Delete(req.ID)
	} else if at, ok := t.built.Load(req.ID); ok {
		return string(req.Kind) + " build", at.(time.Time)
	}
	switch {
	case req.Kind == addrs.KindServer && req.Target == TargetRunning:
		verb = "start" // or a reboot, which takes as long
	case req.Kind == addrs.KindServer && req.Target == TargetStopped:
		verb = "stop"
	case req.Kind == addrs.KindServer && req.Target == TargetIdle && req.Type != "":
		verb = "resize"
	case req.Kind == addrs.KindVolume && req.Target == TargetAvailable:
		verb = "detach"
	case req.Kind == addrs.KindVolume && req.Target == TargetAttached:
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
