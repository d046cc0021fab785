package ncloud

import (
	"cmp"
	"context"
	"slices"

	"github.com/fleet-iac/fleet/providers"
)

// vpcRow is a getVpcList row (VPC API, ncp.md): vpcNo and vpcName.
type vpcRow struct {
	VpcNo   string `json:"vpcNo"`
	VpcName string `json:"vpcName"`
}

type vpcRowList struct {
	TotalRows int      `json:"totalRows"`
	VpcList   []vpcRow `json:"vpcList"`
}

// acgRow is a getAccessControlGroupList row (Server API, ncp.md):
// accessControlGroupName is unique within its VPC.
type acgRow struct {
	AccessControlGroupNo   string `json:"accessControlGroupNo"`
	AccessControlGroupName string `json:"accessControlGroupName"`
	VpcNo                  string `json:"vpcNo"`
}

type acgRowList struct {
	TotalRows              int      `json:"totalRows"`
	AccessControlGroupList []acgRow `json:"accessControlGroupList"`
}

// catalogNames adds the region's VPCs and ACGs by name to the catalog, one
// paged list each, for a fleet that names them (network: {vpc: prod-vpc,
// security_groups: [web-acg]}); the subnets' names came with getSubnetList.
func (c *client) catalogNames(ctx context.Context, cat *providers.Catalog) error {
	vpcs, err := listAll(ctx, c, "getVpcList", filters(nil), func(l *vpcRowList) ([]vpcRow, int) {
		return l.VpcList, l.TotalRows
	})
	if err != nil {
		return err
	}
	acgs, err := listAll(ctx, c, "getAccessControlGroupList", filters(nil), func(l *acgRowList) ([]acgRow, int) {
		return l.AccessControlGroupList, l.TotalRows
	})
	if err != nil {
		return err
	}
	for _, v := range vpcs {
		cat.Networks = append(cat.Networks, providers.NamedInfo{ID: v.VpcNo, Name: v.VpcName})
	}
	for _, g := range acgs {
		cat.SecurityGroups = append(cat.SecurityGroups, providers.NamedInfo{ID: g.AccessControlGroupNo, Name: g.AccessControlGroupName, Network: g.VpcNo})
	}
	byID := func(a, b providers.NamedInfo) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(cat.Networks, byID)
	slices.SortFunc(cat.SecurityGroups, byID)
	return nil
}
