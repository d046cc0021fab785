package ncloudsim

import (
	"fmt"
	"slices"
)

// The VPC API's reads around a server's network (/vpc/v2/): VPCs and
// subnets, and each VPC's default network ACL and its two default route
// tables (one for public, one for private subnets), which every NCP VPC is
// created with and terraform-provider-ncloud's ncloud_vpc reads
// (getNetworkAclList, getRouteTableList). They are preset and read-only.

// numbers reads the numbers a list call filters on: those of the list
// parameter, or the one number a detail call names.
func (c *call) numbers(listParam, byNo string) ([]string, error) {
	if byNo != "" {
		return []string{byNo}, nil
	}
	return c.p.list(listParam)
}

// detail answers a get*Detail call with its list call's answer for the one
// number it names: the list's shape, empty when the number is unknown
// (ncp.md §4.2); the number itself is required.
func detail(c *call, param string, list func(*call, string) (result, error)) (result, error) {
	no := c.p.str(param)
	if no == "" {
		return result{}, invalidParam(param, "is required")
	}
	return list(c, no)
}

// networkACLNo and routeTableNo derive the preset objects' numbers from
// their VPC's, so they stay fixed run to run.
func networkACLNo(vpcNo string) string { return "1" + vpcNo }

func routeTableNo(vpcNo, subnetType string) string {
	if subnetType == "PUBLIC" {
		return "3" + vpcNo
	}
	return "4" + vpcNo
}

type vpcJSON struct {
	VpcNo         string `json:"vpcNo"`
	VpcName       string `json:"vpcName"`
	Ipv4CidrBlock string `json:"ipv4CidrBlock"`
	VpcStatus     code   `json:"vpcStatus"`
	RegionCode    string `json:"regionCode"`
	CreateDate    string `json:"createDate"`
}

func vpcs(c *call, byNo string) (result, error) {
	nos, err := c.numbers("vpcNoList", byNo)
	if err != nil {
		return result{}, err
	}
	name, status := c.p.str("vpcName"), c.p.str("vpcStatusCode")
	out := []vpcJSON{}
	for _, v := range c.region.VPCs {
		if (len(nos) > 0 && !slices.Contains(nos, v.No)) || (name != "" && v.Name != name) || (status != "" && status != "RUN") {
			continue
		}
		out = append(out, vpcJSON{v.No, v.Name, v.CIDR, stRun, c.region.Code, catalogDate})
	}
	return listOf(c, "vpcList", out)
}

func getVpcList(s *Sim, c *call) (result, error) { return vpcs(c, "") }

func getVpcDetail(s *Sim, c *call) (result, error) { return detail(c, "vpcNo", vpcs) }

type subnetJSON struct {
	SubnetNo     string `json:"subnetNo"`
	VpcNo        string `json:"vpcNo"`
	ZoneCode     string `json:"zoneCode"`
	SubnetName   string `json:"subnetName"`
	Subnet       string `json:"subnet"`
	SubnetStatus code   `json:"subnetStatus"`
	CreateDate   string `json:"createDate"`
	SubnetType   code   `json:"subnetType"`
	UsageType    code   `json:"usageType"`
	NetworkACLNo string `json:"networkAclNo"`
}

var subnetTypes = map[string]code{"PUBLIC": {"PUBLIC", "Public"}, "PRIVATE": {"PRIVATE", "Private"}}

func subnetView(c *call, sn *subnet) subnetJSON {
	return subnetJSON{SubnetNo: sn.No, VpcNo: sn.VPC, ZoneCode: sn.Zone, SubnetName: sn.Name,
		Subnet: sn.CIDR, SubnetStatus: stRun, CreateDate: catalogDate, SubnetType: subnetTypes[sn.Type],
		UsageType: code{"GEN", "General"}, NetworkACLNo: networkACLNo(sn.VPC)}
}

