package planner

import (
	"fmt"
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// RebootInput is what fleet reboot plans from.
type RebootInput struct {
	Fleet     *spec.Fleet
	State     *state.State
	Inventory map[string]providers.InventoryResponse // refreshed, by provider name
	// Addresses are server/NAME or server/GROUP (every member the state
	// records); each must match a server of the state.
	Addresses    []string
	Hard         bool // NHN Cloud HARD reboot
	SkipChecks   bool // --skip-checks: no rollout checks (and say so)
	FleetVersion string
}

// BuildReboot plans fleet reboot: one reboot action per server, in
// batches of its group's rollout.max_unavailable (one at a time without a
// rollout). Members of the group that are already not running count
// against the limit, as in an apply's rollout. A server that is not
// running cannot be rebooted: that is an error, as is an address that
// matches nothing.
func BuildReboot(in RebootInput) (*Plan, spec.Diagnostics) {
	fleet := in.Fleet
	st := in.State
	if st == nil {
		st = &state.State{}
	}
	p := &Plan{FormatVersion: FormatVersion, FleetVersion: in.FleetVersion, Fleet: fleet.Name, SpecDigest: fleet.Digest,
		InventoryFingerprint: InventoryFingerprint(in.Inventory), Refreshed: len(in.Inventory) > 0,
		StateLineage: st.Lineage, StateSerial: st.Serial, Actions: []Action{}}
	var diags spec.Diagnostics
	fail := func(addr, summary, detail string) {
		p.Failed = true
		diags = append(diags, spec.Diagnostic{Severity: spec.SeverityError, Summary: summary, Detail: detail, Address: addr})
	}

	type member struct {
		r     state.Resource
		live  *providers.Server // nil when the refresh did not find it
		group string
		index int
	}
	live := map[cloudRef]*providers.Server{}
	for name, inv := range in.Inventory {
		for i := range inv.Servers {
			live[cloudRef{name, inv.Servers[i].ID}] = &inv.Servers[i]
		}
	}
	byGroup := map[string][]member{}
	byAddr := map[addrs.Address]member{}
	for _, r := range st.Resources {
		if r.Kind != addrs.KindServer {
			continue
		}
		name := r.Address.Name
		m := member{r: r, live: live[cloudRef{r.Provider, r.ID}], group: name}
		if s := fleet.Server(name); s != nil {
			m.group, m.index = s.Group, s.Index
		} else if g := fleet.GroupOf(name); g != nil {
			m.group = g.Name
		}
		byGroup[m.group] = append(byGroup[m.group], m)
		byAddr[r.Address] = m
	}

	chosen := map[addrs.Address]bool{}
	for _, a := range in.Addresses {
		addr, err := addrs.Parse(a)
		if m, ok := byAddr[addr]; ok && err == nil {
			chosen[m.r.Address] = true
			continue
		}
		ms := byGroup[addr.Name]
		if err != nil || addr.Kind != addrs.KindServer || len(ms) == 0 {
			fail(a, "reboot "+a+" matches no server fleet manages",
				"give a server's address (server/web-1) or a group's (server/web); \"fleet output\" lists the servers fleet manages")
			continue
		}
		for _, m := range ms {
			chosen[m.r.Address] = true
		}
	}

	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, gname := range groups {
		ms := byGroup[gname]
		sort.SliceStable(ms, func(i, j int) bool {
			if ms[i].index != ms[j].index {
				return ms[i].index < ms[j].index
			}
			return ms[i].r.Address.Less(ms[j].r.Address)
		})
		var picked []member
		down := 0
		for _, m := range ms {
			running := m.live != nil && m.live.Power == spec.PowerRunning && !m.live.Busy && !m.live.Failed
			switch {
			case chosen[m.r.Address] && !running:
				fail(m.r.Address.String(), m.r.Address.String()+" is not running, so it cannot be rebooted", "it is "+liveWord(m.live)+"; fleet reboot restarts running servers: start it with \"fleet apply\", or leave it out")
			case chosen[m.r.Address]:
				picked = append(picked, m)
			case !running:
				down++
			}
		}
		if len(picked) == 0 {
			continue
		}
		limit := 1
		var check *spec.Check
		for _, g := range fleet.Groups {
			if g.Name == gname && g.Rollout != nil {
				limit, check = g.Rollout.Limit(g.Count), g.Rollout.Check
			}
		}
		if check != nil && in.SkipChecks {
			check = nil
			diags = append(diags, skippedChecks(gname))
		}
		if down >= limit {
			fail(addrs.Server(gname).String(), fmt.Sprintf("rollout %s: %d member(s) are already not running", gname, down),
				fmt.Sprintf("rebooting another would take more than max_unavailable (%d) away; bring them back with \"fleet apply\" first", limit))
			continue
		}
		room := limit - down
		batches := 0
		for i, m := range picked {
			batch := i/room + 1
			batches = batch
			p.Actions = append(p.Actions, Action{
				ID: ActionID(Reboot, m.r.Address, RoleDeclared, ""), Type: Reboot, Kind: addrs.KindServer, Address: m.r.Address,
				Provider: m.r.Provider, CloudID: m.r.ID, Group: gname, Batch: batch, Reboot: &RebootParams{Hard: in.Hard}, Reason: rebootReason(fleet, m.r.Provider, in.Hard),
			})
			if check != nil {
				p.Actions = append(p.Actions, Action{
					ID: ActionID(Check, m.r.Address, RoleDeclared, ""), Type: Check, Kind: addrs.KindServer, Address: m.r.Address,
					Provider: m.r.Provider, Group: gname, Batch: batch, Check: checkSpec(check), DependsOn: []string{ActionID(Reboot, m.r.Address, RoleDeclared, "")},
				})
			}
		}
		p.Rollouts = append(p.Rollouts, Rollout{Group: gname, MaxUnavailable: limit, Batches: batches, Servers: len(picked), Down: down})
	}
	if p.Failed {
		p.Actions = []Action{}
		p.Rollouts = nil
	}
	p.Summary = summarize(p)
	return p, diags
}

// liveWord says where a server is that cannot be rebooted.
func liveWord(s *providers.Server) string {
	switch {
	case s == nil:
		return "gone from the cloud"
	case s.Failed:
		return "failed (" + s.Status + ")"
	case s.Busy || s.Power == "":
		return "in transition (" + s.Status + ")"
	}
	return string(s.Power) + " (" + s.Status + ")"
}

// rebootReason says what --hard means for the server's cloud.
func rebootReason(f *spec.Fleet, provider string, hard bool) string {
	if !hard {
		return ""
	}
	if p := f.Providers[provider]; p != nil && p.Type == spec.ProviderNHNCloud {
		return "HARD: a power cycle"
	}
	return "NCP has one kind of reboot: --hard changes nothing here"
}
