package nhncloud

import (
	"context"
	"sort"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"

	"github.com/fleet-iac/fleet/providers"
)

// catalogNetworks lists the tenant's networks (NHN's VPCs) by name, in one
// Neutron list (GET /v2.0/networks), for a fleet that names its VPC.
// Security groups need no list: NHN servers take their names already.
func (p *Provider) catalogNetworks(ctx context.Context) ([]providers.NamedInfo, error) {
	if p.network == nil {
		return nil, nil
	}
	page, err := networks.List(p.network, networks.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, apiError("GET /v2.0/networks", "", err)
	}
	list, err := networks.ExtractNetworks(page)
	if err != nil {
		return nil, apiError("GET /v2.0/networks", "", err)
	}
	out := make([]providers.NamedInfo, 0, len(list))
	for _, n := range list {
		out = append(out, providers.NamedInfo{ID: n.ID, Name: n.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
