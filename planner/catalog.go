package planner

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// catalog returns the refreshed catalog of a provider, or nil.
func (b *builder) catalog(provider string) *providers.Catalog {
	inv, ok := b.in.Inventory[provider]
	if !ok {
		return nil
	}
	return inv.Catalog
}

// typeInfo finds a server type in a catalog by spec code / flavor name or
// by product code / flavor id.
func typeInfo(cat *providers.Catalog, name string) *providers.TypeInfo {
	if cat == nil {
		return nil
	}
	i := sort.Search(len(cat.Types), func(i int) bool { return cat.Types[i].Name >= name })
	if i < len(cat.Types) && cat.Types[i].Name == name {
		return &cat.Types[i]
	}
	for j := range cat.Types {
		if cat.Types[j].ID == name {
			return &cat.Types[j]
		}
	}
	return nil
}

// checkCatalog refuses server types and zones the cloud does not offer,
// before anything is created. Only providers refreshed with a catalog are
// checked.
func (b *builder) checkCatalog() {
	if b.in.Destroy {
		return
	}
	for _, s := range b.fleet.Servers {
		cat := b.catalog(s.Provider)
		if cat == nil {
			continue
		}
		what := "server type"
		if b.cloud(s.Provider) == spec.ProviderNHNCloud {
			what = "flavor"
		}
		if s.Type != "" && typeInfo(cat, s.Type) == nil {
			names := make([]string, len(cat.Types))
			for i, t := range cat.Types {
				names[i] = t.Name
			}
			b.unknownValue(s, what, s.Type, names)
		}
		if s.Zone != "" && len(cat.Zones) > 0 && !contains(cat.Zones, s.Zone) {
			b.unknownValue(s, "zone", s.Zone, cat.Zones)
		}
		b.checkRoot(s, cat)
		b.checkSubnet(s, cat)
	}
}

// checkSubnet checks the subnet and the fixed IP against the subnets the
// catalog lists (NCP getSubnetList, NHN Neutron): the subnet must exist,
// and the IP lie inside it (inside one of the network's subnets when only
// the network is given).
func (b *builder) checkSubnet(s *spec.Server, cat *providers.Catalog) {
	if len(cat.Subnets) == 0 || (s.Network.Subnet == "" && s.Network.IP == "") {
		return
	}
	var in []providers.SubnetInfo
	for _, sn := range cat.Subnets {
		if (s.Network.Subnet != "" && sn.ID == s.Network.Subnet) || (s.Network.Subnet == "" && s.Network.VPC != "" && sn.Network == s.Network.VPC) {
			in = append(in, sn)
		}
	}
	if s.Network.Subnet != "" && len(in) == 0 && !spec.IsCloudID(b.cloud(s.Provider), s.Network.Subnet) {
		return // a name the lookup did not find, reported there
	}
	if s.Network.Subnet != "" && len(in) == 0 {
		id := "id"
		if b.cloud(s.Provider) == spec.ProviderNCloud {
			id = "number"
		}
		b.fieldError(s, "network.subnet", fmt.Sprintf("unknown subnet %q", s.Network.Subnet),
			fmt.Sprintf("provider %q has no subnet with that %s; use the %s of one of its subnets (the console's VPC > Subnet page).", s.Provider, id, id))
		return
	}
	ip := net.ParseIP(s.Network.IP)
	if ip == nil || len(in) == 0 {
		return // a malformed address is the schema's to report
	}
	var cidrs []string
	for _, sn := range in {
		if _, n, err := net.ParseCIDR(sn.CIDR); err == nil {
			if n.Contains(ip) {
				return
			}
			cidrs = append(cidrs, sn.CIDR)
		}
	}
	if len(cidrs) == 0 {
		return
	}
	b.fieldError(s, "network.ip", fmt.Sprintf("%s is outside the subnet (%s)", s.Network.IP, strings.Join(cidrs, ", ")),
		"A fixed IP must lie inside the server's subnet; choose an address in "+strings.Join(cidrs, ", ")+", or leave ip out for one the cloud picks.")
}

