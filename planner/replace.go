package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// effect is what a change to one server attribute makes fleet do.
type effect uint8

const (
	ignored   effect = iota // not managed on this cloud: never compared
	forcesNew               // the cloud cannot change it: replace the server
	inResize                // Resize (stop → resize → start), unless resizeRule says replace
	inPower                 // start, stop, shelve, unshelve
	inUpdate                // Update in place
)

// attrRule is one row of the table: an attribute, what changing it does on
// each cloud, and how to read its desired and current values.
type attrRule struct {
	path     string
	ncp, nhn effect
	// values returns the desired and current values for display, and
	// whether to compare at all: false when the fleet file leaves the
	// attribute to the cloud or the inventory does not report it (an
	// unknown current value must never force a replacement).
	values func(d *spec.Server, c *providers.Server, r *resolver) (want, have string, ok bool)
}

// serverRules is the single table that decides, per attribute and per
// cloud, whether a change is made in place or forces a replacement. The
// Extra keys it reads are the ones providers fill in providers.Server.Extra.
var serverRules = []attrRule{
	{"image", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, r *resolver) (string, string, bool) {
		want := r.image(d.Image)
		if want == c.Image || contains(c.ImageAliases, want) {
			return want, want, true
		}
		return d.Image, c.Image, d.Image != "" && c.Image != ""
	}},
	// Either side may name the type by spec code or by product code (NCP
	// SVR.VSVR...; NHN flavor id): both are read as the catalog's name.
	{"type", inResize, inResize, func(d *spec.Server, c *providers.Server, r *resolver) (string, string, bool) {
		return r.typeName(d.Type), r.typeName(c.Type), d.Type != "" && c.Type != ""
	}},
	{"zone", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return d.Zone, c.Zone, d.Zone != "" && c.Zone != ""
	}},
	{"network.vpc", forcesNew, ignored, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return d.Network.VPC, c.VPC, d.Network.VPC != "" && c.VPC != ""
	}},
	{"network.subnet", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return d.Network.Subnet, c.Subnet, d.Network.Subnet != "" && c.Subnet != ""
	}},
	{"network.ip", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return d.Network.IP, c.IP, d.Network.IP != "" && c.IP != ""
	}},
	// Existing NCP interfaces a server takes at create (NCP reports them in
	// Extra["interfaces"], eth0 first); compared only when the file names some.
	{"network.interfaces", forcesNew, ignored, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		have, ok := c.Extra["interfaces"]
		return strings.Join(d.Network.Interfaces, ","), have, ok && len(d.Network.Interfaces) > 0
	}},
	// NCP sets ACGs on the network interface at create time; fleet has no
	// call that changes them afterwards. NHN adds and removes groups live.
	{"network.security_groups", forcesNew, inUpdate, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return joinSorted(d.Network.SecurityGroups), joinSorted(c.SecurityGroups), len(d.Network.SecurityGroups) > 0 && len(c.SecurityGroups) > 0
	}},
	{"key", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return d.Key, c.Key, d.Key != "" && c.Key != ""
	}},
	{"power", inPower, inPower, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return desiredPower(d), c.Power, c.Power != ""
	}},
	// NCP sets its termination protection; NHN's API cannot set its own
	// flag, so the provider keeps fleet's fleet-protect tag instead, which
	// its delete refuses just the same: both change in place.
	{"protect", inUpdate, inUpdate, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return strconv.FormatBool(d.Protect), strconv.FormatBool(c.Protect), true
	}},
	{"metadata", ignored, inUpdate, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return canonicalMap(d.Metadata), canonicalMap(c.Metadata), true
	}},
	{"root_volume.size", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		if d.RootVolume == nil || d.RootVolume.Size == 0 || c.RootVolume == nil || c.RootVolume.Size == 0 {
			return "", "", false
		}
		return strconv.Itoa(d.RootVolume.Size), strconv.Itoa(c.RootVolume.Size), true
	}},
	{"root_volume.type", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		if d.RootVolume == nil || d.RootVolume.Type == "" || c.RootVolume == nil || c.RootVolume.Type == "" {
			return "", "", false
		}
		return d.RootVolume.Type, c.RootVolume.Type, true
	}},
	{"root_volume.encrypted", forcesNew, forcesNew, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		if d.RootVolume == nil || c.RootVolume == nil {
			return "", "", false
		}
		return strconv.FormatBool(d.RootVolume.Encrypted), strconv.FormatBool(c.RootVolume.Encrypted), true
	}},
	{"public_ip", forcesNew, ignored, func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		return strconv.FormatBool(d.PublicIP), strconv.FormatBool(c.PublicIP != ""), true
	}},
	{"init_script", forcesNew, ignored, extra("init_script", func(d *spec.Server) string { return d.InitScript })},
	{"placement_group", forcesNew, ignored, extra("placement_group", func(d *spec.Server) string { return d.PlacementGroup })},
	{"billing", forcesNew, ignored, extra("billing", func(d *spec.Server) string {
		if d.Billing == "" {
			return "hourly"
		}
		return d.Billing
	})},
	{"partitions", forcesNew, ignored, extra("partitions", func(d *spec.Server) string { return canonicalPartitions(d.Partitions) })},
	// Nova cannot read user data back: the provider reports its sha256.
	{"user_data", ignored, forcesNew, extra("user_data_sha256", func(d *spec.Server) string {
		if d.UserData == "" {
			return ""
		}
		sum := sha256.Sum256([]byte(d.UserData))
		return hex.EncodeToString(sum[:])
	})},
}

