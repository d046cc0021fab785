package ncloud

import (
	"cmp"
	"context"
	"slices"

	"github.com/fleet-iac/fleet/providers"
)

// vpcSubnet is a getSubnetList row (VPC API, ncp.md): subnet is the CIDR.
type vpcSubnet struct {
	SubnetNo string `json:"subnetNo"`
	VpcNo    string `json:"vpcNo"`
	Subnet   string `json:"subnet"`
	Name     string `json:"subnetName"`
}

type vpcSubnetList struct {
	TotalRows  int         `json:"totalRows"`
	SubnetList []vpcSubnet `json:"subnetList"`
}

// catalogSubnets lists the region's subnets with their CIDRs, in one paged
// list of the VPC API, for the planner's fixed-IP check.
func (c *client) catalogSubnets(ctx context.Context) ([]providers.SubnetInfo, error) {
	list, err := listAll(ctx, c, "getSubnetList", filters(nil), func(l *vpcSubnetList) ([]vpcSubnet, int) {
		return l.SubnetList, l.TotalRows
	})
	if err != nil {
		return nil, err
	}
	out := make([]providers.SubnetInfo, 0, len(list))
	for _, sn := range list {
		out = append(out, providers.SubnetInfo{ID: sn.SubnetNo, Network: sn.VpcNo, CIDR: sn.Subnet, Name: sn.Name})
	}
	slices.SortFunc(out, func(a, b providers.SubnetInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