func subnets(c *call, byNo string) (result, error) {
	nos, err := c.numbers("subnetNoList", byNo)
	if err != nil {
		return result{}, err
	}
	vpcNo, name, zoneCode, typ := c.p.str("vpcNo"), c.p.str("subnetName"), c.p.str("zoneCode"), c.p.str("subnetTypeCode")
	acl, usage := c.p.str("networkAclNo"), c.p.str("usageTypeCode")
	out := []subnetJSON{}
	for i := range c.region.Subnets {
		sn := &c.region.Subnets[i]
		if (len(nos) > 0 && !slices.Contains(nos, sn.No)) || (vpcNo != "" && sn.VPC != vpcNo) ||
			(name != "" && sn.Name != name) || (zoneCode != "" && sn.Zone != zoneCode) || (typ != "" && sn.Type != typ) ||
			(acl != "" && acl != networkACLNo(sn.VPC)) || (usage != "" && usage != "GEN") {
			continue
		}
		out = append(out, subnetView(c, sn))
	}
	return listOf(c, "subnetList", out)
}

func getSubnetList(s *Sim, c *call) (result, error) { return subnets(c, "") }

func getSubnetDetail(s *Sim, c *call) (result, error) { return detail(c, "subnetNo", subnets) }

type networkACLJSON struct {
	NetworkACLNo          string `json:"networkAclNo"`
	NetworkACLName        string `json:"networkAclName"`
	VpcNo                 string `json:"vpcNo"`
	NetworkACLStatus      code   `json:"networkAclStatus"`
	NetworkACLDescription string `json:"networkAclDescription"`
	CreateDate            string `json:"createDate"`
	IsDefault             bool   `json:"isDefault"`
}

func networkACLs(c *call, byNo string) (result, error) {
	nos, err := c.numbers("networkAclNoList", byNo)
	if err != nil {
		return result{}, err
	}
	vpcNo, name, status := c.p.str("vpcNo"), c.p.str("networkAclName"), c.p.str("networkAclStatusCode")
	out := []networkACLJSON{}
	for _, v := range c.region.VPCs {
		a := networkACLJSON{networkACLNo(v.No), v.Name + "-default-network-acl", v.No, stRun,
			"default network ACL of vpc " + v.No, catalogDate, true}
		if (len(nos) > 0 && !slices.Contains(nos, a.NetworkACLNo)) || (vpcNo != "" && v.No != vpcNo) ||
			(name != "" && a.NetworkACLName != name) || (status != "" && status != "RUN") {
			continue
		}
		out = append(out, a)
	}
	return listOf(c, "networkAclList", out)
}

func getNetworkAclList(s *Sim, c *call) (result, error) { return networkACLs(c, "") }

func getNetworkAclDetail(s *Sim, c *call) (result, error) {
	return detail(c, "networkAclNo", networkACLs)
}

// getNetworkAclRuleList answers an empty list: the default network ACL's
// rules are not modelled.
func getNetworkAclRuleList(s *Sim, c *call) (result, error) {
	no := c.p.str("networkAclNo")
	if no == "" {
		return result{}, invalidParam("networkAclNo", "is required")
	}
	if !slices.ContainsFunc(c.region.VPCs, func(v vpc) bool { return networkACLNo(v.No) == no }) {
		return result{}, invalidParam("networkAclNo", "network ACL %s not found in region %s", no, c.region.Code)
	}
	return listOf(c, "networkAclRuleList", []struct{}{})
}

type routeTableJSON struct {
	RouteTableNo          string `json:"routeTableNo"`
	RouteTableName        string `json:"routeTableName"`
	RegionCode            string `json:"regionCode"`
	VpcNo                 string `json:"vpcNo"`
	SupportedSubnetType   code   `json:"supportedSubnetType"`
	IsDefault             bool   `json:"isDefault"`
	RouteTableStatus      code   `json:"routeTableStatus"`
	RouteTableDescription string `json:"routeTableDescription"`
}

