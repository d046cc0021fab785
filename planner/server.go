package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// serverPlan collects what the plan does to one server address, for the
// edges other resources need.
type serverPlan struct {
	addr       addrs.Address
	desired    *spec.Server // nil when the server is to be deleted
	cur        *current     // nil when the server is to be created
	create     string       // create of the new server: fresh, or a replacement
	replaced   bool
	zoneMove   bool     // the replacement is in another zone or provider: its volumes cannot follow it
	oldFirst   bool     // the replacement needs what the old server holds: the old one goes first
	deleteID   string   // delete of the current server (undesired or replaced)
	stopID     string   // stop of the current server before it is deleted (NCP)
	powerOff   string   // stop/shelve of a new server once its volumes are attached
	batched    []string // actions a rollout batches: the disruptive ones
	chain      []string // the power and resize steps of an in-place change, in order
	blocked    string   // protect marker when the plan may not delete or replace it
	blockedWhy string   // the detail of the blocked diagnostic
}

// planServers diffs every desired server against its current form and
// deletes current servers nothing declares.
func (b *builder) planServers() {
	requested := b.resolveRequested()
	for _, addr := range sortedAddrs(b.desiredServers) {
		d := b.desiredServers[addr]
		sp := &serverPlan{addr: addr, desired: d}
		b.servers[addr] = sp
		if d.Power == spec.PowerShelved && b.cloud(d.Provider) != spec.ProviderNHNCloud {
			b.errorf(addr, addr.String()+": power shelved is NHN Cloud only",
				"provider "+d.Provider+" is not nhncloud; use running or stopped")
		}
		c, ok := b.cur[addr]
		switch {
		case !ok:
			b.createServer(sp, false)
		case c.Kind != addrs.KindServer || c.Server == nil:
			b.errorf(addr, addr.String()+": the state holds a "+string(c.Kind)+" here", "remove it with \"fleet state rm "+addr.String()+"\"")
		default:
			sp.cur = c
			diff := b.diffServer(d, c)
			if requested[addr] {
				diff.replace, diff.requested = true, true
			}
			if diff.replace {
				b.replaceServer(sp, diff)
			} else {
				b.renameServer(sp)
				b.changeServer(sp, diff)
			}
		}
	}
	for _, addr := range b.curAddrs {
		c := b.cur[addr]
		if c.Kind != addrs.KindServer || b.desiredServers[addr] != nil {
			continue
		}
		sp := &serverPlan{addr: addr, cur: c}
		b.servers[addr] = sp
		b.deleteServer(sp)
	}
}

// createServer creates sp.desired, then powers it off when it should not run.
func (b *builder) createServer(sp *serverPlan, replace bool) {
	d := sp.desired
	copyD := *d
	b.defaultRoot(&copyD)
	sp.create = b.add(&Action{
		Type: Create, Kind: addrs.KindServer, Address: sp.addr, Provider: d.Provider,
		Create: &CreateParams{Server: providers.NewServerSpec(&copyD)}, Group: d.Group, Replace: replace, Declared: b.recordOf(&copyD),
	})
	switch desiredPower(d) {
	case spec.PowerStopped:
		sp.powerOff = b.add(&Action{Type: Stop, Kind: addrs.KindServer, Address: sp.addr, Provider: d.Provider,
			Group: d.Group, DependsOn: []string{sp.create}, Reason: "declared stopped",
			Changes: []FieldChange{{Path: FieldPower, From: string(spec.PowerRunning), To: string(spec.PowerStopped)}}})
	case spec.PowerShelved:
		sp.powerOff = b.add(&Action{Type: Shelve, Kind: addrs.KindServer, Address: sp.addr, Provider: d.Provider,
			Group: d.Group, DependsOn: []string{sp.create}, Reason: "declared shelved",
			Changes: []FieldChange{{Path: FieldPower, From: string(spec.PowerRunning), To: string(spec.PowerShelved)}}})
	}
}

// renameServer gives a server at its own address its declared name. The
// cloud names the members of a batch create itself (NCP web-011, NHN web-3
// for member 13) and fleet renames them right after; a run stopped in
// between leaves the cloud's name, which the owner tag still maps to this
// address.
func (b *builder) renameServer(sp *serverPlan) {
	d, c := sp.desired, sp.cur
	if c.Server.Name == "" || c.Server.Name == d.Name {
		return
	}
	b.add(&Action{
		Type: Rename, Kind: addrs.KindServer, Address: sp.addr, Provider: c.Provider, CloudID: c.ID,
		Rename: &RenameParams{NewName: d.Name, NewAddress: sp.addr}, Group: d.Group,
		Changes: []FieldChange{{Path: FieldName, From: c.Server.Name, To: d.Name}},
		Reason:  "the cloud's name differs from the declared one",
	})
}

