package nhncloud

import (
	"context"
	"net/netip"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/fleet-iac/fleet/providers"
)

// fillSubnets sets the subnet of servers that have none, from their private
// IP and the tenant's subnets (one Neutron list call): Nova reports a
// server's addresses by network name, not the subnet a fleet file declares.
// Discovery needs it to write network.subnet; refreshes skip the call.
func (p *Provider) fillSubnets(ctx context.Context, srvs []providers.Server) error {
	if p.network == nil || len(srvs) == 0 {
		return nil
	}
	pages, err := subnets.List(p.network, subnets.ListOpts{}).AllPages(ctx)
	if err != nil {
		return apiError("GET /v2.0/subnets", "", err)
	}
	list, err := subnets.ExtractSubnets(pages)
	if err != nil {
		return apiError("GET /v2.0/subnets", "", err)
	}
	for i := range srvs {
		ip, err := netip.ParseAddr(srvs[i].IP)
		if srvs[i].Subnet != "" || err != nil {
			continue
		}
		for _, sn := range list {
			if pfx, err := netip.ParsePrefix(sn.CIDR); err == nil && pfx.Contains(ip) {
				srvs[i].Subnet = sn.ID
				break
			}
		}
	}
	return nil
}
