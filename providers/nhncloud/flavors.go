package nhncloud

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// flavor is the part of a Nova flavor fleet uses.
type flavor struct {
	ID, Name         string
	VCPUs, RAM, Disk int
}

// loadFlavors lists flavors/detail into the cache.
func (p *Provider) loadFlavors(ctx context.Context) error {
	fs := []flavor{} // non-nil: loaded, even if empty
	err := flavors.ListDetail(p.compute, flavors.ListOpts{}).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		list, err := flavors.ExtractFlavors(page)
		if err != nil {
			return false, err
		}
		for _, f := range list {
			fs = append(fs, flavor{ID: f.ID, Name: f.Name, VCPUs: f.VCPUs, RAM: f.RAM, Disk: f.Disk})
		}
		return true, nil
	})
	if err != nil {
		return apiError("GET /flavors/detail", "", err)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	p.flavorMu.Lock()
	p.flavors = fs
	p.flavorMu.Unlock()
	return nil
}

// ensureFlavors fills the cache once.
func (p *Provider) ensureFlavors(ctx context.Context) error {
	p.flavorMu.Lock()
	cached := p.flavors != nil
	p.flavorMu.Unlock()
	if cached {
		return nil
	}
	return p.loadFlavors(ctx)
}

// flavorName maps a flavor id to its name from the cache; the id itself
// when it is not cached (a flavor retired after the server was made).
func (p *Provider) flavorName(id string) string {
	p.flavorMu.Lock()
	defer p.flavorMu.Unlock()
	for _, f := range p.flavors {
		if f.ID == id {
			return f.Name
		}
	}
	return id
}

// flavorID resolves a flavor name, listing flavors once if the cache does
// not know it. An unknown name is an error naming the closest flavors.
func (p *Provider) flavorID(ctx context.Context, name, address string) (string, error) {
	for attempt := 0; attempt < 2; attempt++ {
		p.flavorMu.Lock()
		fs := p.flavors
		p.flavorMu.Unlock()
		for _, f := range fs {
			if f.Name == name {
				return f.ID, nil
			}
		}
		if attempt == 0 {
			if err := p.loadFlavors(ctx); err != nil {
				return "", err
			}
		}
	}
	p.flavorMu.Lock()
	defer p.flavorMu.Unlock()
	return "", fmt.Errorf("%s: nhncloud: unknown flavor %q%s", address, name, suggest(name, p.flavors))
}

// suggest lists up to five flavor names close to name: same family first,
// then by edit distance.
func suggest(name string, fs []flavor) string {
	type cand struct {
		name string
		d    int
	}
	cs := make([]cand, 0, len(fs))
	for _, f := range fs {
		d := spec.EditDistance(name, f.Name)
		if family(f.Name) == family(name) {
			d -= 100
		}
		cs = append(cs, cand{f.Name, d})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	if len(cs) > 5 {
		cs = cs[:5]
	}
	if len(cs) == 0 {
		return ""
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.name
	}
	return " (close: " + strings.Join(names, ", ") + ")"
}

// catalogTypes converts the cached flavors.
func (p *Provider) catalogTypes() []providers.TypeInfo {
	p.flavorMu.Lock()
	defer p.flavorMu.Unlock()
	out := make([]providers.TypeInfo, 0, len(p.flavors))
	for _, f := range p.flavors {
		t := providers.TypeInfo{Name: f.Name, ID: f.ID, Family: family(f.Name), CPUs: f.VCPUs, MemoryMB: f.RAM}
		if t.Family == "u2" {
			t.DiskGB = f.Disk
		}
		out = append(out, t)
	}
	return out
}
