package discover

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Found is what one provider reported for the servers to take over: the
// servers and the additional volumes attached to them.
type Found struct {
	Provider string // provider name in the fleet file
	Cloud    string // spec.ProviderNCloud or spec.ProviderNHNCloud
	Servers  []providers.Server
	Volumes  []providers.Volume
}

// Group is one entry to declare under servers: a count group or a single
// server.
type Group struct {
	Key      string // the key under servers:
	Count    int    // 0 for a single server
	Provider string
	Cloud    string
	Decl     Decl
	Members  []Member // sorted by address
}

// Member is one server of a group with its volumes.
type Member struct {
	Address addrs.Address // server/NAME
	Server  providers.Server
	Volumes []NamedVolume // sorted by name
}

// NamedVolume is an additional volume and the name it is declared by.
type NamedVolume struct {
	Name   string
	Volume providers.Volume
}

// Problem is a reason nothing may be taken over yet, with what to do.
type Problem struct {
	Subject string // the address or cloud object concerned
	Summary string
	Fix     string
}

func (p Problem) String() string { return p.Subject + ": " + p.Summary + "\n  " + p.Fix }

// Declared reports where the fleet already declares a server key or
// address ("" when it does not): taking a server over must not collide.
type Declared func(name string) string

var (
	validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	memberRE  = regexp.MustCompile(`^(.+)-([1-9][0-9]*)$`)
)

// Plan groups the found servers. Two servers that would get one address, a
// name fleet cannot declare, or an address the fleet already declares are
// problems; the groups are still returned for display.
func Plan(found []Found, declared Declared) ([]Group, []Problem) {
	var singles []Group
	var problems []Problem
	byAddr := map[string][]string{}
	for _, f := range found {
		vols := map[string][]providers.Volume{}
		for _, v := range f.Volumes {
			vols[v.ServerID] = append(vols[v.ServerID], v)
		}
		for _, s := range f.Servers {
			addr := addrs.Server(s.Name).String()
			byAddr[addr] = append(byAddr[addr], fmt.Sprintf("%s (provider %s)", s.ID, f.Provider))
			if !validName.MatchString(s.Name) || len(s.Name) > 255 {
				problems = append(problems, Problem{fmt.Sprintf("server %q (id %s, provider %s)", s.Name, s.ID, f.Provider),
					"its name cannot be a fleet address (letters, digits, '-', '_' and '.', starting with a letter or digit)",
					"Rename it in the cloud console, or leave it out with --match."})
				continue
			}
			if s.Failed {
				problems = append(problems, Problem{fmt.Sprintf("%s (id %s, provider %s)", addr, s.ID, f.Provider),
					"the cloud reports it failed (status " + s.Status + "): fleet would plan its replacement at once",
					"Repair or delete it in the cloud console, or leave it out with --match."})
				continue
			}
			m := Member{Address: addrs.Server(s.Name), Server: s, Volumes: nameVolumes(s.Name, vols[s.ID])}
			singles = append(singles, Group{Key: s.Name, Provider: f.Provider, Cloud: f.Cloud, Decl: declare(f.Cloud, f.Provider, m), Members: []Member{m}})
		}
	}
	for _, addr := range slices.Sorted(maps.Keys(byAddr)) {
		if ids := byAddr[addr]; len(ids) > 1 {
			problems = append(problems, Problem{addr, "servers " + strings.Join(ids, ", ") + " would all get this address",
				"Rename all but one in the cloud console, or leave the others out with --match or --provider."})
		}
	}
	groups := countGroups(singles)
	for _, g := range groups {
		if at := declared(g.Key); at != "" {
			problems = append(problems, Problem{"servers." + g.Key, "the fleet already declares " + g.Key + " at " + at,
				"Rename the server in the cloud console or the declaration, or leave it out with --match."})
			continue
		}
		for _, m := range g.Members {
			if at := declared(m.Address.Name); at != "" {
				problems = append(problems, Problem{m.Address.String(), "the fleet already declares it at " + at,
					"Import it under that declaration with \"fleet import " + m.Address.String() + " " + m.Server.ID + "\", or leave it out with --match."})
			}
		}
	}
	return groups, problems
}

// countGroups merges singles named KEY-1…KEY-N (N ≥ 2, every index once,
// same provider, declarations alike) into one count group KEY, unless a
// single server is itself named KEY.
func countGroups(singles []Group) []Group {
	type cand struct {
		idx int
		g   Group
	}
	taken := map[string]bool{}
	for _, g := range singles {
		taken[g.Key] = true
	}
	byBase := map[string][]cand{}
	for _, g := range singles {
		if m := memberRE.FindStringSubmatch(g.Key); m != nil {
			i, _ := strconv.Atoi(m[2])
			byBase[m[1]] = append(byBase[m[1]], cand{i, g})
		}
	}
	merged := map[string]bool{}
	var out []Group
	for _, base := range slices.Sorted(maps.Keys(byBase)) {
		cs := byBase[base]
		sort.Slice(cs, func(i, j int) bool { return cs[i].idx < cs[j].idx })
		alike := len(cs) >= 2 && !taken[base] && validName.MatchString(base)
		for i, c := range cs {
			alike = alike && c.idx == i+1 && c.g.Provider == cs[0].g.Provider && c.g.Decl.equal(cs[0].g.Decl)
		}
		if !alike {
			continue
		}
		g := Group{Key: base, Count: len(cs), Provider: cs[0].g.Provider, Cloud: cs[0].g.Cloud, Decl: cs[0].g.Decl}
		for _, c := range cs {
			g.Members = append(g.Members, c.g.Members[0])
			merged[c.g.Key] = true
		}
		out = append(out, g)
	}
	for _, g := range singles {
		if !merged[g.Key] {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Provider < out[j].Provider
	})
	return out
}

// nameVolumes names a server's volumes as fleet would have: fleet creates
// them as SERVER-NAME, so that prefix is dropped; another name is kept when
// fleet can declare it, else the volume is named volume-N by id order.
func nameVolumes(server string, vols []providers.Volume) []NamedVolume {
	sort.Slice(vols, func(i, j int) bool { return vols[i].ID < vols[j].ID })
	used := map[string]bool{}
	out := make([]NamedVolume, 0, len(vols))
	for i, v := range vols {
		name := strings.TrimPrefix(v.Name, server+"-")
		if !validName.MatchString(name) || used[name] {
			name = "volume-" + strconv.Itoa(i+1)
		}
		used[name] = true
		out = append(out, NamedVolume{Name: name, Volume: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Addresses lists every address the groups take over, for display: servers
// then their volumes, sorted.
func Addresses(groups []Group) []string {
	var out []string
	for _, g := range groups {
		for _, m := range g.Members {
			out = append(out, m.Address.String())
			for _, v := range m.Volumes {
				out = append(out, m.Address.VolumeOf(v.Name).String())
			}
		}
	}
	sort.Strings(out)
	return out
}
