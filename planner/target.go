package planner

import "strings"

// applyTargets keeps only the actions on the --target addresses and the
// actions they depend on (as terraform's -target does). A target names an
// address (server/web-1, volume/web-1/data, keypair/k, image/i); a server
// address also takes in its volumes, and server/GROUP every instance of the
// group. A target that matches no declared or managed resource is an error.
func (b *builder) applyTargets() {
	if len(b.in.Targets) == 0 {
		return
	}
	known := map[string]bool{}
	for a := range b.desiredServers {
		known[a] = true
	}
	for a := range b.desiredVolumes {
		known[a] = true
	}
	for _, k := range b.fleet.Keypairs {
		known[k.Address()] = true
	}
	for _, im := range b.fleet.Images {
		known[im.Address()] = true
	}
	for a := range b.cur {
		known[a] = true
	}
	for _, a := range b.actions { // renamed servers are known by their old address too
		known[a.Address] = true
	}
	groups := map[string][]string{} // server/GROUP → instance names
	for _, s := range b.fleet.Servers {
		groups["server/"+s.Group] = append(groups["server/"+s.Group], s.Name)
	}
	var names []string // server names whose volumes are targeted too
	exact := map[string]bool{}
	for _, t := range b.in.Targets {
		matched := known[t]
		exact[t] = true
		if strings.HasPrefix(t, "server/") {
			names = append(names, strings.TrimPrefix(t, "server/"))
		}
		if inst, ok := groups[t]; ok {
			matched = true
			for _, n := range inst {
				exact["server/"+n] = true
				names = append(names, n)
			}
		}
		if !matched {
			b.errorf(t, "target "+t+" matches nothing",
				"no declared or managed resource has this address; use an address such as server/web-1, volume/web-1/data, keypair/NAME or image/NAME (\"fleet state list\" shows the managed ones)")
		}
	}
	match := func(addr string) bool {
		if exact[addr] {
			return true
		}
		for _, n := range names {
			if strings.HasPrefix(addr, "volume/"+n+"/") {
				return true
			}
		}
		return false
	}
	keep := map[string]bool{}
	var stack []string
	for _, a := range b.actions {
		if match(a.Address) || a.NewAddress != "" && match(a.NewAddress) {
			keep[a.ID] = true
			stack = append(stack, a.ID)
		}
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range b.byID[id].DependsOn {
			if _, ok := b.byID[d]; ok && !keep[d] {
				keep[d] = true
				stack = append(stack, d)
			}
		}
	}
	kept := b.actions[:0]
	for _, a := range b.actions {
		if keep[a.ID] {
			kept = append(kept, a)
		} else {
			delete(b.byID, a.ID)
		}
	}
	b.actions = kept
}
