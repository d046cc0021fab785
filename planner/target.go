package planner

import "github.com/fleet-iac/fleet/addrs"

// applyTargets keeps only the actions on the --target addresses and the
// actions they depend on (as terraform's -target does). A target names an
// address (server/web-1, volume/web-1/data, keypair/k, image/i); a server
// address also takes in its volumes, and server/GROUP every instance of the
// group. A target that matches no declared or managed resource is an error.
func (b *builder) applyTargets() {
	if len(b.in.Targets) == 0 {
		return
	}
	known := map[addrs.Address]bool{}
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
	groups := map[addrs.Address][]string{} // server/GROUP → instance names
	for _, s := range b.fleet.Servers {
		g := addrs.Server(s.Group)
		groups[g] = append(groups[g], s.Name)
	}
	var names []string // server names whose volumes are targeted too
	exact := map[addrs.Address]bool{}
	for _, text := range b.in.Targets {
		t, err := addrs.Parse(text)
		if err != nil {
			b.errorText(text, "target "+text+" is not an address",
				err.Error()+"; a target is server/NAME, server/GROUP, volume/SERVER/NAME, keypair/NAME or image/NAME (\"fleet state list\" shows the managed ones)")
			continue
		}
		matched := known[t]
		exact[t] = true
		if t.Kind == addrs.KindServer {
			names = append(names, t.Name)
		}
		if inst, ok := groups[t]; ok {
			matched = true
			for _, n := range inst {
				exact[addrs.Server(n)] = true
				names = append(names, n)
			}
		}
		if !matched {
			b.errorText(text, "target "+text+" matches nothing",
				"no declared or managed resource has this address; use an address such as server/web-1, volume/web-1/data, keypair/NAME or image/NAME (\"fleet state list\" shows the managed ones)")
		}
	}
	match := func(addr addrs.Address) bool {
		if exact[addr] {
			return true
		}
		for _, n := range names {
			if addr.Kind == addrs.KindVolume && addr.Server == n {
				return true
			}
		}
		return false
	}
	keep := map[string]bool{}
	var stack []string
	for _, a := range b.actions {
		if match(a.Address) || !a.NewAddress().IsZero() && match(a.NewAddress()) {
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
