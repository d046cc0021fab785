package planner

import "github.com/fleet-iac/fleet/addrs"

// requestedReason explains a replacement asked for with --replace.
const requestedReason = "requested with --replace"

// resolveRequested turns Input.Replace (plan/apply --replace) into the
// server addresses to replace whatever their diff says: server/web-1, or
// server/web for every member of the group fleet manages now. An address
// that names no server the fleet both declares and manages is an error:
// there is nothing to replace.
func (b *builder) resolveRequested() map[addrs.Address]bool {
	out := map[addrs.Address]bool{}
	if len(b.in.Replace) == 0 {
		return out
	}
	groups := map[addrs.Address][]addrs.Address{} // server/GROUP → its managed member addresses
	for _, s := range b.fleet.Servers {
		addr := s.Address()
		if c, ok := b.cur[addr]; ok && c.Server != nil {
			g := addrs.Server(s.Group)
			groups[g] = append(groups[g], addr)
		}
	}
	for _, text := range b.in.Replace {
		r, err := addrs.Parse(text)
		if err != nil {
			b.errorText(text, "--replace "+text+" is not an address", err.Error()+"; "+replaceHint(addrs.Address{Kind: addrs.KindServer}))
			continue
		}
		members := groups[r]
		if c, ok := b.cur[r]; ok && c.Server != nil && b.desiredServers[r] != nil {
			members = []addrs.Address{r}
		}
		if len(members) == 0 {
			b.errorText(text, "--replace "+text+" matches no server fleet manages",
				replaceHint(r)+"; \"fleet output\" lists the servers fleet manages")
			continue
		}
		for _, m := range members {
			out[m] = true
		}
	}
	return out
}

func replaceHint(addr addrs.Address) string {
	if addr.Kind != addrs.KindServer {
		return "only servers are replaced: give server/NAME or server/GROUP"
	}
	return "give a server's address (server/web-1) or a group's (server/web) that the file declares and the state records"
}
