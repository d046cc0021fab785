package nhnsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Floating IPs and ports: the part of NHN's Network API (Neutron v2.0)
// that gives a server a public address. Facts from NHN's Network API v2
// guide (docs.nhncloud.com/en/Network/VPC/en/public-api, "Floating IP" and
// "Port") and Neutron's API reference (docs.openstack.org/api-ref/network
// v2, layer3 floatingips, ports):
//
//   - POST /v2.0/floatingips {"floatingip": {"floating_network_id", "port_id"?,
//     "description"?}} → 201; floating_network_id must be an external network
//     (router:external), else 400 (or 404 for an unknown id).
//   - PUT /v2.0/floatingips/{id} {"floatingip": {"port_id": id | null}}
//     associates or disassociates → 200; a port that already has a floating
//     IP is 409 FloatingIPPortAlreadyAssociated.
//   - DELETE /v2.0/floatingips/{id} → 204, even while associated (Neutron
//     disassociates it); unknown → 404 FloatingIPNotFound.
//   - status is ACTIVE while associated, DOWN otherwise; deleting the server
//     deletes its ports, which leaves their floating IPs allocated and
//     disassociated (they are billed until released).
//   - GET /v2.0/ports?device_id=SERVER lists a server's ports; list filters
//     are exact matches on the query string.

