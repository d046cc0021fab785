package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// resolver of one name: field, name, how to find it (called once per
// group), and the id the existing server has for it ("" for none).
type resolveFunc func(field, name string, find func() (string, bool), have string) string

// resolveNetwork resolves a server's VPC, subnet and (NCP) ACGs written as
// names. A value is an id when the cloud lists that id, or when it has an
// id's shape (spec.IsCloudID: NCP numbers, NHN UUIDs) and is left to the
// catalog checks; anything else is a name. A subnet or ACG name is looked
// for inside the server's VPC when the file gives one: names are unique
// only there (NCP), or not at all (NHN).
func (b *builder) resolveNetwork(s *spec.Server, cur *providers.Server, resolve resolveFunc) {
	cat := b.catalog(s.Provider)
	if cat == nil {
		return
	}
	cloud := b.cloud(s.Provider)
	var have func(string) string = func(string) string { return "" }
	if cur != nil {
		have = func(field string) string {
			if field == "network.vpc" {
				return cur.VPC
			}
			return cur.Subnet
		}
	}
	if v := s.Network.VPC; v != "" && len(cat.Networks) > 0 && !spec.IsCloudID(cloud, v) && !slices.ContainsFunc(cat.Networks, func(n providers.NamedInfo) bool { return n.ID == v }) {
		if id := resolve("network.vpc", v, func() (string, bool) { return b.lookupNamed(s, "network.vpc", "VPC", v, cat.Networks) }, have("network.vpc")); id != "" {
			s.Network.VPC = id
		}
	}
	if v := s.Network.VPC; v != "" && !spec.IsCloudID(cloud, v) && len(cat.Networks) > 0 && !slices.ContainsFunc(cat.Networks, func(n providers.NamedInfo) bool { return n.ID == v }) {
		return // the VPC's name was not found (reported): nothing to look for inside it
	}
	if v := s.Network.Subnet; v != "" && len(cat.Subnets) > 0 && !spec.IsCloudID(cloud, v) && !slices.ContainsFunc(cat.Subnets, func(n providers.SubnetInfo) bool { return n.ID == v }) {
		var in []providers.NamedInfo
		for _, sn := range cat.Subnets {
			in = append(in, providers.NamedInfo{ID: sn.ID, Name: sn.Name, Network: sn.Network})
		}
		find := func() (string, bool) {
			return b.lookupNamed(s, "network.subnet", "subnet", v, inVPC(in, s.Network.VPC))
		}
		if id := resolve("network.subnet", v, find, have("network.subnet")); id != "" {
			s.Network.Subnet = id
		}
	}
	if cloud != spec.ProviderNCloud || len(cat.SecurityGroups) == 0 {
		return // NHN servers take security group names as they are
	}
	for i, g := range s.Network.SecurityGroups {
		if spec.IsCloudID(cloud, g) || slices.ContainsFunc(cat.SecurityGroups, func(n providers.NamedInfo) bool { return n.ID == g }) {
			continue
		}
		find := func() (string, bool) {
			return b.lookupNamed(s, "network.security_groups", "ACG", g, inVPC(cat.SecurityGroups, s.Network.VPC))
		}
		if id := resolve("network.security_groups", g, find, ""); id != "" {
			s.Network.SecurityGroups[i] = id
		}
	}
}

// inVPC keeps the entries of a VPC, all of them when vpc is "".
func inVPC(list []providers.NamedInfo, vpc string) []providers.NamedInfo {
	if vpc == "" {
		return list
	}
	var out []providers.NamedInfo
	for _, n := range list {
		if n.Network == vpc {
			out = append(out, n)
		}
	}
	return out
}

// lookupNamed finds exactly one entry named name; none or several is an
// error at the field's line that lists the candidates.
func (b *builder) lookupNamed(s *spec.Server, field, what, name string, list []providers.NamedInfo) (string, bool) {
	var ids, names []string
	for _, n := range list {
		if n.Name == name {
			ids = append(ids, n.ID)
		}
		if n.Name != "" && !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
	}
	slices.Sort(ids)
	slices.Sort(names)
	where := ""
	if what != "VPC" && s.Network.VPC != "" {
		where = " in VPC " + s.Network.VPC
	}
	switch len(ids) {
	case 1:
		return ids[0], true
	case 0:
		detail := fmt.Sprintf("provider %q has no %s named %q%s", s.Provider, what, name, where)
		if close := closeNames(name, names, 3); len(close) > 0 {
			detail += "; did you mean " + strings.Join(quoteAll(close), ", ") + "?"
		} else if len(names) > 0 {
			detail += "; its names are " + strings.Join(quoteAll(names), ", ") + "."
		} else {
			detail += "."
		}
		b.fieldError(s, field, fmt.Sprintf("no %s named %q", what, name), detail)
	default:
		b.fieldError(s, field, fmt.Sprintf("%d %ss are named %q%s", len(ids), what, name, where),
			fmt.Sprintf("Candidates: %s. Name it by its id instead, or give the VPC it is in.", strings.Join(ids, ", ")))
	}
	return "", false
}
