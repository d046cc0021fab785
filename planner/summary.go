package planner

import (
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
)

// summarize counts the plan's actions. A replacement counts once, as a
// replace: the steps that make it up (the new resource, stopping, detaching
// and deleting the old one) are not counted again. Blocked counts the
// servers with a blocked action (protect guards servers).
func summarize(p *Plan) Summary {
	var s Summary
	blocked := map[addrs.Address]bool{}
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Blocked != "" && a.Kind == addrs.KindServer {
			blocked[a.Address] = true
		}
		if a.Replace {
			if a.Type == Create {
				s.Replace++
			}
			continue
		}
		switch a.Type {
		case Create:
			s.Create += a.Servers()
		case Resize:
			s.Resize++
		case Start:
			s.Start++
		case Stop:
			s.Stop++
		case Shelve:
			s.Shelve++
		case Unshelve:
			s.Unshelve++
		case Attach:
			s.Attach++
		case Detach:
			s.Detach++
		case Update:
			s.Update++
		case Rename:
			s.Rename++
		case Delete:
			s.Delete++
		case MakeImg:
			s.Image++
		case Adopt:
			s.Adopt++
		case Reboot:
			s.Reboot++
		case Check:
			s.Check++
		case Wait:
			s.Wait++
			if a.Stuck {
				s.Stuck++
			}
		}
	}
	s.Blocked = len(blocked)
	s.Drift = len(p.Drift)
	s.Interrupted = len(p.Interrupted)
	return s
}

// SummaryLine is the one-line summary: "Plan: 3 to create, 1 to resize, 1
// to stop, 2 to attach, 1 to delete." with only the non-zero counts, in a
// fixed order; or the no-changes sentence.
func (p *Plan) SummaryLine() string {
	if !p.HasChanges() {
		return "No changes. Your fleet matches the configuration."
	}
	s := p.Summary
	counts := []struct {
		n    int
		verb string
	}{
		{s.Wait, "wait for"}, {s.Adopt, "adopt"}, {s.Create, "create"}, {s.Rename, "rename"}, {s.Resize, "resize"},
		{s.Update, "update"}, {s.Start, "start"}, {s.Stop, "stop"}, {s.Shelve, "shelve"},
		{s.Unshelve, "unshelve"}, {s.Attach, "attach"}, {s.Detach, "detach"}, {s.Replace, "replace"},
		{s.Image, "image"}, {s.Delete, "delete"}, {s.Reboot, "reboot"}, {s.Check, "check"},
	}
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", c.n, c.verb))
		}
	}
	return "Plan: " + strings.Join(parts, ", ") + "."
}

// Applyable reports whether the plan may be applied: it changes something
// and nothing in it is blocked.
func (p *Plan) Applyable() bool {
	return p.HasChanges() && p.Summary.Blocked == 0
}