// allRouteTables lists each VPC's two default route tables.
func allRouteTables(c *call) []routeTableJSON {
	var out []routeTableJSON
	for _, v := range c.region.VPCs {
		for _, t := range []string{"PUBLIC", "PRIVATE"} {
			out = append(out, routeTableJSON{routeTableNo(v.No, t),
				fmt.Sprintf("%s-default-%s-table", v.Name, map[string]string{"PUBLIC": "public", "PRIVATE": "private"}[t]),
				c.region.Code, v.No, subnetTypes[t], true, stRun, "default route table of vpc " + v.No})
		}
	}
	return out
}

func routeTables(c *call, byNo string) (result, error) {
	nos, err := c.numbers("routeTableNoList", byNo)
	if err != nil {
		return result{}, err
	}
	vpcNo, name, typ := c.p.str("vpcNo"), c.p.str("routeTableName"), c.p.str("supportedSubnetTypeCode")
	out := []routeTableJSON{}
	for _, t := range allRouteTables(c) {
		if (len(nos) > 0 && !slices.Contains(nos, t.RouteTableNo)) || (vpcNo != "" && t.VpcNo != vpcNo) ||
			(name != "" && t.RouteTableName != name) || (typ != "" && t.SupportedSubnetType.Code != typ) {
			continue
		}
		out = append(out, t)
	}
	return listOf(c, "routeTableList", out)
}

func getRouteTableList(s *Sim, c *call) (result, error) { return routeTables(c, "") }

func getRouteTableDetail(s *Sim, c *call) (result, error) {
	return detail(c, "routeTableNo", routeTables)
}

// routeTableOf finds a route table of the call's region by number.
func routeTableOf(c *call) (*routeTableJSON, error) {
	no := c.p.str("routeTableNo")
	if no == "" {
		return nil, invalidParam("routeTableNo", "is required")
	}
	for _, t := range allRouteTables(c) {
		if t.RouteTableNo == no {
			return &t, nil
		}
	}
	return nil, invalidParam("routeTableNo", "route table %s not found in region %s", no, c.region.Code)
}

type routeJSON struct {
	DestinationCidrBlock string `json:"destinationCidrBlock"`
	TargetName           string `json:"targetName"`
	RouteTableNo         string `json:"routeTableNo"`
	TargetType           code   `json:"targetType"`
	TargetNo             string `json:"targetNo,omitempty"`
	IsDefault            bool   `json:"isDefault"`
}

// getRouteList answers a default table's one route: the VPC's own range,
// local. It takes the table's VPC too (vpcNo is required, SDK
// GetRouteListRequest), which must be the table's.
func getRouteList(s *Sim, c *call) (result, error) {
	vpcNo := c.p.str("vpcNo")
	if vpcNo == "" {
		return result{}, invalidParam("vpcNo", "is required")
	}
	t, err := routeTableOf(c)
	if err != nil {
		return result{}, err
	}
	if t.VpcNo != vpcNo {
		return result{}, invalidParam("routeTableNo", "route table %s is not in vpc %s", t.RouteTableNo, vpcNo)
	}
	v := c.region.vpc(t.VpcNo)
	return listOf(c, "routeList", []routeJSON{{v.CIDR, "LOCAL", t.RouteTableNo, code{"LOCAL", "LOCAL"}, "", true}})
}

// getRouteTableSubnetList answers the subnets a default table serves: the
// VPC's subnets of its type.
func getRouteTableSubnetList(s *Sim, c *call) (result, error) {
	t, err := routeTableOf(c)
	if err != nil {
		return result{}, err
	}
	out := []subnetJSON{}
	for i := range c.region.Subnets {
		if sn := &c.region.Subnets[i]; sn.VPC == t.VpcNo && sn.Type == t.SupportedSubnetType.Code {
			out = append(out, subnetView(c, sn))
		}
	}
	return listOf(c, "subnetList", out)
}
