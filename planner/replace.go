package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
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
	path     FieldPath
	ncp, nhn effect
	// want is the declared value, and whether to compare at all: false
	// when the fleet file leaves the attribute to the cloud.
	want func(d *spec.Server, r *resolver) (string, bool)
	// have is the current value, and whether the inventory reports it.
	have func(c *providers.Server, r *resolver) (string, bool)
	// recorded: when the inventory does not report the value, the one
	// declared when fleet created the server, kept in the state
	// (state.Resource.Declared), stands in for it. An attribute neither
	// reported nor recorded (a server created by an older fleet, or
	// adopted) is taken as unchanged: an unknown value must never force a
	// replacement.
	recorded bool
}

// serverRules is the single table that decides, per attribute and per
// cloud, whether a change is made in place or forces a replacement. The
// Extra keys it reads are the ones providers fill in providers.Server.Extra.
var serverRules = []attrRule{
	// The image compares by the cloud's id; an alias (NCP product code vs
	// image number) is the same image. See diffServer.
	{path: FieldImage, ncp: forcesNew, nhn: forcesNew,
		want: func(d *spec.Server, r *resolver) (string, bool) { return r.image(d.Image), d.Image != "" },
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.Image, c.Image != "" }},
	// Either side may name the type by spec code or by product code (NCP
	// SVR.VSVR...; NHN flavor id): both are read as the catalog's name.
	{path: FieldType, ncp: inResize, nhn: inResize,
		want: func(d *spec.Server, r *resolver) (string, bool) { return r.typeName(d.Type), d.Type != "" },
		have: func(c *providers.Server, r *resolver) (string, bool) { return r.typeName(c.Type), c.Type != "" }},
	{path: FieldZone, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: declared(func(d *spec.Server) string { return d.Zone }),
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.Zone, c.Zone != "" }},
	// NHN reports neither the network nor the subnet of a port: the
	// recorded values stand in.
	{path: FieldVPC, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: declared(func(d *spec.Server) string { return d.Network.VPC }),
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.VPC, c.VPC != "" }},
	{path: FieldSubnet, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: declared(func(d *spec.Server) string { return d.Network.Subnet }),
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.Subnet, c.Subnet != "" }},
	{path: FieldIP, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: declared(func(d *spec.Server) string { return d.Network.IP }),
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.IP, c.IP != "" }},
	// Existing NCP interfaces a server takes at create (NCP reports them in
	// Extra["interfaces"], eth0 first); compared only when the file names some.
	{path: FieldInterfaces, ncp: forcesNew, nhn: ignored,
		want: func(d *spec.Server, _ *resolver) (string, bool) {
			return strings.Join(d.Network.Interfaces, ","), len(d.Network.Interfaces) > 0
		},
		have: func(c *providers.Server, _ *resolver) (string, bool) { v, ok := c.Extra["interfaces"]; return v, ok }},
	// NCP sets ACGs on the network interface at create time; fleet has no
	// call that changes them afterwards. NHN adds and removes groups live.
	{path: FieldSecurityGroups, ncp: forcesNew, nhn: inUpdate,
		want: func(d *spec.Server, _ *resolver) (string, bool) {
			return joinSorted(d.Network.SecurityGroups), len(d.Network.SecurityGroups) > 0
		},
		have: func(c *providers.Server, _ *resolver) (string, bool) {
			return joinSorted(c.SecurityGroups), len(c.SecurityGroups) > 0
		}},
	{path: FieldKey, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: declared(func(d *spec.Server) string { return d.Key }),
		have: func(c *providers.Server, _ *resolver) (string, bool) { return c.Key, c.Key != "" }},
	{path: FieldPower, ncp: inPower, nhn: inPower,
		want: func(d *spec.Server, _ *resolver) (string, bool) { return string(desiredPower(d)), true },
		have: func(c *providers.Server, _ *resolver) (string, bool) { return string(c.Power), c.Power != "" }},
	// NCP sets its termination protection; NHN's API cannot set its own
	// flag, so the provider keeps fleet's fleet-protect tag instead, which
	// its delete refuses just the same: both change in place.
	{path: FieldProtect, ncp: inUpdate, nhn: inUpdate,
		want: func(d *spec.Server, _ *resolver) (string, bool) { return strconv.FormatBool(d.Protect), true },
		have: func(c *providers.Server, _ *resolver) (string, bool) { return strconv.FormatBool(c.Protect), true }},
	{path: FieldMetadata, ncp: ignored, nhn: inUpdate,
		want: func(d *spec.Server, _ *resolver) (string, bool) { return canonicalMap(d.Metadata), true },
		have: func(c *providers.Server, _ *resolver) (string, bool) { return canonicalMap(c.Metadata), true }},
	{path: FieldRootSize, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: func(d *spec.Server, _ *resolver) (string, bool) {
			if d.RootVolume == nil || d.RootVolume.Size == 0 {
				return "", false
			}
			return strconv.Itoa(d.RootVolume.Size), true
		},
		have: func(c *providers.Server, _ *resolver) (string, bool) {
			if c.RootVolume == nil || c.RootVolume.Size == 0 {
				return "", false
			}
			return strconv.Itoa(c.RootVolume.Size), true
		}},
	{path: FieldRootType, ncp: forcesNew, nhn: forcesNew, recorded: true,
		want: func(d *spec.Server, _ *resolver) (string, bool) {
			if d.RootVolume == nil || d.RootVolume.Type == "" {
				return "", false
			}
			return d.RootVolume.Type, true
		},
		have: func(c *providers.Server, _ *resolver) (string, bool) {
			if c.RootVolume == nil || c.RootVolume.Type == "" {
				return "", false
			}
			return c.RootVolume.Type, true
		}},
	// NHN has no encrypted flag (the file is refused at validate time).
	{path: FieldRootEncrypted, ncp: forcesNew, nhn: ignored, recorded: true,
		want: func(d *spec.Server, _ *resolver) (string, bool) {
			if d.RootVolume == nil {
				return "", false
			}
			return strconv.FormatBool(d.RootVolume.Encrypted), true
		},
		have: func(c *providers.Server, _ *resolver) (string, bool) {
			if c.RootVolume == nil {
				return "", false
			}
			return strconv.FormatBool(c.RootVolume.Encrypted), true
		}},
	// Both clouds allocate, associate, disassociate and release public
	// addresses on a running server. An owned address allocated but never
	// associated (a run stopped in between) reads "allocated": it differs
	// from both true and false, so the update adopts or releases it.
	{path: FieldPublicIP, ncp: inUpdate, nhn: inUpdate,
		want: func(d *spec.Server, _ *resolver) (string, bool) { return strconv.FormatBool(d.PublicIP), true },
		have: func(c *providers.Server, _ *resolver) (string, bool) {
			if c.PublicIP == "" && c.PublicIPPending != "" {
				return publicIPAllocated, true
			}
			return strconv.FormatBool(c.PublicIP != ""), true
		}},
	{path: FieldInitScript, ncp: forcesNew, nhn: ignored, recorded: true,
		want: always(func(d *spec.Server) string { return d.InitScript }), have: extra("init_script")},
	{path: FieldPlacementGroup, ncp: forcesNew, nhn: ignored, recorded: true,
		want: always(func(d *spec.Server) string { return d.PlacementGroup }), have: extra("placement_group")},
	// NCP does not report the fee system: the recorded value stands in.
	{path: FieldBilling, ncp: forcesNew, nhn: ignored, recorded: true,
		want: always(func(d *spec.Server) string {
			if d.Billing == "" {
				return "hourly"
			}
			return d.Billing
		}), have: extra("billing")},
	{path: FieldPartitions, ncp: forcesNew, nhn: ignored, recorded: true,
		want: always(func(d *spec.Server) string { return canonicalPartitions(d.Partitions) }), have: extra("partitions")},
	// NCP has no call that changes a server's description.
	{path: FieldDescription, ncp: forcesNew, nhn: ignored, recorded: true,
		want: always(func(d *spec.Server) string { return strings.TrimSpace(d.Description) }), have: extra("description")},
	// Nova cannot read user data back: the sha256 recorded at create (a
	// provider may report it too) stands in; the text is never stored.
	{path: FieldUserData, ncp: ignored, nhn: forcesNew, recorded: true,
		want: always(func(d *spec.Server) string { return UserDataDigest(d.UserData) }), have: extra("user_data_sha256")},
}

