package planner

import (
	"fmt"
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// CheckSpec is a rollout's health check as a check action carries it.
type CheckSpec struct {
	Command  string `json:"command"`
	Timeout  string `json:"timeout"`  // a Go duration: 5m0s
	Interval string `json:"interval"` // a Go duration: 10s
}

func checkSpec(c *spec.Check) *CheckSpec {
	return &CheckSpec{Command: c.Command, Timeout: c.Timeout.String(), Interval: c.Interval.String()}
}

// describe is the check for people: the command and its timing.
func (c *CheckSpec) describe() string {
	return fmt.Sprintf("sh -c %q until it passes (every %s, up to %s)", c.Command, c.Interval, c.Timeout)
}

// planChecks adds a check action after each server of a group with
// rollout.check that the plan brings up: created (new, or a replacement),
// started, unshelved, or stopped and started around a resize. The check
// waits for the server's own actions and its volumes' attaches; a
// replaced server's old twin is stopped and deleted only after its
// successor passed (where the volume moves allow: an NCP twin is stopped
// before its volumes move, so only its delete waits); and the check joins
// the server's rollout unit, so the next batch waits for it too. A
// duplicate of a server (duplicate.go) is stopped and deleted only after
// the kept server passed, like a replaced server's old twin.
// --skip-checks plans none and says so once per group.
func (b *builder) planChecks() {
	if b.in.Destroy {
		return
	}
	groups := append(b.fleet.Groups[:0:0], b.fleet.Groups...)
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	for _, g := range groups {
		if g.Rollout == nil || g.Rollout.Check == nil {
			continue
		}
		skipped := false
		for _, s := range b.fleet.Servers {
			if s.Group != g.Name {
				continue
			}
			sp := b.servers[s.Address()]
			if sp == nil || sp.desired == nil || desiredPower(sp.desired) != spec.PowerRunning {
				continue
			}
			ups := b.bringsUp(sp.addr)
			twins := b.duplicateServerActions(sp.addr)
			if len(ups) == 0 && len(twins) == 0 {
				continue
			}
			if len(ups) == 0 && sp.cur != nil {
				if w := b.waits[cloudRef{sp.cur.Provider, sp.cur.ID}]; w != "" {
					ups = []string{w}
				}
			}
			if b.in.SkipChecks {
				skipped = true
				continue
			}
			id := b.add(&Action{Type: Check, Kind: addrs.KindServer, Address: sp.addr,
				Provider: sp.desired.Provider, Group: g.Name, Check: checkSpec(g.Rollout.Check), DependsOn: ups})
			olds := twins
			if sp.replaced {
				olds = append(olds, sp.stopID, sp.deleteID)
			}
			for _, old := range olds {
				if old != "" && !b.reaches(id, old) {
					b.dependOn(old, id)
				}
			}
			if len(sp.batched) > 0 {
				sp.batched = append(sp.batched, id)
			}
		}
		if skipped {
			b.diags = append(b.diags, skippedChecks(g.Name))
		}
	}
}

// skippedChecks is the warning that --skip-checks leaves the group's
// rollout check out, for apply's plan and fleet reboot's alike.
func skippedChecks(group string) spec.Diagnostic {
	return spec.Diagnostic{Severity: spec.SeverityWarning, Address: addrs.Server(group).String(),
		Summary: "--skip-checks: the rollout check of " + group + " is not run",
		Detail:  "servers count as back once the cloud says they run, whether or not the service on them came back"}
}

// duplicateServerActions lists the stop and delete of each duplicate
// server at addr: the old twin a replacement left when its check failed
// (the state already names the replacement), or a copy from an
// interrupted create. They wait for the kept server's check, so that a
// resumed apply does not delete the old twin of a replacement that never
// passed.
func (b *builder) duplicateServerActions(addr addrs.Address) []string {
	var out []string
	for _, c := range b.dups {
		if c.Kind != addrs.KindServer || c.Address != addr {
			continue
		}
		for _, t := range []ActionType{Stop, Delete} {
			if id := ActionID(t, addr, RoleDuplicate, c.ID); b.byID[id] != nil {
				out = append(out, id)
			}
		}
	}
	return out
}

// bringsUp lists the actions after which the server at addr (the new one,
// for a replacement) runs, with its volumes' attaches; nil when the plan
// neither creates, starts nor unshelves it.
func (b *builder) bringsUp(addr addrs.Address) []string {
	var out []string
	up := false
	for _, a := range b.actions {
		switch {
		case a.Kind == addrs.KindServer && a.Address == addr && !(a.Replace && a.Type != Create):
			switch a.Type {
			case Create, Start, Unshelve:
				up = true
				out = append(out, a.ID)
			case Resize, Wait, Rename:
				out = append(out, a.ID)
			}
		case a.Kind == addrs.KindVolume && a.Type == Attach && a.Address.Server == addr.Name:
			out = append(out, a.ID)
		}
	}
	if !up {
		return nil
	}
	return out
}

// reaches reports whether action from depends, directly or not, on to.
func (b *builder) reaches(from, to string) bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id == to {
			return true
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		if a := b.byID[id]; a != nil {
			stack = append(stack, a.DependsOn...)
		}
	}
	return false
}
