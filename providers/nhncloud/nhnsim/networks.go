package nhnsim

import (
	"net/http"
	"net/url"
	"strconv"
)

// The Neutron reads: enough for clients that look up the network, subnet
// and security group a server names (gophercloud, Terraform's provider),
// with Neutron's exact-match filters on the query string.

func (c *call) vpcView(n vpc) map[string]any {
	return map[string]any{"id": n.ID, "name": n.Name, "status": "ACTIVE", "subnets": []string{n.SubnetID},
		"admin_state_up": true, "shared": false, "tenant_id": c.s.opts.TenantID, "project_id": c.s.opts.TenantID,
		"router:external": false, "mtu": 1450}
}

func (c *call) subnetView(n vpc) map[string]any {
	return map[string]any{"id": n.SubnetID, "name": n.SubnetName, "network_id": n.ID, "cidr": n.CIDR,
		"ip_version": 4, "enable_dhcp": true, "tenant_id": c.s.opts.TenantID, "project_id": c.s.opts.TenantID}
}

func (c *call) groupView(name string) map[string]any {
	return map[string]any{"id": securityGroupID(name), "name": name, "description": name,
		"security_group_rules": []any{}, "tenant_id": c.s.opts.TenantID, "project_id": c.s.opts.TenantID}
}

// matches applies Neutron's filters: every query key that the object has
// must equal the object's value (booleans as true/false, null as ""); other
// keys (fields, limit, ...) are ignored.
func matches(q url.Values, obj map[string]any) bool {
	for k, vs := range q {
		o, has := obj[k]
		if !has || len(vs) == 0 {
			continue
		}
		var v string
		switch t := o.(type) {
		case string:
			v = t
		case bool:
			v = strconv.FormatBool(t)
		case nil:
		default:
			continue
		}
		if vs[0] != v {
			return false
		}
	}
	return true
}

func (c *call) neutronList(key string, all []map[string]any) {
	q := c.r.URL.Query()
	out := []map[string]any{}
	for _, o := range all {
		if matches(q, o) {
			out = append(out, o)
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{key: out})
}

func (c *call) neutronGet(key, what string, all []map[string]any) {
	id := c.id(1)
	for _, o := range all {
		if o["id"] == id {
			writeJSON(c.w, http.StatusOK, map[string]any{key: o})
			return
		}
	}
	writeJSON(c.w, http.StatusNotFound, map[string]any{"NeutronError": map[string]any{
		"type": what + "NotFound", "message": what + " " + id + " could not be found.", "detail": ""}})
}

func (c *call) allNetworks() []map[string]any {
	out := make([]map[string]any, len(vpcs), len(vpcs)+1)
	for i, n := range vpcs {
		out[i] = c.vpcView(n)
	}
	return append(out, c.externalNetworkView())
}

func (c *call) allSubnets() []map[string]any {
	out := make([]map[string]any, len(vpcs))
	for i, n := range vpcs {
		out[i] = c.subnetView(n)
	}
	return out
}

func (c *call) allGroups() []map[string]any {
	out := make([]map[string]any, len(securityGroups))
	for i, g := range securityGroups {
		out[i] = c.groupView(g)
	}
	return out
}

func listNetworks(c *call)       { c.neutronList("networks", c.allNetworks()) }
func getNetwork(c *call)         { c.neutronGet("network", "Network", c.allNetworks()) }
func listSubnets(c *call)        { c.neutronList("subnets", c.allSubnets()) }
func getSubnet(c *call)          { c.neutronGet("subnet", "Subnet", c.allSubnets()) }
func listSecurityGroups(c *call) { c.neutronList("security_groups", c.allGroups()) }
func getSecurityGroup(c *call)   { c.neutronGet("security_group", "SecurityGroup", c.allGroups()) }