// publicIPAllocated is how the plan shows an owned public address that is
// associated with nothing.
const publicIPAllocated = "allocated"

// UserDataDigest is how user data is recorded and compared: the hex
// sha256 of the text, "" for none. The text itself is never stored.
func UserDataDigest(text string) string {
	if text == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// shortDigest shows a user data digest for people: "sha256:" and its first
// 12 hex digits, "(none)" for no user data.
func shortDigest(d string) string {
	if d == "" {
		return orNone(d)
	}
	return "sha256:" + d[:min(12, len(d))]
}

// declared reads a value the file may leave unset ("": not compared).
func declared(f func(*spec.Server) string) func(*spec.Server, *resolver) (string, bool) {
	return func(d *spec.Server, _ *resolver) (string, bool) {
		v := f(d)
		return v, v != ""
	}
}

// always reads a value whose absence is a value too (no init script, no
// user data): always compared.
func always(f func(*spec.Server) string) func(*spec.Server, *resolver) (string, bool) {
	return func(d *spec.Server, _ *resolver) (string, bool) { return f(d), true }
}

// extra reads a current value from providers.Server.Extra; a key the
// provider does not report is not reported.
func extra(key string) func(*providers.Server, *resolver) (string, bool) {
	return func(c *providers.Server, _ *resolver) (string, bool) {
		have, ok := c.Extra[key]
		return have, ok
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
func desiredPower(d *spec.Server) spec.Power {
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
	name, ok := spec.DeclaredImageName(ref)
	if !ok {
		return ref
	}
	if c, ok := r.b.cur[addrs.Image(name)]; ok && c.Kind == addrs.KindImage {
		return c.ID
	}
	return ref
}

// serverDiff is the outcome of comparing one desired server with its
// current form.
type serverDiff struct {
	changes []FieldChange // sorted by path
	replace bool
	// requested: --replace asked for it, whatever the changes say
	requested bool
	reason    string // why a replace is forced, when a rule gave one
	resize    bool
	power     bool // power differs
	update    bool // an in-place update is needed
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
		want, ok := rule.want(d, r)
		if !ok {
			continue
		}
		have, reported := rule.have(c.Server, r)
		if !reported && rule.recorded {
			have, reported = c.Declared[string(rule.path)]
		}
		if !reported || want == have {
			continue
		}
		if rule.path == "image" {
			if contains(c.Server.ImageAliases, want) {
				continue
			}
			want = d.Image // as the file writes it
		}
		if rule.path == "metadata" {
			var l changeList
			metadataChanges(&l, c.Server.Metadata, d.Metadata)
			if kept := b.dropIgnored(d, c.Address, l); len(kept) > 0 {
				out.changes = append(out.changes, kept...)
				out.update = true
			}
			continue
		}
		if isIgnored(d, rule.path) {
			b.noteIgnored(d.Group, c.Address, rule.path)
			continue
		}
		ch := FieldChange{Path: rule.path, From: orNone(have), To: orNone(want)}
		if rule.path == "user_data" { // digests, shortened as git does
			ch.From, ch.To = shortDigest(have), shortDigest(want)
		}
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
	if d.Provider != c.Provider {
		// Another account, region or cloud: nothing moves a server there.
		out.changes = append(out.changes, FieldChange{Path: FieldProvider, From: c.Provider, To: d.Provider, ForcesReplace: true})
		out.replace = true
	}
	if c.Server.Failed {
		// A failed build or a server in ERROR cannot be repaired in place.
		out.changes = append(out.changes, FieldChange{Path: FieldStatus, From: orNone(c.Server.Status), To: "healthy", ForcesReplace: true})
		out.replace = true
		out.reason = "the cloud reports the server failed"
	}
	sort.SliceStable(out.changes, func(i, j int) bool { return out.changes[i].Path < out.changes[j].Path })
	return out
}