// checkRoot checks the boot disk against the catalog: the image's minimum
// disk (NCP block storage size, NHN min_disk) against the declared size or
// an NHN u2 flavor's local disk, and the u2 limits where the file names the
// flavor by id.
func (b *builder) checkRoot(s *spec.Server, cat *providers.Catalog) {
	ti := typeInfo(cat, s.Type)
	u2 := b.cloud(s.Provider) == spec.ProviderNHNCloud && nhnFamily(s.Type, cat) == "u2"
	size := 0
	if s.RootVolume != nil {
		size = s.RootVolume.Size
	}
	if u2 && size > 0 && !strings.HasPrefix(s.Type, "u2.") && (size < spec.NHNRootMinGB || size > spec.NHNU2RootMaxGB) {
		b.fieldError(s, "root_volume.size", fmt.Sprintf("u2 flavor root disks are %d to %d GB, got %d", spec.NHNRootMinGB, spec.NHNU2RootMaxGB, size),
			fmt.Sprintf("flavor %s is a u2 flavor; set root_volume.size between %d and %d, or leave it out.", s.Type, spec.NHNRootMinGB, spec.NHNU2RootMaxGB))
	}
	img := b.imageInfo(s)
	if img == nil || img.MinDisk == 0 {
		return
	}
	switch {
	case u2 && ti != nil && ti.DiskGB > 0 && img.MinDisk > ti.DiskGB:
		b.fieldError(s, "type", fmt.Sprintf("flavor %s has a %d GB disk, image %q needs %d GB", s.Type, ti.DiskGB, img.Name, img.MinDisk),
			"A u2 flavor boots from its own local disk, which cannot grow; choose a u2 flavor with a larger disk, or a flavor whose root is a volume (m2, c2, r2, t2, x1).")
	case !u2 && size > 0 && size < img.MinDisk:
		b.fieldError(s, "root_volume.size", fmt.Sprintf("image %q needs a root volume of at least %d GB, got %d", img.Name, img.MinDisk, size),
			fmt.Sprintf("Set root_volume.size to %d or more, or leave it out: fleet then uses the image's minimum.", img.MinDisk))
	}
}

// imageInfo finds a server's image in its provider's catalog, by id (an
// image/NAME by the cloud id of the image fleet made), else by name.
func (b *builder) imageInfo(s *spec.Server) *providers.ImageInfo {
	cat := b.catalog(s.Provider)
	if cat == nil {
		return nil
	}
	return b.imageInfoAt(s, cat, 0)
}

// imageInfoAt is imageInfo for an image made from a server that itself
// boots from one made, depth steps down.
func (b *builder) imageInfoAt(s *spec.Server, cat *providers.Catalog, depth int) *providers.ImageInfo {
	id := (&resolver{b: b, provider: s.Provider}).image(s.Image)
	i := sort.Search(len(cat.Images), func(i int) bool { return cat.Images[i].ID >= id })
	if i < len(cat.Images) && cat.Images[i].ID == id {
		return &cat.Images[i]
	}
	for j := range cat.Images {
		if cat.Images[j].Name == id {
			return &cat.Images[j]
		}
	}
	return b.imageToMake(s, cat, depth)
}

