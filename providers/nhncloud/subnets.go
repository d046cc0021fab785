package nhncloud

import (
	"net/netip"

	"github.com/fleet-iac/fleet/providers"
)

// fillSubnets sets the subnet of servers that have none, from their private
// IP and the tenant's subnets (the inventory's one Neutron list): Nova
// reports a server's addresses by network name, not the subnet a fleet file
// declares. Discovery needs it to write network.subnet; refreshes skip it.
func fillSubnets(srvs []providers.Server, subnets []providers.SubnetInfo) {
	for i := range srvs {
		ip, err := netip.ParseAddr(srvs[i].IP)
		if srvs[i].Subnet != "" || err != nil {
			continue
		}
		for _, sn := range subnets {
			if pfx, err := netip.ParsePrefix(sn.CIDR); err == nil && pfx.Contains(ip) {
				srvs[i].Subnet = sn.ID
				break
			}
		}
	}
}
