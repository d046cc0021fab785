package planner

import (
	"fmt"
	"sort"
	"strings"

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
	}
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
	key := s.Group + "\x00" + field + "\x00" + summary
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
		d.Address = s.Address()
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
