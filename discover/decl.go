package discover

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/spec"
)

// Decl is a server declaration as the fleet file writes it: every field
// fleet manages, from what the cloud reports, in the reference's order.
// Fields left at fleet's default are left out.
type Decl struct {
	node *yaml.Node // a mapping, without count
}

// equal reports whether two declarations write the same fields.
func (d Decl) equal(o Decl) bool { return d.String() == o.String() }

// String is the declaration as YAML.
func (d Decl) String() string {
	b, _ := yaml.Marshal(d.node)
	return string(b)
}

// declare writes what the cloud reports for m, in fleet's terms.
func declare(cloud, provider string, m Member) Decl {
	s := m.Server
	d := &mapping{}
	d.str("provider", provider)
	d.str("image", s.Image)
	d.str("type", s.Type)
	d.str("zone", s.Zone)
	net := &mapping{}
	if cloud == spec.ProviderNCloud {
		net.str("vpc", s.VPC)
	}
	net.str("subnet", s.Subnet)
	if len(s.SecurityGroups) > 0 {
		sg := append([]string(nil), s.SecurityGroups...)
		sort.Strings(sg)
		net.list("security_groups", sg)
	}
	d.sub("network", net)
	d.str("key", s.Key)
	if s.Power != "" && s.Power != spec.PowerRunning {
		d.str("power", string(s.Power))
	}
	if s.Protect {
		d.scalar("protect", "true", "!!bool")
	}
	if rv := s.RootVolume; rv != nil {
		root := &mapping{}
		if rv.Size > 0 {
			root.scalar("size", strconv.Itoa(rv.Size), "!!int")
		}
		root.str("type", rv.Type)
		if rv.Encrypted {
			root.scalar("encrypted", "true", "!!bool")
		}
		d.sub("root_volume", root)
	}
	if len(m.Volumes) > 0 {
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, v := range m.Volumes {
			vm := &mapping{}
			vm.str("name", v.Name)
			vm.scalar("size", strconv.Itoa(v.Volume.Size), "!!int")
			vm.str("type", v.Volume.Type)
			vm.node().Style = yaml.FlowStyle
			list.Content = append(list.Content, vm.node())
		}
		d.add("volumes", list)
	}
	if len(s.Metadata) > 0 {
		md := &mapping{}
		for _, k := range slices.Sorted(maps.Keys(s.Metadata)) {
			md.str(k, s.Metadata[k])
		}
		d.sub("metadata", md)
	}
	if cloud == spec.ProviderNCloud {
		if s.PublicIP != "" {
			d.scalar("public_ip", "true", "!!bool")
		}
		d.str("init_script", s.Extra["init_script"])
		d.str("placement_group", s.Extra["placement_group"])
		d.str("description", s.Extra["description"])
		if parts := s.Extra["partitions"]; parts != "" {
			list := &yaml.Node{Kind: yaml.SequenceNode}
			for _, p := range strings.Split(parts, ",") {
				mount, size, _ := strings.Cut(p, ":")
				pm := &mapping{}
				pm.str("mount_point", mount)
				pm.scalar("size", size, "!!int")
				pm.node().Style = yaml.FlowStyle
				list.Content = append(list.Content, pm.node())
			}
			d.add("partitions", list)
		}
	}
	return Decl{node: d.node()}
}

// mapping builds a YAML mapping in insertion order.
type mapping struct{ n yaml.Node }

func (m *mapping) node() *yaml.Node {
	m.n.Kind = yaml.MappingNode
	return &m.n
}

func (m *mapping) add(key string, v *yaml.Node) {
	m.n.Content = append(m.n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func (m *mapping) scalar(key, value, tag string) {
	m.add(key, &yaml.Node{Kind: yaml.ScalarNode, Value: value, Tag: tag})
}

// str adds a string field, quoted when YAML would read it otherwise
// (numbers such as NCP's VPC "75"); an empty value is left out.
func (m *mapping) str(key, value string) {
	if value != "" {
		m.scalar(key, value, "!!str")
	}
}

func (m *mapping) list(key string, values []string) {
	l := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range values {
		l.Content = append(l.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!!str"})
	}
	m.add(key, l)
}

// sub adds a nested mapping unless it is empty.
func (m *mapping) sub(key string, v *mapping) {
	if len(v.n.Content) > 0 {
		m.add(key, v.node())
	}
}
