package spec

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// build fills the typed Fleet from the merged document. It takes only
// values of the right type, so it works on documents with schema errors
// too and the semantic checks can still run on what is there.
func (l *loader) build(f *Fleet, paths []string) {
	d := l.doc
	if v, ok := d["version"].(int64); ok {
		f.Version = int(v)
	}
	f.Name = str(d, "name")
	providers, _ := d["providers"].(map[string]any)
	for _, name := range sortedKeys(providers) {
		p, _ := providers[name].(map[string]any)
		f.Providers[name] = &Provider{
			Name: name, Type: str(p, "type"), Region: str(p, "region"),
			Tenant: str(p, "tenant"), Endpoint: str(p, "endpoint"),
			RequestsPerSecond: numberOrZero(p["requests_per_second"]),
			Range:             l.rangeOf("/providers/"+escapePointer(name), true),
		}
	}
	l.buildState(f, paths)
	servers, _ := d["servers"].(map[string]any)
	for _, name := range sortedKeys(servers) {
		l.buildGroup(f, name, servers[name])
	}
	sort.Slice(f.Servers, func(i, j int) bool { return f.Servers[i].Name < f.Servers[j].Name })
	keypairs, _ := d["keypairs"].(map[string]any)
	for _, name := range sortedKeys(keypairs) {
		k, _ := keypairs[name].(map[string]any)
		kp := &Keypair{
			Name: name, Provider: str(k, "provider"), PublicKeyFile: str(k, "public_key_file"),
			Range: l.rangeOf("/keypairs/"+escapePointer(name), true), Fields: map[string]Range{},
		}
		l.fieldRanges(kp.Fields, "/keypairs/"+escapePointer(name), "", k)
		f.Keypairs = append(f.Keypairs, kp)
	}
	images, _ := d["images"].(map[string]any)
	for _, name := range sortedKeys(images) {
		im, _ := images[name].(map[string]any)
		img := &Image{Name: name, From: str(im, "from"),
			Range: l.rangeOf("/images/"+escapePointer(name), true), Fields: map[string]Range{}}
		l.fieldRanges(img.Fields, "/images/"+escapePointer(name), "", im)
		f.Images = append(f.Images, img)
	}
	moved, _ := d["moved"].([]any)
	for i, m := range moved {
		mm, _ := m.(map[string]any)
		f.Moved = append(f.Moved, Moved{From: str(mm, "from"), To: str(mm, "to"),
			Range: l.rangeOf("/moved/"+strconv.Itoa(i), false)})
	}
}

// buildState applies the state defaults: a local fleet.lock beside the
// first fleet file, or in the directory given.
func (l *loader) buildState(f *Fleet, paths []string) {
	st, _ := l.doc["state"].(map[string]any)
	f.State = StateConfig{Backend: str(st, "backend"), DSN: str(st, "dsn"), Key: str(st, "key"), Range: l.rangeOf("/state", true)}
	if f.State.Key == "" {
		f.State.Key = f.Name
	}
	if f.State.Backend == "" {
		f.State.Backend = "local"
	}
	if p := str(st, "path"); p != "" {
		if lc, ok := l.locs["/state/path"]; ok && !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(lc.src.name), p)
		}
		f.State.Path = p
		return
	}
	if f.State.Backend == "local" && len(paths) > 0 {
		dir := filepath.Dir(filepath.Clean(paths[0]))
		if info, err := os.Stat(paths[0]); err == nil && info.IsDir() {
			dir = filepath.Clean(paths[0])
		}
		f.State.Path = filepath.Join(dir, "fleet.lock")
	}
}

