package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// Ignored is one server group's ignored fields (ignore:) that differ, from
// the file or by drift: fleet plans nothing for them.
type Ignored struct {
	Group   string   `json:"group"`
	Fields  []string `json:"fields"`  // the paths that differ, sorted
	Servers int      `json:"servers"` // how many of the group's servers differ in them
}

// Line describes the entry for people.
func (ig Ignored) Line() string {
	return fmt.Sprintf("%s: %s (on %d %s)", ig.Group, strings.Join(ig.Fields, ", "), ig.Servers, plural(ig.Servers, "server", "servers"))
}

// isIgnored reports whether the group of d ignores path: the path itself,
// or metadata.KEY under an ignored metadata.
func isIgnored(d *spec.Server, path FieldPath) bool {
	if d == nil || len(d.Ignore) == 0 {
		return false
	}
	return slices.Contains(d.Ignore, string(path)) || path.InMetadata() && slices.Contains(d.Ignore, string(FieldMetadata))
}

// dropIgnored removes from changes the ones d's group ignores, noting them
// for the plan's once-per-group line.
func (b *builder) dropIgnored(d *spec.Server, addr addrs.Address, changes []FieldChange) []FieldChange {
	if d == nil || len(d.Ignore) == 0 {
		return changes
	}
	out := changes[:0:0]
	for _, ch := range changes {
		if isIgnored(d, ch.Path) {
			b.noteIgnored(d.Group, addr, ch.Path)
			continue
		}
		out = append(out, ch)
	}
	return out
}

// noteIgnored records that the server at addr differs in an ignored path.
func (b *builder) noteIgnored(group string, addr addrs.Address, path FieldPath) {
	if b.ignored == nil {
		b.ignored = map[string]map[string]map[addrs.Address]bool{}
	}
	if b.ignored[group] == nil {
		b.ignored[group] = map[string]map[addrs.Address]bool{}
	}
	if b.ignored[group][string(path)] == nil {
		b.ignored[group][string(path)] = map[addrs.Address]bool{}
	}
	b.ignored[group][string(path)][addr] = true
}

// reportIgnored fills Plan.Ignored, sorted by group.
func (b *builder) reportIgnored() {
	for _, g := range sortedKeys(b.ignored) {
		servers := map[addrs.Address]bool{}
		var fields []string
		for path, at := range b.ignored[g] {
			fields = append(fields, path)
			for a := range at {
				servers[a] = true
			}
		}
		sort.Strings(fields)
		b.plan.Ignored = append(b.plan.Ignored, Ignored{Group: g, Fields: fields, Servers: len(servers)})
	}
}

// keepIgnoredMetadata is the complete metadata an update sends: the file's,
// with each ignored key as the cloud has it (or absent, where it has none).
func keepIgnoredMetadata(d *spec.Server, want, have map[string]string) map[string]string {
	out := copyMap(want)
	for _, p := range d.Ignore {
		k, ok := FieldPath(p).MetadataKey()
		if !ok {
			continue
		}
		if v, ok := have[k]; ok {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	return out
}
