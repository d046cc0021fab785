package planner

import "strings"

// requestedReason explains a replacement asked for with --replace.
const requestedReason = "requested with --replace"

// resolveRequested turns Input.Replace (plan/apply --replace) into the
// server addresses to replace whatever their diff says: server/web-1, or
// server/web for every member of the group fleet manages now. An address
// that names no server the fleet both declares and manages is an error:
// there is nothing to replace.
func (b *builder) resolveRequested() map[string]bool {
	out := map[string]bool{}
	if len(b.in.Replace) == 0 {
		return out
	}
	groups := map[string][]string{} // server/GROUP → its managed member addresses
	for _, s := range b.fleet.Servers {
		addr := "server/" + s.Name
		if c, ok := b.cur[addr]; ok && c.Server != nil {
			groups["server/"+s.Group] = append(groups["server/"+s.Group], addr)
		}
	}
	for _, r := range b.in.Replace {
		members := groups[r]
		if c, ok := b.cur[r]; ok && c.Server != nil && b.desiredServers[r] != nil {
			members = []string{r}
		}
		if len(members) == 0 {
			b.errorf(r, "--replace "+r+" matches no server fleet manages",
				replaceHint(r)+"; \"fleet output\" lists the servers fleet manages")
			continue
		}
		for _, m := range members {
			out[m] = true
		}
	}
	return out
}

func replaceHint(addr string) string {
	if !strings.HasPrefix(addr, "server/") {
		return "only servers are replaced: give server/NAME or server/GROUP"
	}
	return "give a server's address (server/web-1) or a group's (server/web) that the file declares and the state records"
}