// changeServer makes in-place changes: one chain for resize and power
// (stop → resize → start, on both clouds: NCP requires a stopped server and
// NHN stops an active one itself, so one model serves both), and one update
// for security groups, protection and metadata.
func (b *builder) changeServer(sp *serverPlan, diff serverDiff) {
	d, c := sp.desired, sp.cur
	var typeCh *FieldChange
	var upd []FieldChange
	for i := range diff.changes {
		ch := &diff.changes[i]
		switch ch.Path {
		case FieldType:
			typeCh = ch
		case FieldPower:
		default:
			upd = append(upd, *ch)
		}
	}
	prev := ""
	p := c.Server.Power
	// step adds the next action of the chain; power actions show the power
	// change they make.
	step := func(t ActionType, reason string, disruptive bool) {
		a := &Action{Type: t, Kind: addrs.KindServer, Address: sp.addr, Provider: c.Provider, CloudID: c.ID,
			Group: d.Group, Reason: reason}
		if prev != "" {
			a.DependsOn = []string{prev}
		}
		if t == Resize {
			a.Resize = &ResizeParams{NewType: b.typeName(c.Provider, d.Type)}
			if typeCh != nil {
				a.Changes = []FieldChange{*typeCh}
			}
		} else {
			to := powerAfter(t)
			a.Changes = []FieldChange{{Path: FieldPower, From: orNone(string(p)), To: string(to)}}
			p = to
		}
		prev = b.add(a)
		sp.chain = append(sp.chain, prev)
		if disruptive {
			sp.batched = append(sp.batched, prev)
		}
	}
	want := desiredPower(d)
	if diff.resize {
		running := p == spec.PowerRunning || p == ""
		if p == spec.PowerShelved {
			step(Unshelve, "resize needs an active or stopped server", false)
			running = true
		}
		if running {
			step(Stop, "before resize", true)
		}
		step(Resize, "", running)
		for _, t := range powerSteps(p, want) {
			step(t, "", running || t == Stop || t == Shelve)
		}
	} else if diff.power {
		for _, t := range powerSteps(p, want) {
			step(t, "", t == Stop || t == Shelve)
		}
	} else if p == "" && b.waits[cloudRef{c.Provider, c.ID}] != "" {
		// Waited for, and its status does not say how it will end: the
		// steps to the declared power state from either end. Each is a
		// no-op on a server already there.
		for _, t := range powerStepsFromUnknown(want) {
			step(t, "in case it does not settle "+string(want), t == Stop || t == Shelve)
		}
	}
	if diff.update && len(upd) > 0 {
		a := &Action{Type: Update, Kind: addrs.KindServer, Address: sp.addr, Provider: c.Provider, CloudID: c.ID,
			Group: d.Group, Changes: upd, Update: &UpdateParams{}}
		u := a.Update
		for _, ch := range upd {
			switch {
			case ch.Path == FieldProtect:
				v := d.Protect
				u.Protect = &v
			case ch.Path == FieldPublicIP:
				v := d.PublicIP
				u.PublicIP, u.PublicNet = &v, d.PublicNetwork
			case ch.Path == FieldSecurityGroups:
				u.SecGroups = append([]string{}, d.Network.SecurityGroups...)
			case ch.Path.InMetadata():
				u.Metadata = keepIgnoredMetadata(d, d.Metadata, c.Server.Metadata)
			}
		}
		b.add(a)
	}
}

// powerAfter is the power state a power action leaves a server in.
func powerAfter(t ActionType) spec.Power {
	switch t {
	case Stop:
		return spec.PowerStopped
	case Shelve:
		return spec.PowerShelved
	default:
		return spec.PowerRunning
	}
}

// powerSteps lists the power actions that take a server from one state to
// another ("" is a transition in progress: left alone).
func powerSteps(from, to spec.Power) []ActionType {
	switch {
	case from == to || from == "":
		return nil
	case to == spec.PowerStopped && from == spec.PowerShelved:
		return []ActionType{Unshelve, Stop}
	case to == spec.PowerStopped:
		return []ActionType{Stop}
	case to == spec.PowerShelved && from == spec.PowerStopped:
		return []ActionType{Start, Shelve} // NHN shelves only ACTIVE servers (seed 002)
	case to == spec.PowerShelved:
		return []ActionType{Shelve}
	case from == spec.PowerShelved:
		return []ActionType{Unshelve}
	default:
		return []ActionType{Start}
	}
}

