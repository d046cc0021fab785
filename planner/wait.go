package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// planWaits adds a wait action for every current resource the refresh
// found in transition (a build, stop, resize, attach or image an earlier,
// interrupted apply started, or one started outside fleet): every other
// action on it, and every action that needs it (a volume created on or
// attached to a server, an image made from it, a server booted from an
// image), waits for it to settle first. A server still in transition is
// planned as it will be once settled: in the power state its transition
// ends in (providers.Server.Settling), when the cloud's status says which.
//
// NHN deletes a server in any state, so a server that is only deleted is
// not waited for there: a stuck build can always be destroyed.
func (b *builder) planWaits() {
	for _, addr := range b.curAddrs {
		c := b.cur[addr]
		if c.Kind == addrs.KindServer && b.desiredServers[addr] == nil && b.cloud(c.Provider) == spec.ProviderNHNCloud {
			continue
		}
		status, ok := inTransition(c)
		if !ok || !b.refreshed(c.Provider) {
			continue
		}
		a := &Action{Type: Wait, Kind: c.Kind, Address: addr, Provider: c.Provider, CloudID: c.ID,
			Reason: b.waitReason(c, status)}
		if s := b.stuckRecord(c, status); s != nil {
			a.Stuck = true
			a.Reason = "stuck: still " + orNone(status) + " after an earlier apply waited " + s.Waited +
				" (--wait-timeout); fleet waits again, up to --wait-timeout"
			b.warnf(addr, addr.String()+" is stuck in "+orNone(status),
				"an earlier apply waited "+s.Waited+" for the cloud to finish it, in vain; this plan waits again, up to --wait-timeout. "+
					"To give up on it instead, "+giveUp(addr, c.Kind, b.cloud(c.Provider)))
		} else if age, limit, over := b.overdue(c, status); over {
			// No apply waited for it (one killed, or another tool's run):
			// its age alone tells that the cloud will not finish it.
			cloud := cloudName[b.cloud(c.Provider)]
			a.Stuck = true
			a.Reason = "stuck: still " + status + " " + span(age) + " after it was created; " + cloud +
				" builds take at most " + span(limit) + "; fleet waits for it, up to --wait-timeout"
			b.warnf(addr, addr.String()+" is stuck in "+status,
				"it was created "+span(age)+" ago and "+cloud+" builds take at most "+span(limit)+"; this plan waits for it, up to --wait-timeout. "+
					"To give up on it instead, "+giveUp(addr, c.Kind, b.cloud(c.Provider)))
		}
		id := b.add(a)
		b.base[addr] = append(b.base[addr], id)
		b.waits[cloudRef{c.Provider, c.ID}] = id
		if c.Server != nil && c.Server.Power == "" && c.Server.Settling != "" {
			settled := *c.Server
			settled.Power = settled.Settling
			c.Server = &settled
		}
	}
}

// giveUp says how to be rid of a stuck resource: NCP stops and terminates
// no server in transition (ncp.md §3), Nova deletes one in any state (so
// a destroy does not wait for it, see planWaits). A destroy waits for a
// volume or image in transition first, so only the state helps there.
func giveUp(addr addrs.Address, kind addrs.Kind, cloud string) string {
	switch {
	case kind == addrs.KindServer && cloud != spec.ProviderNHNCloud:
		return "delete it in the NCP console (NCP stops and terminates no server in transition): the next plan creates it anew; " +
			"or forget it with \"fleet state rm " + addr.String() + "\" and leave it"
	case kind == addrs.KindServer:
		return "delete it with \"fleet destroy --target " + addr.String() + "\" (a later apply makes it anew), " +
			"or forget it with \"fleet state rm " + addr.String() + "\" and delete it in the console"
	}
	return "forget it with \"fleet state rm " + addr.String() + "\" (a later apply makes it anew) and delete it in the console " +
		"once the cloud lets you; a destroy would wait for it first"
}

// inTransition reports whether a current resource is in transition, with
// the cloud's status: a server neither settled nor failed (a failed one is
// replaced, not waited for), a busy volume, an image not ready yet.
func inTransition(c *current) (string, bool) {
	switch {
	case c.Server != nil:
		return c.Server.Status, !c.Server.Failed && (c.Server.Busy || c.Server.Power == "")
	case c.Volume != nil:
		return c.Volume.Status, c.Volume.Busy
	case c.Image != nil:
		return c.Image.Status, !c.Image.Ready
	}
	return "", false
}