// imageToMake is what the catalog will say of an image/NAME this plan
// makes (not made yet, so not listed): NHN gives an image of a
// volume-booted server its root volume's size as min_disk, and a u2
// server's snapshot its source image's. Without it a server booting from
// an image made in the same apply would get NHN's 20 GB default and fail
// there ("Volume size is 20 GB, minimum size is 30 GB").
func (b *builder) imageToMake(s *spec.Server, cat *providers.Catalog, depth int) *providers.ImageInfo {
	name, declared := s.DeclaredImage()
	if !declared || depth > len(b.fleet.Images) {
		return nil
	}
	if _, made := b.cur[addrs.Image(name)]; made {
		return nil // made already: the catalog would list it
	}
	var src *spec.Server
	for _, im := range b.fleet.Images {
		if im.Name == name {
			src = b.fleet.Server(im.From)
		}
	}
	if src == nil || src.Provider != s.Provider {
		return nil
	}
	minDisk := 0
	if srcImg := b.imageInfoAt(src, cat, depth+1); srcImg != nil {
		minDisk = srcImg.MinDisk
	}
	if nhnFamily(src.Type, cat) != "u2" {
		size := max(spec.NHNRootMinGB, minDisk) // what the source boots with when the file sets no size
		if src.RootVolume != nil && src.RootVolume.Size > 0 {
			size = src.RootVolume.Size
		}
		if c, ok := b.cur[src.Address()]; ok && c.Server != nil && c.Server.RootVolume != nil && c.Server.RootVolume.Size > 0 {
			size = c.Server.RootVolume.Size // as it really is
		}
		minDisk = size
	}
	if minDisk == 0 {
		return nil
	}
	return &providers.ImageInfo{ID: s.Image, Name: s.Image, MinDisk: minDisk}
}

// defaultRoot gives a server to create the image's minimum disk as its
// root volume when the file sets no size (the schema's promise: "Default:
// the image's or flavor's"): on NCP always, so that the plan shows and the
// state records the size the cloud gives; on NHN where that minimum is
// above NHN's own (20 GB, what fleet asks for otherwise). NHN u2 flavors
// boot from their local disk and take no size.
func (b *builder) defaultRoot(s *spec.Server) {
	if s.RootVolume != nil && s.RootVolume.Size > 0 {
		return
	}
	floor := 0
	if b.cloud(s.Provider) == spec.ProviderNHNCloud {
		if nhnFamily(s.Type, b.catalog(s.Provider)) == "u2" {
			return
		}
		floor = spec.NHNRootMinGB
	}
	img := b.imageInfo(s)
	if img == nil || img.MinDisk <= floor {
		return
	}
	rv := spec.RootVolume{}
	if s.RootVolume != nil {
		rv = *s.RootVolume
	}
	rv.Size = img.MinDisk
	s.RootVolume = &rv
}

// unknownValue reports a value the provider's catalog does not list, with
// the closest names it does.
func (b *builder) unknownValue(s *spec.Server, what, value string, known []string) {
	detail := fmt.Sprintf("provider %q does not offer %s %q", s.Provider, what, value)
	if close := closeNames(value, known, 3); len(close) > 0 {
		detail += "; did you mean " + strings.Join(quoteAll(close), ", ") + "?"
	}
	field := "type"
	if what == "zone" {
		field = "zone"
	}
	b.fieldError(s, field, fmt.Sprintf("unknown %s %q", what, value), detail)
}

// fieldError reports a problem with one field of a server group at the
// line it was written, once for the whole group however many members
// share the value. Planning failed.
func (b *builder) fieldError(s *spec.Server, field, summary, detail string) {
	key := fieldKey{s.Group, field, summary}
	if b.fieldErrors[key] {
		return
	}
	b.fieldErrors[key] = true
	d := spec.Diagnostic{
		Severity: spec.SeverityError,
		Summary:  "servers." + s.Group + "." + field + ": " + summary,
		Detail:   detail,
		Range:    rangeOrNil(s.FieldRange(field)),
	}
	if s.Index == 0 { // one server: the diagnostic is about it alone
		d.Address = s.Address().String()
	}
	b.fail(d)
}

func rangeOrNil(r spec.Range) *spec.Range {
	if r.Filename == "" {
		return nil
	}
	return &r
}

// closeNames returns up to n known names within a small edit distance of
// value, closest first, then alphabetically.
func closeNames(value string, known []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	limit := len(value)/3 + 1
	for _, k := range known {
		if d := spec.EditDistance(value, k); d <= limit {
			cs = append(cs, cand{k, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	out := []string{}
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}
