package planner

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// Lookup is one name the plan resolved to the cloud's id, once per server
// group and name: image: {name: ...} from the provider's image lists, a
// VPC, subnet or NCP ACG written as a name from its list.
type Lookup struct {
	Group string `json:"group"`
	Field string `json:"field"` // image, network.vpc, network.subnet, network.security_groups
	Name  string `json:"name"`  // as the file wrote it
	ID    string `json:"id"`    // what it resolves to now
	// Was is the id the group's servers run from, when the name resolved
	// to another one since (a new image release): those servers are
	// planned by the field's rule (a replace for an image).
	Was []string `json:"was,omitempty"`
}

// Line describes the lookup for people:
// "web  image: Ubuntu Server 22.04 LTS → 9956f822-…".
func (l Lookup) Line() string {
	line := fmt.Sprintf("%s  %s: %s → %s", l.Group, l.Field, l.Name, l.ID)
	if len(l.Was) > 0 {
		line += " (resolved to " + strings.Join(l.Was, ", ") + " before: a new release)"
	}
	return line
}

// resolveLookups turns every name the file uses for a cloud resource into
// the id the catalog lists for it, before anything compares: images named
// image: {name: ...}, and VPCs, subnets and NCP ACGs written as names.
// The refresh listed each kind in one call (NHN Glance, Neutron networks
// and subnets; NCP image products, server images, getVpcList,
// getSubnetList, getAccessControlGroupList), so a lookup costs no call of
// its own. A group's servers share one lookup and one diagnostic.
func (b *builder) resolveLookups() {
	found := map[fieldKey]*Lookup{} // group, field, name → the lookup
	failed := map[fieldKey]bool{}
	for _, s := range b.fleet.Servers {
		resolve := func(field, name string, find func() (string, bool), have string) string {
			key := fieldKey{s.Group, field, name}
			if failed[key] {
				return ""
			}
			l := found[key]
			if l == nil {
				id, ok := find()
				if !ok {
					failed[key] = true
					return ""
				}
				l = &Lookup{Group: s.Group, Field: field, Name: name, ID: id}
				found[key] = l
			}
			if have != "" && have != l.ID && !slices.Contains(l.Was, have) {
				l.Was = append(l.Was, have)
				slices.Sort(l.Was)
			}
			return l.ID
		}
		var cur *providers.Server
		if c, ok := b.cur[s.Address()]; ok {
			cur = c.Server
		}
		if s.ImageLookup != nil {
			if id := resolve("image", s.ImageLookup.Name, func() (string, bool) { return b.resolveImage(s) }, ""); id != "" {
				s.Image = id
				// NCP reports a server made from a server image by its
				// product code, the number being an alias: the same image.
				if cur != nil && cur.Image != "" && cur.Image != id && !slices.Contains(cur.ImageAliases, id) {
					resolve("image", s.ImageLookup.Name, nil, b.imageWas(s.Provider, s.ImageLookup.Name, cur))
				}
			}
		}
		b.resolveNetwork(s, cur, resolve)
	}
	for _, l := range found {
		b.plan.Lookups = append(b.plan.Lookups, *l)
	}
	slices.SortFunc(b.plan.Lookups, func(a, c Lookup) int {
		return cmp.Or(cmp.Compare(a.Group, c.Group), cmp.Compare(a.Field, c.Field), cmp.Compare(a.Name, c.Name))
	})
}

// imageWas is what a server's image name resolved to when it was made: of
// the ids it reports (an NCP server made from a server image reports the
// product code, which every release of that image shares, and the
// number as an alias), the one the catalog lists under that name.
func (b *builder) imageWas(provider, name string, cur *providers.Server) string {
	cat := b.catalog(provider)
	if cat == nil {
		return cur.Image
	}
	for _, id := range append([]string{cur.Image}, cur.ImageAliases...) {
		for _, im := range cat.Images {
			if im.ID == id && im.Name == name {
				return id
			}
		}
	}
	return cur.Image
}

// resolveImage finds the image a lookup names: among the active images of
// exactly that name, the newest (Glance created_at, NCP createDate)
// unless most_recent is false, when exactly one must match. A name that
// matches nothing, or several it cannot choose between, is an error at
// the image's line that lists the candidates.
func (b *builder) resolveImage(s *spec.Server) (string, bool) {
	name := s.ImageLookup.Name
	cat := b.catalog(s.Provider)
	if cat == nil {
		b.fieldError(s, "image", fmt.Sprintf("image %q cannot be looked up without a refresh", name),
			"An image named by name is resolved from the cloud's image lists at plan time; run without --refresh=false, or name the image by its id.")
		return "", false
	}
	var matches []providers.ImageInfo
	names := map[string]bool{}
	for _, im := range cat.Images {
		if im.Inactive {
			continue
		}
		names[im.Name] = true
		if im.Name == name {
			matches = append(matches, im)
		}
	}
	// Newest first; ties (and undated NCP products) by id, for a stable list.
	slices.SortFunc(matches, func(a, c providers.ImageInfo) int {
		if n := cmp.Compare(c.Created, a.Created); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, c.ID)
	})
	switch {
	case len(matches) == 1:
		return matches[0].ID, true
	case len(matches) == 0:
		known := make([]string, 0, len(names))
		for n := range names {
			known = append(known, n)
		}
		slices.Sort(known)
		detail := fmt.Sprintf("provider %q has no active image named %q", s.Provider, name)
		if close := closeNames(name, known, 3); len(close) > 0 {
			detail += "; did you mean " + strings.Join(quoteAll(close), ", ") + "?"
		} else if len(known) > 0 {
			detail += "; its images are " + strings.Join(quoteAll(known), ", ") + "."
		}
		b.fieldError(s, "image", fmt.Sprintf("no image named %q", name), detail)
		return "", false
	case s.ImageLookup.MostRecent && matches[0].Created != "" && matches[0].Created != matches[1].Created:
		return matches[0].ID, true
	}
	cands := make([]string, len(matches))
	for i, m := range matches {
		cands[i] = m.ID
		if m.Created != "" {
			cands[i] += " (created " + m.Created + ")"
		}
	}
	why := "most_recent: false requires exactly one"
	if s.ImageLookup.MostRecent {
		why = "none of them is the newest"
	}
	b.fieldError(s, "image", fmt.Sprintf("%d images are named %q", len(matches), name),
		fmt.Sprintf("Candidates: %s; %s. Name the image by its id instead.", strings.Join(cands, ", "), why))
	return "", false
}