// waitReason explains a wait: "still building (INIT), started by an
// earlier apply" when an earlier apply's intent is pending there, else what
// the cloud reports.
func (b *builder) waitReason(c *current, status string) string {
	if in, ok := b.intents[c.Address]; ok {
		return "still " + progressive(IntentOp(in), c.Kind) + " (" + orNone(status) + "), started by an earlier apply"
	}
	return "in transition (" + orNone(status) + "); fleet waits for it to settle"
}

// progressive names what an interrupted operation is still doing.
func progressive(op ActionType, kind addrs.Kind) string {
	switch op {
	case Create:
		if kind == addrs.KindServer {
			return "building"
		}
		return "being created"
	case MakeImg:
		return "being imaged"
	case Stop:
		return "stopping"
	case Shelve, Unshelve, Resize, Start, Attach, Detach, Rename, Update, Delete:
		return strings.TrimSuffix(string(op), "e") + "ing"
	}
	return "in transition"
}

// stuckRecord returns the state's record of a wait that gave up on this
// very resource, or nil. Only actions write the state, so the mark outlives
// a transition that ended on its own; it counts only while the cloud still
// reports the transition the wait gave up in, lest a later stop or resize
// be called stuck.
func (b *builder) stuckRecord(c *current, status string) *state.Stuck {
	if b.in.State == nil {
		return nil
	}
	r := b.in.State.Lookup(c.Address)
	if r == nil || r.ID != c.ID || r.Stuck == nil {
		return nil
	}
	if r.Stuck.Status != "" && transition(r.Stuck.Status) != transition(status) {
		return nil
	}
	return r.Stuck
}

// Build limits: how long a server build may take before a plan calls it
// stuck. They are the create timeouts of the clouds' own Terraform
// providers, which their users rely on: terraform-provider-ncloud's
// DefaultCreateTimeout (shared/api/ncp.md §5.1), and the 30 minutes of
// NHN's provider for an instance (shared/api/nhn.md §5.2).
const (
	NCPBuildLimit = time.Hour
	NHNBuildLimit = 30 * time.Minute
)

// BuildLimit returns how long a server build may take on a cloud
// (spec.ProviderNCloud, spec.ProviderNHNCloud); 0 for an unknown cloud.
func BuildLimit(cloud string) time.Duration {
	switch cloud {
	case spec.ProviderNCloud:
		return NCPBuildLimit
	case spec.ProviderNHNCloud:
		return NHNBuildLimit
	}
	return 0
}

// cloudName names a cloud in messages.
var cloudName = map[string]string{spec.ProviderNCloud: "NCP", spec.ProviderNHNCloud: "NHN Cloud"}

// buildStatus is the transition a server builds in on each cloud
// (transition's name for it): NCP's INIT and CREAT, NHN's BUILD. NCP's
// SETUP operation is left out: it also follows a volume's detach, long
// after the build.
var buildStatus = map[string]string{spec.ProviderNCloud: "INIT", spec.ProviderNHNCloud: "BUILD"}

// overdue reports a server still in its build transition longer after
// its creation than its cloud's build limit, with its age and the limit.
func (b *builder) overdue(c *current, status string) (age, limit time.Duration, over bool) {
	cloud := b.cloud(c.Provider)
	if c.Server == nil || c.Server.Created.IsZero() || b.in.Now.IsZero() || transition(status) != buildStatus[cloud] {
		return 0, 0, false
	}
	limit = BuildLimit(cloud)
	if l, ok := b.in.BuildLimits[cloud]; ok {
		limit = l
	}
	age = b.in.Now.Sub(c.Server.Created)
	return age, limit, limit > 0 && age > limit
}

// span shows a duration to the minute ("2h", "1h5m", "30m"), or to the
// second below one.
func span(d time.Duration) string {
	if d < time.Minute {
		return d.Truncate(time.Second).String()
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// transition names the transition a cloud status is in: its main part
// ("BUILD" of NHN's "BUILD/spawning"), with NCP's two build statuses (INIT,
// then CREAT) as one.
func transition(status string) string {
	main, _, _ := strings.Cut(status, "/")
	if main == "CREAT" {
		return "INIT"
	}
	return main
}

// wireWaits makes the actions that name a waiting server by id (a volume
// attached to it or detached from it, an image made from it) wait for it.
// Actions at the waiting address wait through base.
func (b *builder) wireWaits() {
	for _, a := range b.actions {
		_, sid := a.OnServer()
		if a.Type == Wait || sid == "" {
			continue
		}
		if w := b.waits[cloudRef{a.Provider, sid}]; w != "" {
			b.dependOn(a.ID, w)
		}
	}
}
