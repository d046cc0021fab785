package planner

import "sort"

// rolloutUnit is one server's disruptive actions.
type rolloutUnit struct {
	server *serverPlan
	ids    []string
}

// planRollouts puts the disruptive actions of each group that declares a
// rollout (resize of a running server with its stop and start, replace,
// stop, shelve) into batches of at most max_unavailable servers, in the
// order of the servers' position in the group, and chains each server's
// first actions after the last actions of the server one batch before it
// (see the lanes below). Other actions (new servers, updates, attaching new
// volumes) are not held.
func (b *builder) planRollouts() {
	groups := append(b.fleet.Groups[:0:0], b.fleet.Groups...)
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	for _, g := range groups {
		if g.Rollout == nil || b.in.Destroy {
			continue
		}
		var units []rolloutUnit
		for _, s := range b.fleet.Servers {
			if s.Group != g.Name {
				continue
			}
			sp := b.servers[s.Address()]
			if sp == nil {
				continue
			}
			var ids []string
			seen := map[string]bool{}
			for _, id := range sp.batched {
				if _, ok := b.byID[id]; ok && !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				units = append(units, rolloutUnit{server: sp, ids: ids})
			}
		}
		if len(units) == 0 {
			continue
		}
		sort.SliceStable(units, func(i, j int) bool {
			a, c := units[i].server.desired, units[j].server.desired
			if a.Index != c.Index {
				return a.Index < c.Index
			}
			return a.Name < c.Name
		})
		limit := g.Rollout.Limit(g.Count)
		batches := (len(units) + limit - 1) / limit
		for i, u := range units {
			for _, id := range u.ids {
				b.byID[id].Batch = i/limit + 1
			}
		}
		// Lanes: the server at position i waits for the one at i-limit. At
		// most limit lanes run, each with one server down at a time, so the
		// DAG alone bounds the disruption with one edge set per server;
		// joining whole batches (every first action of batch k+1 after
		// every last action of batch k) would take limit² edges per batch,
		// 2.3 million for a 5,000-server tier at 10%. The executor joins
		// the batches themselves from Batch, with a barrier node.
		for i := limit; i < len(units); i++ {
			sinks := b.unitEnds(units[i-limit].ids, false)
			for _, r := range b.unitEnds(units[i].ids, true) {
				b.dependOn(r, sinks...)
			}
		}
		b.plan.Rollouts = append(b.plan.Rollouts, Rollout{Group: g.Name, MaxUnavailable: limit, Batches: batches, Servers: len(units)})
	}
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