// extra reads a current value from providers.Server.Extra; a key the
// provider does not report is not compared.
func extra(key string, want func(*spec.Server) string) func(*spec.Server, *providers.Server, *resolver) (string, string, bool) {
	return func(d *spec.Server, c *providers.Server, _ *resolver) (string, string, bool) {
		have, ok := c.Extra[key]
		return want(d), have, ok
	}
}

// effectOn returns the rule's effect on a cloud type.
func (r *attrRule) effectOn(cloud string) effect {
	if cloud == spec.ProviderNHNCloud {
		return r.nhn
	}
	return r.ncp
}

// resizeRule decides whether a type change can be made in place. NCP
// changes a spec only within one product type and disk type (and, as the
// spec code shows, one generation); NHN cannot resize u2 flavors nor into
// them. It returns the reason when the change forces a replacement.
func resizeRule(cloud, from, to string, cat *providers.Catalog) string {
	switch cloud {
	case spec.ProviderNHNCloud:
		ff, tf := nhnFamily(from, cat), nhnFamily(to, cat)
		if ff != tf && (ff == "u2" || tf == "u2") {
			return fmt.Sprintf("NHN cannot resize %s flavors into %s flavors", ff, tf)
		}
	default:
		f, t := ncpClass(from, cat), ncpClass(to, cat)
		if f != t {
			return fmt.Sprintf("NCP changes a spec only within one product type and disk type: %s is %s, %s is %s", from, f, to, t)
		}
	}
	return ""
}

// nhnFamily is a flavor's family: the catalog's, else the name's prefix.
func nhnFamily(flavor string, cat *providers.Catalog) string {
	if t := typeInfo(cat, flavor); t != nil && t.Family != "" {
		return t.Family
	}
	fam, _, _ := strings.Cut(flavor, ".")
	return fam
}

// ncpClass is what must stay equal across an NCP spec change: product type
// and disk type from the catalog when it lists the code; otherwise derived
// from the code. Product codes read SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002;
// spec codes read s2-g2-s50 (family letters, vCPUs, generation, base disk),
// where the generation stands in for the hypervisor and disk class.
func ncpClass(code string, cat *providers.Catalog) string {
	if t := typeInfo(cat, code); t != nil && t.Family != "" {
		return t.Family + "/" + t.DiskType
	}
	if parts := strings.Split(code, "."); len(parts) >= 3 && parts[0] == "SVR" {
		disk := ""
		for i, p := range parts {
			if p == "NET" && i+1 < len(parts) {
				disk = parts[i+1]
			}
		}
		return parts[2] + "/" + disk
	}
	segs := strings.Split(code, "-")
	letters := strings.TrimRight(segs[0], "0123456789")
	family := map[string]string{"s": "STAND", "c": "HICPU", "m": "HIMEM"}[letters]
	if family == "" {
		family = strings.ToUpper(letters)
	}
	gen := ""
	if len(segs) > 1 {
		gen = strings.ToUpper(segs[1])
	}
	return family + "/" + gen
}

