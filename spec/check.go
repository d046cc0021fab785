package spec

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	// NCP server and login key names (ncp.md §2.1, §2.3).
	ncpServerName = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	ncpKeyName    = regexp.MustCompile(`^[a-z0-9-]{3,30}$`)
	// NCP block storage names (ncp.md §2.2).
	ncpVolumeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{2,29}$`)
	// NCP member server image names (ncp.md §2.3).
	ncpImageName = regexp.MustCompile(`^[a-z0-9-]{3,30}$`)
)

// ValidNCPServerName reports whether NCP accepts name for a server: 3 to 30
// lowercase letters, digits and '-', starting with a letter, not ending with
// '-'.
func ValidNCPServerName(name string) bool {
	n := len(name)
	return n >= 3 && n <= 30 && ncpServerName.MatchString(name)
}

// Fields that only one cloud understands; set on the other they would be
// silently ignored, so they are errors.
var (
	ncpOnly = []string{"billing", "description", "init_script", "partitions", "placement_group", "network/interfaces"}
	nhnOnly = []string{"metadata", "public_network", "user_data"}
)

// check runs the rules the schema cannot express. It works on the typed
// fleet and points at the source through JSON pointers.
func (l *loader) check(f *Fleet) {
	for _, name := range f.ProviderNames() {
		l.checkProvider(f.Providers[name])
	}
	l.checkState(f)
	byGroup := map[string][]*Server{}
	for _, s := range f.Servers {
		byGroup[s.Group] = append(byGroup[s.Group], s)
	}
	for _, g := range f.Groups {
		l.checkGroup(f, g, byGroup[g.Name])
	}
	l.checkDuplicateNames(f)
	l.checkSharedInterfaces(f)
	l.checkKeypairs(f)
	l.checkImages(f)
	l.checkMoved(f)
}

func (l *loader) checkProvider(p *Provider) {
	ptr := "/providers/" + escapePointer(p.Name) + "/endpoint"
	if p.Endpoint == "" || p.Endpoint == EndpointEmbedded {
		return
	}
	if u, err := url.Parse(p.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: must be \"embedded\" or an http(s) URL, got %s", pathText(ptr), l.describe(ptr, p.Endpoint)),
			"Leave endpoint out for the real cloud, write embedded for the in-process simulator, or give the URL of a running fleet sim.")
	}
}

func (l *loader) checkState(f *Fleet) {
	st, _ := l.doc["state"].(map[string]any)
	switch {
	case f.State.Backend == "postgres" && st["path"] != nil:
		l.errorAtPtr("/state/path", true, "state.path: only the local backend has a path",
			"Remove path, or use backend: local.")
	case f.State.Backend == "local" && st["dsn"] != nil:
		l.errorAtPtr("/state/dsn", true, "state.dsn: only the postgres backend has a dsn",
			"Remove dsn, or use backend: postgres.")
	case f.State.Backend == "local" && st["key"] != nil:
		// ignored, it would put every environment in one fleet.lock
		l.errorAtPtr("/state/key", true, "state.key: only the postgres backend has a key",
			"The local backend keeps a state per file: write path (such as fleet-${var.env}.lock) for a state per environment, or use backend: postgres.")
	}
	l.checkOwnerPerState(f)
}

// checkOwnerPerState warns when the state is placed by a variable but the
// name, which is the owner tag, is not: each environment's plan would then
// adopt the other's servers in a shared cloud account.
func (l *loader) checkOwnerPerState(f *Fleet) {
	if l.fromVar["/name"] != "" || l.fromEnv["/name"] != "" {
		return
	}
	for _, ptr := range []string{"/state/path", "/state/key"} {
		name := l.fromVar[ptr]
		if name == "" || l.isBroken(ptr) {
			continue
		}
		r := l.rangeOf(ptr, false)
		l.diags = append(l.diags, Diagnostic{Severity: SeverityWarning, Range: &r, Path: ptr,
			Summary: fmt.Sprintf("%s: a state per ${var.%s}, but one owner tag %q for all", pathText(ptr), name, f.Name),
			Detail: fmt.Sprintf("The fleet's name is the owner tag of its servers: in one cloud account each environment's plan adopts the other's servers. "+
				"Put the variable in the name too (name: %s-${var.%s}), unless each environment has a cloud account of its own.", f.Name, name)})
		return
	}
}

func (l *loader) checkGroup(f *Fleet, g *ServerGroup, instances []*Server) {
	ptr := "/servers/" + escapePointer(g.Name)
	gv, _ := l.doc["servers"].(map[string]any)[g.Name].(map[string]any)
	provName := str(gv, "provider")
	if provName == "" {
		return // missing or mistyped: the schema reports it
	}
	p := f.Providers[provName]
	if p == nil {
		l.undeclared(ptr+"/provider", "provider", provName, f.ProviderNames(), "providers")
		return
	}
	net, _ := gv["network"].(map[string]any)
	var missing []string
	switch p.Type {
	case ProviderNCloud:
		for _, k := range []string{"vpc", "subnet"} {
			if _, ok := net[k]; !ok {
				missing = append(missing, "network."+k)
			}
		}
		l.cloudOnly(ptr, gv, nhnOnly, "NHN Cloud", p)
		if s := gv["power"]; s == string(PowerShelved) {
			l.errorAtPtr(ptr+"/power", false, pathText(ptr+"/power")+`: "shelved" is for NHN Cloud servers only`,
				fmt.Sprintf("Provider %q is NCP (ncloud); use running or stopped.", provName))
		}
	case ProviderNHNCloud:
		if _, ok := gv["key"]; !ok {
			missing = append(missing, "key")
		}
		// NHN places a server by subnet (its extension) or by network uuid.
		_, hasSubnet := net["subnet"]
		_, hasVPC := net["vpc"]
		if !hasSubnet && !hasVPC {
			missing = append(missing, "network.subnet (or network.vpc)")
		}
		l.cloudOnly(ptr, gv, ncpOnly, "NCP", p)
	default:
		return // bad provider type: the schema reports it
	}
	if len(missing) > 0 {
		cloud := map[string]string{ProviderNCloud: "NCP", ProviderNHNCloud: "NHN Cloud"}[p.Type]
		l.errorAtPtr(ptr, true, fmt.Sprintf("%s: %s servers need %s", pathText(ptr), cloud, strings.Join(missing, " and ")),
			fmt.Sprintf("Add %s to the server; provider %q is %s.", strings.Join(missing, " and "), provName, p.Type))
	}
	l.checkNames(ptr, g, instances, p)
	l.checkVolumes(ptr, gv, p, instances)
	l.checkRootVolume(ptr, gv, p)
	if ip := str(net, "ip"); ip != "" && g.Counted && g.Count > 1 {
		l.errorAtPtr(ptr+"/network/ip", false, pathText(ptr+"/network/ip")+": a fixed IP needs a single server",
			fmt.Sprintf("%d servers cannot share one private IP; remove ip or count.", g.Count))
	}
	if _, ok := net["interfaces"]; ok && g.Counted && g.Count > 1 {
		l.errorAtPtr(ptr+"/network/interfaces", false, pathText(ptr+"/network/interfaces")+": existing interfaces need a single server",
			fmt.Sprintf("An interface attaches to one server, and %d servers cannot share it; remove interfaces or count.", g.Count))
	}
	if _, ok := net["interfaces"]; ok && str(net, "ip") != "" {
		l.errorAtPtr(ptr+"/network/ip", false, pathText(ptr+"/network/ip")+": a server taking existing interfaces has their addresses",
			"The primary interface brings its own private IP; remove ip.")
	}
	if key := str(gv, "key"); key != "" {
		for _, k := range f.Keypairs {
			if k.Name == key && k.Provider != "" && k.Provider != provName {
				l.errorAtPtr(ptr+"/key", false, fmt.Sprintf("%s: keypair %s belongs to provider %q, not %q", pathText(ptr+"/key"), l.describe(ptr+"/key", key), k.Provider, provName),
					"A server can only use a key imported into its own cloud account; declare a keypair for this provider.")
			}
		}
	}
	if name, ok := DeclaredImageName(str(gv, "image")); ok {
		var names []string
		found := false
		for _, im := range f.Images {
			names = append(names, im.Name)
			found = found || im.Name == name
		}
		if !found {
			l.undeclared(ptr+"/image", "image", name, names, "images")
		}
	}
	if r, ok := gv["rollout"].(map[string]any); ok {
		if c, ok := r["check"].(map[string]any); ok {
			for _, k := range []string{"timeout", "interval"} {
				v, ok := c[k].(string)
				if !ok {
					continue
				}
				if d, err := time.ParseDuration(v); err == nil && d <= 0 {
					cp := ptr + "/rollout/check/" + k
					l.errorAtPtr(cp, false, fmt.Sprintf("%s: must be longer than zero, got %s", pathText(cp), l.describe(cp, v)),
						"Give a duration such as 10s or 5m.")
				}
			}
		}
		if s, ok := r["max_unavailable"].(string); ok && strings.HasSuffix(s, "%") {
			if n, err := strconv.Atoi(strings.TrimSuffix(s, "%")); err == nil && (n < 1 || n > 100) {
				rp := ptr + "/rollout/max_unavailable"
				l.errorAtPtr(rp, false, fmt.Sprintf("%s: percentage must be 1%% to 100%%, got %s", pathText(rp), l.describe(rp, s)),
					"The share of the group that may be unavailable at once.")
			}
		}
	}
}

// cloudOnly reports fields set on a server whose provider ignores them; a
// field below another is named by its path ("network/interfaces").
func (l *loader) cloudOnly(ptr string, gv map[string]any, fields []string, cloud string, p *Provider) {
	for _, k := range fields {
		m, name := gv, k
		if parent, child, nested := strings.Cut(k, "/"); nested {
			m, _ = gv[parent].(map[string]any)
			name = child
		}
		if _, ok := m[name]; ok {
			l.errorAtPtr(ptr+"/"+k, true, fmt.Sprintf("%s: %s is for %s servers only", pathText(ptr+"/"+k), name, cloud),
				fmt.Sprintf("Provider %q is %s, which has no such setting; remove %s.", p.Name, p.Type, name))
		}
	}
}

// checkNames checks the instance names the cloud will be asked to create.
func (l *loader) checkNames(ptr string, g *ServerGroup, instances []*Server, p *Provider) {
	for _, s := range instances {
		switch p.Type {
		case ProviderNCloud:
			if !ValidNCPServerName(s.Name) {
				l.errorAtPtr(ptr, true, fmt.Sprintf("%s: NCP refuses the server name %q", pathText(ptr), s.Name),
					"NCP server names are 3 to 30 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'"+countNote(g)+".")
				return
			}
		case ProviderNHNCloud:
			if len(s.Name) > 255 {
				l.errorAtPtr(ptr, true, fmt.Sprintf("%s: NHN Cloud refuses server names over 255 characters", pathText(ptr)),
					"Shorten the server name"+countNote(g)+".")
				return
			}
		}
	}
}

func countNote(g *ServerGroup) string {
	if g.Counted {
		return fmt.Sprintf(" (with count, fleet names the servers %s-1 to %s-%d)", g.Name, g.Name, g.Count)
	}
	return ""
}

func (l *loader) checkVolumes(ptr string, gv map[string]any, p *Provider, instances []*Server) {
	vols, _ := gv["volumes"].([]any)
	// NCP is sent SERVER-VOLUME as the block storage name (executor
	// createVolume): the longest member name decides whether it fits.
	longest := ""
	for _, s := range instances {
		if len(s.Name) > len(longest) {
			longest = s.Name
		}
	}
	seen := map[string]string{}
	for i, v := range vols {
		vm, _ := v.(map[string]any)
		vp := ptr + "/volumes/" + strconv.Itoa(i)
		name, _ := vm["name"].(string)
		if first, dup := seen[name]; dup && name != "" {
			l.errorAtPtr(vp+"/name", false, fmt.Sprintf("%s: duplicate volume name %q", pathText(vp+"/name"), name),
				fmt.Sprintf("It is already used at %s; volume names must be unique within a server.", l.rangeOf(first, false)))
		} else if name != "" {
			seen[name] = vp + "/name"
		}
		if p.Type != ProviderNCloud {
			continue
		}
		if name != "" && !ncpVolumeName.MatchString(name) {
			l.errorAtPtr(vp+"/name", false, fmt.Sprintf("%s: NCP refuses the volume name %s", pathText(vp+"/name"), l.describe(vp+"/name", name)),
				"NCP block storage names are 3 to 30 characters of letters, digits and '-', starting with a letter.")
		} else if sent := longest + "-" + name; name != "" && ValidNCPServerName(longest) && !ncpVolumeName.MatchString(sent) {
			l.errorAtPtr(vp+"/name", false, fmt.Sprintf("%s: NCP refuses the volume name %q that fleet sends", pathText(vp+"/name"), sent),
				"fleet names an NCP block storage SERVER-VOLUME; NCP block storage names are 3 to 30 characters of letters, digits and '-', starting with a letter. Shorten the volume or the server name.")
		}
		if size, ok := vm["size"].(int64); ok && size >= 1 && (size < 10 || size > 2000 || size%10 != 0) {
			l.errorAtPtr(vp+"/size", false, fmt.Sprintf("%s: NCP volume size must be 10 to 2000 GB in steps of 10, got %d", pathText(vp+"/size"), size),
				"Round the size to a multiple of 10 between 10 and 2000.")
		}
	}
}

// NHN root volume limits (nhn.md, block device mapping): 20 to 2000 GB,
// 20 to 100 GB for u2 flavors, whose root is the flavor's local disk. The
// planner checks them again where only the catalog knows the flavor.
const (
	NHNRootMinGB   = 20
	NHNRootMaxGB   = 2000
	NHNU2RootMaxGB = 100
)

// checkRootVolume checks what the file alone decides about the boot disk.
// Limits that depend on the image or a flavor given by id are checked at
// plan time, against the catalog.
func (l *loader) checkRootVolume(ptr string, gv map[string]any, p *Provider) {
	rv, _ := gv["root_volume"].(map[string]any)
	if p.Type != ProviderNHNCloud || rv == nil {
		return
	}
	rp := ptr + "/root_volume"
	if enc, _ := rv["encrypted"].(bool); enc {
		l.errorAtPtr(rp+"/encrypted", false, pathText(rp+"/encrypted")+": NHN Cloud encrypts volumes only with a Secure Key Manager key, which fleet cannot pass",
			"Remove encrypted (or set it to false); an encrypted NHN Cloud volume type needs nhn_encryption, which fleet does not support.")
	}
	size, ok := rv["size"].(int64)
	if !ok {
		return
	}
	typ, _ := gv["type"].(string)
	lo, hi, what := int64(NHNRootMinGB), int64(NHNRootMaxGB), "NHN Cloud root volumes"
	if strings.HasPrefix(typ, "u2.") {
		hi, what = NHNU2RootMaxGB, "u2 flavor root disks"
	}
	if size < lo || size > hi {
		l.errorAtPtr(rp+"/size", false, fmt.Sprintf("%s: %s are %d to %d GB, got %d", pathText(rp+"/size"), what, lo, hi, size),
			fmt.Sprintf("Set root_volume.size between %d and %d, or leave it out for the image's minimum.", lo, hi))
	}
}

// checkDuplicateNames finds instance names that two groups produce, such
// as group web with count 2 and a group named web-1.
func (l *loader) checkDuplicateNames(f *Fleet) {
	instances := map[string]string{} // instance name → first group producing it
	for _, s := range f.Servers {
		if first, dup := instances[s.Name]; dup && first != s.Group {
			ptr := "/servers/" + escapePointer(s.Group)
			l.errorAtPtr(ptr, true, fmt.Sprintf("%s: server name %q is also produced by servers.%s", pathText(ptr), s.Name, first),
				fmt.Sprintf("servers.%s is declared at %s. Server names must be unique after count expansion; rename one group.",
					first, l.rangeOf("/servers/"+escapePointer(first), true)))
			continue
		}
		instances[s.Name] = s.Group
	}
}

// checkSharedInterfaces reports a network interface two servers of one
// provider take: NCP attaches an interface to one server only, so the
// second create would fail halfway through an apply.
func (l *loader) checkSharedInterfaces(f *Fleet) {
	first := map[string]string{} // provider and interface number → its first pointer
	for _, g := range f.Groups {
		gv, _ := l.doc["servers"].(map[string]any)[g.Name].(map[string]any)
		net, _ := gv["network"].(map[string]any)
		nos, _ := net["interfaces"].([]any)
		mine := map[string]bool{} // twice in one list: the schema's uniqueItems says so
		for i, v := range nos {
			no, _ := v.(string)
			if no == "" || mine[no] {
				continue
			}
			mine[no] = true
			ptr := "/servers/" + escapePointer(g.Name) + "/network/interfaces/" + strconv.Itoa(i)
			key := str(gv, "provider") + " " + no
			if at, dup := first[key]; dup {
				l.errorAtPtr(ptr, false, fmt.Sprintf("%s: network interface %s is also taken at %s", pathText(ptr), no, pathText(at)),
					fmt.Sprintf("It is named at %s; an interface attaches to one server only.", l.rangeOf(at, false)))
				continue
			}
			first[key] = ptr
		}
	}
}

// undeclared reports a reference to a name that is not declared.
func (l *loader) undeclared(ptr, what, name string, declared []string, block string) {
	summary := fmt.Sprintf("%s: %s %q is not declared", pathText(ptr), what, name)
	if l.fromEnv[ptr] != "" {
		summary = fmt.Sprintf("%s: the %s named by ${%s} is not declared", pathText(ptr), what, l.fromEnv[ptr])
	} else if s := suggest(name, declared); s != "" {
		summary += fmt.Sprintf(" (did you mean %q?)", s)
	}
	detail := fmt.Sprintf("Declare it under %s:.", block)
	if len(declared) > 0 {
		sort.Strings(declared)
		detail = fmt.Sprintf("Declared: %s. Fix the name or declare it under %s:.", strings.Join(declared, ", "), block)
	}
	l.errorAtPtr(ptr, false, summary, detail)
}
