package spec

import "regexp"

// uuidPattern is an OpenStack (NHN) id: a UUID in its canonical form.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsCloudID tells an id from a name in network.vpc, network.subnet and
// NCP's network.security_groups: NCP numbers its VPCs, subnets and ACGs
// (all digits), NHN gives UUIDs; anything else is a name the planner looks
// up. NHN security groups are names either way.
func IsCloudID(cloud, v string) bool {
	if cloud == ProviderNCloud {
		if v == "" {
			return false
		}
		for _, r := range v {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return uuidPattern.MatchString(v)
}

// NamesNetworks reports whether a server of the provider names its VPC,
// subnet or (NCP) security groups by name: its refresh must then list them.
func (f *Fleet) NamesNetworks(provider string) bool {
	p, ok := f.Providers[provider]
	if !ok {
		return false
	}
	for _, s := range f.Servers {
		if s.Provider != provider {
			continue
		}
		n := s.Network
		if (n.VPC != "" && !IsCloudID(p.Type, n.VPC)) || (n.Subnet != "" && !IsCloudID(p.Type, n.Subnet)) {
			return true
		}
		for _, g := range n.SecurityGroups {
			if p.Type == ProviderNCloud && !IsCloudID(p.Type, g) {
				return true
			}
		}
	}
	return false
}