// powerStepsFromUnknown lists power actions that bring a server to a power
// state whatever state it settles in: start and stop do nothing on a server
// already there, and NHN shelves only ACTIVE servers.
func powerStepsFromUnknown(to spec.Power) []ActionType {
	switch to {
	case spec.PowerStopped:
		return []ActionType{Stop}
	case spec.PowerShelved:
		return []ActionType{Start, Shelve}
	default:
		return []ActionType{Start}
	}
}

// replaceServer creates the new server before the old one goes, so that
// capacity never drops by more than the rollout allows. The old server is
// unprotected (NCP), stopped (NCP terminates only stopped servers), has its
// volumes detached (wire) and is deleted. When the replacement needs what
// the old server holds (its fixed private IP, an existing NCP interface),
// the old server goes first: the cloud gives an address or an interface to
// one server at a time, so creating first would fail every time.
func (b *builder) replaceServer(sp *serverPlan, diff serverDiff) {
	d, c := sp.desired, sp.cur
	sp.replaced = true
	held := heldName(d, c)
	sp.oldFirst = held != ""
	b.createServer(sp, true)
	create := b.byID[sp.create]
	create.Changes = diff.changes
	create.Reason = diff.reason
	create.CloudID = ""
	create.Requested = diff.requested
	for _, ch := range diff.changes {
		if ch.Path == FieldZone || ch.Path == FieldProvider {
			sp.zoneMove = true
		}
	}
	sp.batched = append(sp.batched, sp.create)
	if sp.powerOff != "" {
		sp.batched = append(sp.batched, sp.powerOff)
	}
	ncp := b.cloud(c.Provider) != spec.ProviderNHNCloud
	var first []string // what the old server's steps wait for
	if !sp.oldFirst {
		first = []string{sp.create}
	}
	deps := slices.Clone(first)
	if c.Server.Protect && !d.Protect { // when d.Protect, the replacement is blocked below
		off := false
		id := b.add(&Action{Role: RoleReplaced, Type: Update, Kind: addrs.KindServer, Address: sp.addr,
			Provider: c.Provider, CloudID: c.ID, Group: d.Group, Replace: true, Update: &UpdateParams{Protect: &off}, DependsOn: slices.Clone(first),
			Changes: []FieldChange{{Path: FieldProtect, From: "true", To: "false"}}, Reason: "lift termination protection of the replaced server"})
		deps = append(deps, id)
		sp.batched = append(sp.batched, id)
	}
	if ncp && stopBeforeTerminate(c.Server) {
		sp.stopID = b.add(&Action{Role: RoleReplaced, Type: Stop, Kind: addrs.KindServer, Address: sp.addr,
			Provider: c.Provider, CloudID: c.ID, Group: d.Group, Replace: true, DependsOn: slices.Clone(first),
			Reason: "NCP terminates only stopped servers"})
		deps = append(deps, sp.stopID)
		sp.batched = append(sp.batched, sp.stopID)
	}
	sp.deleteID = b.add(&Action{Role: RoleReplaced, Type: Delete, Kind: addrs.KindServer, Address: sp.addr,
		Provider: c.Provider, CloudID: c.ID, Group: d.Group, Replace: true, DependsOn: deps})
	sp.batched = append(sp.batched, sp.deleteID)
	if sp.oldFirst {
		b.dependOn(sp.create, sp.deleteID)
		why := "the old server goes first: the new one takes its " + held
		if create.Reason != "" {
			why = create.Reason + "; " + why
		}
		create.Reason = why
	}
	if d.Protect {
		why := describeForced(diff.changes)
		if diff.requested {
			why = strings.TrimPrefix(why+", "+requestedReason, ", ")
		}
		b.block(sp, "protect: true", fmt.Sprintf("the plan would replace it (%s)", why),
			"set protect: false on it, apply, then make this change; or revert the change")
	}
}

// heldName names what a replacement needs that the current server holds
// (the same fixed private IP, or an existing NCP interface it took, as
// Extra["interfaces"] reports), or "".
func heldName(d *spec.Server, c *current) string {
	if c.Server == nil {
		return ""
	}
	if d.Network.IP != "" && d.Network.IP == c.Server.IP {
		return "private IP " + d.Network.IP
	}
	held := strings.Split(c.Server.Extra["interfaces"], ",")
	for _, no := range d.Network.Interfaces {
		if slices.Contains(held, no) {
			return "network interface " + no
		}
	}
	return ""
}