// floatingIP is one allocated public address.
type floatingIP struct {
	ID          string    `json:"id"`
	Address     string    `json:"address"`
	NetworkID   string    `json:"network_id"` // the external network it came from
	PortID      string    `json:"port_id,omitempty"`
	ServerID    string    `json:"server_id,omitempty"` // the port's device, while associated
	FixedIP     string    `json:"fixed_ip,omitempty"`
	Description string    `json:"description"`
	Revision    int       `json:"revision"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// externalNetwork is the network floating IPs come from: NHN calls it
// "Public Network".
var externalNetwork = struct{ ID, Name string }{fixedID("network/Public Network"), "Public Network"}

func (c *call) externalNetworkView() map[string]any {
	return map[string]any{"id": externalNetwork.ID, "name": externalNetwork.Name, "status": "ACTIVE",
		"subnets": []string{}, "admin_state_up": true, "shared": false, "tenant_id": c.s.opts.TenantID,
		"project_id": c.s.opts.TenantID, "router:external": true, "mtu": 1500}
}

// portID is the id of a server's n-th port: stable, like the rest.
func portID(serverID string, n int) string {
	return uuidFrom(fmt.Sprintf("nhnsim/port/%s/%d", serverID, n))
}

// ports lists every port of every live server.
func (c *call) allPorts() []map[string]any {
	var out []map[string]any
	for _, v := range c.s.d.Servers {
		for i, n := range v.NICs {
			out = append(out, c.portView(v, i, n))
		}
	}
	return out
}

func (c *call) portView(v *server, i int, n nic) map[string]any {
	netID, subnetID := "", ""
	for _, p := range vpcs {
		if p.Name == n.Network {
			netID, subnetID = p.ID, p.SubnetID
		}
	}
	groups := make([]string, len(v.SecGroups))
	for k, g := range v.SecGroups {
		groups[k] = securityGroupID(g)
	}
	return map[string]any{"id": portID(v.ID, i), "name": "", "network_id": netID, "device_id": v.ID,
		"device_owner": "compute:" + v.AZ, "mac_address": n.MAC, "status": "ACTIVE", "admin_state_up": true,
		"fixed_ips":       []map[string]any{{"subnet_id": subnetID, "ip_address": n.Addr}},
		"security_groups": groups, "tenant_id": c.s.opts.TenantID, "project_id": c.s.opts.TenantID}
}

func (c *call) floatingIPView(f *floatingIP) map[string]any {
	var port, fixed any
	status := "DOWN"
	if f.PortID != "" {
		port, fixed, status = f.PortID, f.FixedIP, "ACTIVE"
	}
	return map[string]any{"id": f.ID, "floating_ip_address": f.Address, "floating_network_id": f.NetworkID,
		"router_id": nil, "port_id": port, "fixed_ip_address": fixed, "status": status,
		"description": f.Description, "tenant_id": c.s.opts.TenantID, "project_id": c.s.opts.TenantID,
		"revision_number": f.Revision, "tags": []string{},
		"created_at": f.Created.UTC().Format(time.RFC3339), "updated_at": f.Updated.UTC().Format(time.RFC3339)}
}

func (c *call) allFloatingIPs() []map[string]any {
	out := make([]map[string]any, len(c.s.d.FloatingIPs))
	for i, f := range c.s.d.FloatingIPs {
		out[i] = c.floatingIPView(f)
	}
	return out
}

func (c *call) floatingIP(id string) *floatingIP {
	for _, f := range c.s.d.FloatingIPs {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// findPort returns the server and NIC index of a port id.
func (c *call) findPort(id string) (*server, int) {
	for _, v := range c.s.d.Servers {
		for i := range v.NICs {
			if portID(v.ID, i) == id {
				return v, i
			}
		}
	}
	return nil, -1
}

func (c *call) neutronError(code int, typ, msg string) {
	writeJSON(c.w, code, map[string]any{"NeutronError": map[string]any{"type": typ, "message": msg, "detail": ""}})
}

func listPorts(c *call)       { c.neutronList("ports", c.allPorts()) }
func getPort(c *call)         { c.neutronGet("port", "Port", c.allPorts()) }
func listFloatingIPs(c *call) { c.neutronList("floatingips", c.allFloatingIPs()) }
func getFloatingIP(c *call)   { c.neutronGet("floatingip", "FloatingIP", c.allFloatingIPs()) }

// floatingIPBody is the body of a create or update; PortID stays raw so
// that an update can tell "port_id": null (disassociate) from no port_id.
type floatingIPBody struct {
	FloatingIP *struct {
		NetworkID   string          `json:"floating_network_id"`
		PortID      json.RawMessage `json:"port_id"`
		Description *string         `json:"description"`
	} `json:"floatingip"`
}

// port reads port_id: given is false when the body has none; id is ""
// for null.
func (b *floatingIPBody) port() (id string, given, ok bool) {
	raw := b.FloatingIP.PortID
	if raw == nil {
		return "", false, true
	}
	if string(raw) == "null" {
		return "", true, true
	}
	return id, true, json.Unmarshal(raw, &id) == nil
}

func createFloatingIP(c *call) {
	var b floatingIPBody
	if !c.decode(&b) {
		return
	}
	if b.FloatingIP == nil {
		c.neutronError(http.StatusBadRequest, "HTTPBadRequest", "Resource body required")
		return
	}
	req := b.FloatingIP
	switch req.NetworkID {
	case externalNetwork.ID:
	case "":
		c.neutronError(http.StatusBadRequest, "HTTPBadRequest", "Failed to parse request. Required attribute 'floating_network_id' not specified")
		return
	default:
		for _, n := range vpcs {
			if n.ID == req.NetworkID {
				c.neutronError(http.StatusBadRequest, "BadRequest", "Bad floatingip request: Network "+n.ID+" is not a valid external network.")
				return
			}
		}
		c.neutronError(http.StatusNotFound, "ExternalGatewayForFloatingIPNotFound", "Network "+req.NetworkID+" could not be found.")
		return
	}
	desc := ""
	if req.Description != nil {
		desc = *req.Description
	}
	f := c.s.newFloatingIP(desc, c.now)
	port, given, ok := b.port()
	if !ok {
		c.neutronError(http.StatusBadRequest, "HTTPBadRequest", "Invalid input for port_id.")
		return
	}
	if given && port != "" && !c.associate(f, port) {
		return
	}
	c.s.d.FloatingIPs = append(c.s.d.FloatingIPs, f)
	c.s.markDirty()
	c.s.record("floatingip", f.ID, f.Address, "DOWN", c.now)
	writeJSON(c.w, http.StatusCreated, map[string]any{"floatingip": c.floatingIPView(f)})
}

// newFloatingIP makes an address on the external network; the caller
// keeps it once nothing can refuse it any more.
func (s *Sim) newFloatingIP(desc string, at time.Time) *floatingIP {
	s.d.FIPSeq++
	seq := s.d.FIPSeq
	return &floatingIP{ID: s.d.nextID("floatingip"), NetworkID: externalNetwork.ID, Description: desc,
		Address: fmt.Sprintf("133.186.%d.%d", 128+seq/250%100, 1+seq%250), Revision: 1, Created: at, Updated: at}
}

// associate points f at a port, answering the error itself when it cannot.
func (c *call) associate(f *floatingIP, port string) bool {
	v, i := c.findPort(port)
	if v == nil {
		c.neutronError(http.StatusNotFound, "PortNotFound", "Port "+port+" could not be found.")
		return false
	}
	for _, o := range c.s.d.FloatingIPs {
		if o != f && o.PortID == port {
			c.neutronError(http.StatusConflict, "FloatingIPPortAlreadyAssociated",
				fmt.Sprintf("Cannot associate floating IP %s (%s) with port %s using fixed IP %s, as that fixed IP already has a floating IP on external network %s.",
					f.Address, f.ID, port, v.NICs[i].Addr, o.NetworkID))
			return false
		}
	}
	f.PortID, f.ServerID, f.FixedIP = port, v.ID, v.NICs[i].Addr
	return true
}

func updateFloatingIP(c *call) {
	f := c.floatingIP(c.id(1))
	if f == nil {
		c.neutronError(http.StatusNotFound, "FloatingIPNotFound", "Floating IP "+c.id(1)+" could not be found")
		return
	}
	var b floatingIPBody
	if !c.decode(&b) {
		return
	}
	if b.FloatingIP == nil {
		c.neutronError(http.StatusBadRequest, "HTTPBadRequest", "Resource body required")
		return
	}
	req := b.FloatingIP
	port, given, ok := b.port()
	switch {
	case !ok:
		c.neutronError(http.StatusBadRequest, "HTTPBadRequest", "Invalid input for port_id.")
		return
	case given && port == "":
		f.PortID, f.ServerID, f.FixedIP = "", "", ""
	case given && !c.associate(f, port):
		return
	}
	if req.Description != nil {
		f.Description = *req.Description
	}
	f.Revision++
	f.Updated = c.now
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"floatingip": c.floatingIPView(f)})
}

func deleteFloatingIP(c *call) {
	id := c.id(1)
	for i, f := range c.s.d.FloatingIPs {
		if f.ID == id {
			c.s.d.FloatingIPs = append(c.s.d.FloatingIPs[:i], c.s.d.FloatingIPs[i+1:]...)
			c.s.markDirty()
			c.s.record("floatingip", f.ID, f.Address, "DELETED", c.now)
			noContent(c.w, http.StatusNoContent)
			return
		}
	}
	c.neutronError(http.StatusNotFound, "FloatingIPNotFound", "Floating IP "+id+" could not be found")
}

// releasePorts is what deleting a server does to its floating IPs: its
// ports go, the addresses stay allocated and disassociated.
func (s *Sim) releasePorts(serverID string, at time.Time) {
	for _, f := range s.d.FloatingIPs {
		if f.ServerID == serverID {
			f.PortID, f.ServerID, f.FixedIP = "", "", ""
			f.Revision++
			f.Updated = at
		}
	}
}

// floatingOf returns the floating address associated with a server's
// port, "" for none.
func (s *Sim) floatingOf(serverID string, n int) string {
	port := portID(serverID, n)
	for _, f := range s.d.FloatingIPs {
		if f.PortID == port {
			return f.Address
		}
	}
	return ""
}

// AllocateFloatingIP allocates an unassociated floating IP with a
// description, as a client that died before associating it leaves it,
// and returns its id. For tests.
func (s *Sim) AllocateFloatingIP(description string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.newFloatingIP(description, s.clock.Now().UTC())
	s.d.FloatingIPs = append(s.d.FloatingIPs, f)
	s.markDirty()
	return f.ID
}

// FloatingIPCount is how many floating IPs are allocated, associated or not.
func (s *Sim) FloatingIPCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d.FloatingIPs)
}