func (l *loader) buildGroup(f *Fleet, name string, v any) {
	g, _ := v.(map[string]any)
	ptr := "/servers/" + escapePointer(name)
	group := &ServerGroup{Name: name, Count: 1, Protect: boolean(g, "protect"), Range: l.rangeOf(ptr, true)}
	if c, ok := g["count"].(int64); ok && c >= 0 && c <= 1000 {
		group.Count, group.Counted = int(c), true
	} else if _, written := g["count"]; written {
		group.Count, group.Counted = 0, true // invalid count: reported by the schema
	}
	if r, ok := g["rollout"].(map[string]any); ok {
		group.Rollout = parseRollout(r["max_unavailable"])
		if group.Rollout != nil {
			group.Rollout.Check = parseCheck(r["check"])
		}
	}
	f.Groups = append(f.Groups, group)

	net, _ := g["network"].(map[string]any)
	tmpl := Server{
		Group: name, Provider: str(g, "provider"), Image: str(g, "image"), Type: str(g, "type"),
		Zone: str(g, "zone"), Key: str(g, "key"), Power: Power(str(g, "power")), Protect: boolean(g, "protect"),
		Network: Network{VPC: str(net, "vpc"), Subnet: str(net, "subnet"),
			SecurityGroups: strList(net["security_groups"]), IP: str(net, "ip"),
			Interfaces: strList(net["interfaces"])},
		UserData: str(g, "user_data"), SensitiveUserData: l.sensitiveAt(ptr + "/user_data"), PublicIP: boolean(g, "public_ip"), PublicNetwork: str(g, "public_network"), InitScript: str(g, "init_script"),
		PlacementGroup: str(g, "placement_group"), Billing: str(g, "billing"),
		Description: str(g, "description"), Rollout: group.Rollout, BatchCreate: boolean(g, "batch_create"), Range: group.Range,
		Ignore: ignorePaths(g["ignore"]),
	}
	if im, ok := g["image"].(map[string]any); ok {
		mostRecent, set := im["most_recent"].(bool)
		tmpl.ImageLookup = &ImageLookup{Name: str(im, "name"), MostRecent: mostRecent || !set}
	}
	if tmpl.Power == "" {
		tmpl.Power = PowerRunning
	}
	tmpl.fields = &fieldIndex{pos: l.positions(), ptr: ptr, group: g}
	if rv, ok := g["root_volume"].(map[string]any); ok {
		tmpl.RootVolume = &RootVolume{Size: integer(rv, "size"), Type: str(rv, "type"), Encrypted: boolean(rv, "encrypted")}
	}
	if md, ok := g["metadata"].(map[string]any); ok {
		tmpl.Metadata = make(map[string]string, len(md))
		for k, v := range md {
			if s, ok := v.(string); ok {
				tmpl.Metadata[k] = s
			}
		}
	}
	vols, _ := g["volumes"].([]any)
	for _, v := range vols {
		vm, _ := v.(map[string]any)
		tmpl.Volumes = append(tmpl.Volumes, Volume{Name: str(vm, "name"), Size: integer(vm, "size"), Type: str(vm, "type")})
	}
	sort.SliceStable(tmpl.Volumes, func(i, j int) bool { return tmpl.Volumes[i].Name < tmpl.Volumes[j].Name })
	parts, _ := g["partitions"].([]any)
	for _, p := range parts {
		pm, _ := p.(map[string]any)
		tmpl.Partitions = append(tmpl.Partitions, Partition{MountPoint: str(pm, "mount_point"), Size: integer(pm, "size")})
	}
	if !group.Counted {
		s := tmpl
		s.Name = name
		f.Servers = append(f.Servers, &s)
		return
	}
	for i := 1; i <= group.Count; i++ {
		s := tmpl
		s.Name, s.Index = name+"-"+strconv.Itoa(i), i
		// each instance owns its slices and maps, so a consumer editing one
		// server never changes its siblings
		s.Network.SecurityGroups = append([]string(nil), tmpl.Network.SecurityGroups...)
		s.Volumes = append([]Volume(nil), tmpl.Volumes...)
		s.Partitions = append([]Partition(nil), tmpl.Partitions...)
		if tmpl.RootVolume != nil {
			rv := *tmpl.RootVolume
			s.RootVolume = &rv
		}
		if tmpl.Metadata != nil {
			s.Metadata = make(map[string]string, len(tmpl.Metadata))
			for k, v := range tmpl.Metadata {
				s.Metadata[k] = v
			}
		}
		f.Servers = append(f.Servers, &s)
	}
}

// fieldRanges records where each scalar field of a group was written, by
// dotted path ("type", "network.ip", "root_volume.size"), so that checks
// made after loading (the planner's) can point at the line of the field.
func (l *loader) fieldRanges(out map[string]Range, ptr, prefix string, m map[string]any) {
	for k, v := range m {
		p := ptr + "/" + escapePointer(k)
		if sub, ok := v.(map[string]any); ok && (k == "network" || k == "root_volume") {
			l.fieldRanges(out, p, prefix+k+".", sub)
			continue
		}
		out[prefix+k] = l.rangeOf(p, false)
	}
}

// parseRollout reads max_unavailable: a positive integer or "N%".
func parseRollout(v any) *Rollout {
	switch x := v.(type) {
	case int64:
		if x >= 1 {
			return &Rollout{MaxUnavailable: int(min(x, 1<<31-1))}
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSuffix(x, "%")); err == nil && strings.HasSuffix(x, "%") && n >= 1 && n <= 100 {
			return &Rollout{MaxUnavailable: n, Percent: true}
		}
	}
	return nil
}

// parseCheck reads rollout.check; durations the schema or the checks
// refuse are left at their defaults here.
func parseCheck(v any) *Check {
	m, ok := v.(map[string]any)
	if !ok || str(m, "command") == "" {
		return nil
	}
	c := &Check{Command: str(m, "command"), Timeout: DefaultCheckTimeout, Interval: DefaultCheckInterval}
	if d, err := time.ParseDuration(str(m, "timeout")); err == nil && d > 0 {
		c.Timeout = d
	}
	if d, err := time.ParseDuration(str(m, "interval")); err == nil && d > 0 {
		c.Interval = d
	}
	return c
}

// ignorePaths reads ignore: the field paths, security_groups as the
// network.security_groups it stands for, sorted and unique.
func ignorePaths(v any) []string {
	var out []string
	for _, p := range strList(v) {
		if p == "security_groups" {
			p = "network.security_groups"
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func boolean(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func integer(m map[string]any, k string) int {
	i, _ := m[k].(int64)
	if i > 1<<31-1 || i < -(1<<31) {
		return 0
	}
	return int(i)
}

func strList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// numberOrZero is number's value, or 0 when v is no number.
func numberOrZero(v any) float64 {
	n, _ := number(v)
	return n
}