// deleteServer deletes a server nothing declares any more: stopped first on
// NCP, detached from its volumes (wire).
func (b *builder) deleteServer(sp *serverPlan) {
	c := sp.cur
	var deps []string
	if b.cloud(c.Provider) != spec.ProviderNHNCloud && stopBeforeTerminate(c.Server) {
		sp.stopID = b.add(&Action{Type: Stop, Kind: addrs.KindServer, Address: sp.addr, Provider: c.Provider, CloudID: c.ID,
			Reason: "NCP terminates only stopped servers"})
		deps = append(deps, sp.stopID)
	}
	sp.deleteID = b.add(&Action{Type: Delete, Kind: addrs.KindServer, Address: sp.addr, Provider: c.Provider, CloudID: c.ID,
		DependsOn: deps})
	if g := b.shrunkGroup(sp.addr); g != nil && g.Protect {
		b.block(sp, "protect: true", fmt.Sprintf("the plan would delete it: count of servers.%s is now %d", g.Name, g.Count),
			"set protect: false on the group and apply that first, then lower count; or restore count")
	} else if b.protected(c) {
		why := "it is no longer declared in the fleet file"
		if b.in.Destroy {
			why = "destroy deletes everything"
		}
		b.block(sp, "protect: true", "the plan would delete it: "+why,
			"declare it again with protect: false and apply before removing it, or forget it with \"fleet state rm "+sp.addr.String()+"\"")
	}
}

// shrunkGroup returns the declared group a server address was a member of
// when a lower count removed it, or nil. Its protect: true still covers the
// member: protection cannot be lifted in the same change that deletes it.
func (b *builder) shrunkGroup(addr addrs.Address) *spec.ServerGroup {
	if b.in.Destroy {
		return nil
	}
	return b.fleet.GroupOf(addr.Name)
}

// protected reports whether a current server is protected, by the cloud's
// termination protection or by protect: true as last recorded in the state.
func (b *builder) protected(c *current) bool {
	if c.Server != nil && c.Server.Protect {
		return true
	}
	if b.in.State != nil {
		if r := b.in.State.Lookup(c.Address); r != nil && r.Server != nil && r.Server.Protect {
			return true
		}
	}
	return false
}

// block reports a protected server the plan would delete or replace, and
// marks the actions that would do it; markBlocked marks them again once the
// volume moves of a replacement exist.
func (b *builder) block(sp *serverPlan, marker, what, fix string) {
	sp.blocked = marker
	sp.blockedWhy = what + "; protect: true forbids deleting or replacing it. To proceed: " + fix + "."
	b.markBlocked(sp)
}

// reportBlocked reports each blocked server whose actions survived
// --target, in address order.
func (b *builder) reportBlocked() {
	for _, addr := range sortedAddrs(b.servers) {
		sp := b.servers[addr]
		if sp.blocked == "" {
			continue
		}
		for _, id := range append([]string{sp.stopID, sp.deleteID}, sp.batched...) {
			if a, ok := b.byID[id]; ok && a.Blocked != "" {
				// Not a failed plan: it shows what it would do, and cannot be applied.
				b.diags = append(b.diags, spec.Diagnostic{Severity: spec.SeverityError, Summary: sp.addr.String() + " is protected", Detail: sp.blockedWhy, Address: sp.addr.String()})
				break
			}
		}
	}
}

// markBlocked marks every action of a blocked server's deletion, or of its
// whole replacement (none of it may run).
func (b *builder) markBlocked(sp *serverPlan) {
	ids := []string{sp.stopID, sp.deleteID}
	if sp.replaced {
		ids = sp.batched
	}
	for _, id := range ids {
		if id != "" {
			b.byID[id].Blocked = sp.blocked
		}
	}
}

// describeForced lists the changes that force a replacement.
func describeForced(changes []FieldChange) string {
	var parts []string
	for _, ch := range changes {
		if ch.ForcesReplace {
			parts = append(parts, string(ch.Path)+": "+ch.From+" → "+ch.To)
		}
	}
	return strings.Join(parts, ", ")
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// stopBeforeTerminate reports whether an NCP server must be stopped before
// it can be terminated: not when it is stopped already, and not when its
// build failed (FSTOP and the other failure states cannot be stopped; NCP
// terminates them as they are).
func stopBeforeTerminate(s *providers.Server) bool {
	return s != nil && s.Power != spec.PowerStopped && !s.Failed
}
