package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// rolloutUnit is one server's disruptive actions.
type rolloutUnit struct {
	server *serverPlan
	ids    []string
	batch  int
}

// planRollouts puts the disruptive actions of each group that declares a
// rollout (resize of a running server with its stop and start, replace,
// stop, shelve) into batches of at most max_unavailable servers, in the
// order of the servers' position in the group, and chains each server's
// first actions after the last actions of the server in the same lane of
// the batch before (see the lanes below). Other actions (new servers,
// updates, attaching new volumes) are not held.
//
// Servers already below target count against max_unavailable: declared
// running but found stopped, in transition, busy or failed (an interrupted
// run left them so, or a person did). All their remaining actions go into
// batch 1, which takes other servers only up to the limit minus those
// already down; so a resumed rollout never has more servers down than a
// fresh one.
func (b *builder) planRollouts() {
	groups := append(b.fleet.Groups[:0:0], b.fleet.Groups...)
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	for _, g := range groups {
		if g.Rollout == nil || b.in.Destroy {
			continue
		}
		var downUnits, units []rolloutUnit
		var idle []string // down, with nothing for fleet to do: nothing to wait for
		down := 0
		for _, s := range b.fleet.Servers {
			if s.Group != g.Name {
				continue
			}
			sp := b.servers[s.Address()]
			if sp == nil {
				continue
			}
			isDown := belowTarget(sp)
			ids := sp.batched
			if isDown {
				down++
				// Its wait (a server found in transition) leads: batch 1
				// holds the others back until it has settled.
				ids = append([]string{b.waits[cloudRef{sp.cur.Provider, sp.cur.ID}]}, sp.chain...)
				ids = append(ids, sp.batched...)
			}
			var kept []string
			seen := map[string]bool{}
			for _, id := range ids {
				if _, ok := b.byID[id]; ok && !seen[id] {
					seen[id] = true
					kept = append(kept, id)
				}
			}
			switch {
			case isDown && len(kept) > 0:
				downUnits = append(downUnits, rolloutUnit{server: sp, ids: kept})
			case isDown:
				idle = append(idle, sp.addr.String())
			case len(kept) > 0:
				units = append(units, rolloutUnit{server: sp, ids: kept})
			}
		}
		if len(units)+len(downUnits) == 0 {
			continue
		}
		byPosition := func(us []rolloutUnit) {
			sort.SliceStable(us, func(i, j int) bool {
				a, c := us[i].server.desired, us[j].server.desired
				if a.Index != c.Index {
					return a.Index < c.Index
				}
				return a.Name < c.Name
			})
		}
		byPosition(downUnits)
		byPosition(units)
		limit := g.Rollout.Limit(g.Count)
		room := max(0, limit-down) // what batch 1 may still take down
		if len(downUnits) == 0 && room == 0 {
			// Nothing in the plan brings the down servers back, so there
			// is nothing to wait for: say so rather than hold the group.
			room = limit
			b.warnf(addrs.Server(g.Name), "rollout "+g.Name+": "+strings.Join(idle, ", ")+" already down",
				fmt.Sprintf("they are in transition with nothing for fleet to do, and max_unavailable is %d: until they settle, up to %d servers of the group may be unavailable; plan again once they have settled to stay within the limit", limit, limit+down))
		}
		all := downUnits
		for i, u := range units {
			u.batch = 1
			if i >= room {
				u.batch = (i-room)/limit + 2
			}
			all = append(all, u)
		}
		batches := 0
		for i := range all {
			if all[i].batch == 0 {
				all[i].batch = 1
			}
			batches = max(batches, all[i].batch)
			for _, id := range all[i].ids {
				b.byID[id].Batch = all[i].batch
			}
		}
		// Lanes: the j-th server of a batch waits for the servers of the
		// previous batch in lane j mod limit. At most limit lanes run, each
		// with one server down at a time, so the DAG alone bounds the
		// disruption with one edge set per server; joining whole batches
		// (every first action of batch k+1 after every last action of batch
		// k) would take limit² edges per batch: for a 5,000-server tier at
		// 10%, limit 500 and 10 batches, 9 joins × 500² = 2.25 million. The
		// executor joins the batches themselves from Batch, with a barrier
		// node.
		var prev, cur []rolloutUnit
		for i, u := range all {
			if i > 0 && u.batch != all[i-1].batch {
				prev, cur = cur, nil
			}
			j := len(cur)
			cur = append(cur, u)
			for k := j % limit; k < len(prev); k += limit {
				sinks := b.unitEnds(prev[k].ids, false)
				for _, r := range b.unitEnds(u.ids, true) {
					b.dependOn(r, sinks...)
				}
			}
		}
		b.plan.Rollouts = append(b.plan.Rollouts, Rollout{Group: g.Name, MaxUnavailable: limit, Batches: batches,
			Servers: len(all), Down: down})
	}
}

// belowTarget reports whether an existing server of a group is already
// unavailable though declared running: stopped, shelved, in transition,
// busy or failed.
func belowTarget(sp *serverPlan) bool {
	if sp.cur == nil || sp.cur.Server == nil || sp.desired == nil || desiredPower(sp.desired) != spec.PowerRunning {
		return false
	}
	s := sp.cur.Server
	return s.Power != spec.PowerRunning || s.Busy || s.Failed
}

// unitEnds returns a unit's first actions (roots: waiting for none of the
// unit) or its last ones (sinks: none of the unit waits for them).
func (b *builder) unitEnds(ids []string, roots bool) []string {
	member := make(map[string]bool, len(ids))
	for _, id := range ids {
		member[id] = true
	}
	waitedFor := map[string]bool{}
	for _, id := range ids {
		for _, d := range b.byID[id].DependsOn {
			if member[d] {
				waitedFor[d] = true
			}
		}
	}
	var out []string
	for _, id := range ids {
		if roots {
			inner := false
			for _, d := range b.byID[id].DependsOn {
				if member[d] {
					inner = true
					break
				}
			}
			if !inner {
				out = append(out, id)
			}
		} else if !waitedFor[id] {
			out = append(out, id)
		}
	}
	return out
}