// desiredPower is the declared power state; running when unset.
func desiredPower(d *spec.Server) string {
	if d.Power == "" {
		return spec.PowerRunning
	}
	return d.Power
}

// canonicalMap renders a map as sorted k=v pairs.
func canonicalMap(m map[string]string) string {
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

// canonicalPartitions renders partitions as sorted mount:size pairs, the
// form NCP providers report in Extra["partitions"].
func canonicalPartitions(ps []spec.Partition) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.MountPoint + ":" + strconv.Itoa(p.Size)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// resolver turns image/NAME references into the image's cloud id, and
// server types into the catalog's names, for one provider.
type resolver struct {
	b        *builder
	provider string
}

// typeName returns the catalog's name (NCP spec code, NHN flavor name) of a
// type written by name or by id; the type itself when the provider was not
// refreshed with a catalog or the catalog does not list it.
func (r *resolver) typeName(t string) string {
	return r.b.typeName(r.provider, t)
}

// typeName is resolver.typeName for callers without a resolver.
func (b *builder) typeName(provider, t string) string {
	if ti := typeInfo(b.catalog(provider), t); ti != nil {
		return ti.Name
	}
	return t
}

// image returns the cloud id of a declared image, or the reference itself
// when the image does not exist yet.
func (r *resolver) image(ref string) string {
	if !strings.HasPrefix(ref, "image/") {
		return ref
	}
	if c, ok := r.b.cur[ref]; ok && c.Kind == providers.KindImage {
		return c.ID
	}
	return ref
}

// serverDiff is the outcome of comparing one desired server with its
// current form.
type serverDiff struct {
	changes []FieldChange // sorted by path
	replace bool
	reason  string // why a replace is forced, when a rule gave one
	resize  bool
	power   bool // power differs
	update  bool // an in-place update is needed
}

// diffServer compares a desired server with its current form through the
// table.
func (b *builder) diffServer(d *spec.Server, c *current) serverDiff {
	var out serverDiff
	cloud := b.cloud(c.Provider)
	r := &resolver{b: b, provider: c.Provider}
	for i := range serverRules {
		rule := &serverRules[i]
		eff := rule.effectOn(cloud)
		if eff == ignored {
			continue
		}
		want, have, ok := rule.values(d, c.Server, r)
		if !ok || want == have {
			continue
		}
		if rule.path == "metadata" {
			var l changeList
			metadataChanges(&l, c.Server.Metadata, d.Metadata)
			out.changes = append(out.changes, l...)
			out.update = true
			continue
		}
		ch := FieldChange{Path: rule.path, From: orNone(have), To: orNone(want)}
		switch eff {
		case forcesNew:
			ch.ForcesReplace = true
			out.replace = true
		case inResize:
			if why := resizeRule(cloud, have, want, b.catalog(c.Provider)); why != "" {
				ch.ForcesReplace = true
				out.replace = true
				out.reason = why
			} else {
				out.resize = true
			}
		case inPower:
			out.power = true
		case inUpdate:
			out.update = true
		}
		out.changes = append(out.changes, ch)
	}
	if c.Server.Failed {
		// A failed build or a server in ERROR cannot be repaired in place.
		out.changes = append(out.changes, FieldChange{Path: "status", From: orNone(c.Server.Status), To: "healthy", ForcesReplace: true})
		out.replace = true
		out.reason = "the cloud reports the server failed"
	}
	sort.SliceStable(out.changes, func(i, j int) bool { return out.changes[i].Path < out.changes[j].Path })
	return out
}
