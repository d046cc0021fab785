package ncloudsim

import (
	"slices"
	"time"
)

// The network interface operations of the Server (VPC) API: a NIC made on
// its own (createNetworkInterface) is NOTUSED until attached
// (attachNetworkInterface, or createServerInstances naming it in
// networkInterfaceList.N.networkInterfaceNo), goes back to NOTUSED when
// detached or when its server is terminated, and is deleted only while
// free. A server has at most three NICs, and its default one (eth0) cannot
// be detached (NCP API and CLI references, attachNetworkInterface and
// detachNetworkInterface).

// freeNIC keeps a NIC that left its server.
func (s *Sim) freeNIC(n nic) {
	f := n
	f.Order = 0
	s.d.FreeNICs[f.No] = &f
	s.idx.addNIC(&nicRef{free: &f}, f.Region)
}

// takeFreeNIC removes a free NIC from the pool, keeping its address, for a
// server that takes it.
func (s *Sim) takeFreeNIC(n *nic) {
	delete(s.d.FreeNICs, n.No)
	s.idx.removeFreeNIC(n)
	if n.IP != "" {
		s.idx.useIP(n.Subnet, n.IP)
	}
}

// mustFreeNIC finds a NIC of the call's region that no server uses.
func (s *Sim) mustFreeNIC(c *call, param, no string) (*nic, error) {
	r := s.idx.nicByNo[no]
	if r == nil || r.region() != c.region.Code {
		return nil, invalidParam(param, "network interface %s not found in region %s", no, c.region.Code)
	}
	if r.srv != nil {
		return nil, wrongState("network interface %s is used by server instance %s", no, r.srv.No)
	}
	return r.free, nil
}

// aclsOf reads a NIC's access control groups: 1-3 of the VPC's.
func (s *Sim) aclsOf(c *call, p params, prefix, vpcNo string) ([]string, error) {
	nos, err := p.list(prefix)
	if err != nil {
		return nil, err
	}
	if len(nos) == 0 || len(nos) > maxACGsPerNIC {
		return nil, invalidParam(prefix, "needs 1-%d access control groups", maxACGsPerNIC)
	}
	for _, no := range nos {
		if a := s.findACG(c, no); a == nil || a.VPC != vpcNo {
			return nil, invalidParam(prefix, "access control group %s not found in vpc %s", no, vpcNo)
		}
	}
	return nos, nil
}

func createNetworkInterface(s *Sim, c *call) (result, error) {
	p := c.p
	vpcNo, subNo := p.str("vpcNo"), p.str("subnetNo")
	if vpcNo == "" {
		return result{}, invalidParam("vpcNo", "is required")
	}
	if subNo == "" {
		return result{}, invalidParam("subnetNo", "is required")
	}
	sub := c.region.subnet(subNo)
	if c.region.vpc(vpcNo) == nil || sub == nil || sub.VPC != vpcNo {
		return result{}, invalidParam("subnetNo", "subnet %s not found in vpc %s", subNo, vpcNo)
	}
	acgs, err := s.aclsOf(c, p, "accessControlGroupNoList", vpcNo)
	if err != nil {
		return result{}, err
	}
	name := p.str("networkInterfaceName")
	if name != "" {
		if err := validName("networkInterfaceName", name); err != nil {
			return result{}, err
		}
	}
	desc := p.str("networkInterfaceDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("networkInterfaceDescription", "must be at most 1000 bytes")
	}
	var srv *server
	if no := p.str("serverInstanceNo"); no != "" {
		if srv, err = s.mustServer(c, "serverInstanceNo"); err != nil {
			return result{}, err
		}
		if err := attachable(srv, sub, c.now); err != nil {
			return result{}, err
		}
	}
	ip := p.str("ip")
	if ip != "" {
		if !sub.usableIP(ip) {
			return result{}, invalidParam("ip", "%s is not a usable address of subnet %s (%s)", ip, sub.No, sub.CIDR)
		}
		if s.idx.ips[sub.No][ip] {
			return result{}, invalidParam("ip", "%s is already in use", ip)
		}
	} else if sub.capacity()-len(s.idx.ips[sub.No]) < 1 {
		return result{}, wrongState("subnet %s has no free IP address", sub.No)
	}
	n := nic{No: s.d.nextID(), Subnet: sub.No, ACGs: acgs, Name: name, Description: desc,
		Region: c.region.Code, Keep: true, Created: c.now}
	if n.Name == "" {
		n.Name = "nic-" + n.No
	}
	if ip != "" {
		n.IP = ip
		s.idx.useIP(sub.No, ip)
	} else {
		n.IP = s.allocateIP(sub)
	}
	s.freeNIC(n)
	if srv != nil {
		s.attach(srv, s.d.FreeNICs[n.No])
	}
	r := s.idx.nicByNo[n.No]
	res := nicList([]*nicRef{r}, 1)
	res.mutated = true
	return res, nil
}

// attachable checks that a server can take one more NIC of a subnet.
func attachable(srv *server, sub *subnet, now time.Time) error {
	if srv.op(now) != "NULL" {
		return inProgress()
	}
	if srv.Status != "RUN" && srv.Status != "NSTOP" {
		return wrongState("server instance %s is %s; a network interface needs a running or stopped server", srv.No, srv.Status)
	}
	if sub.VPC != srv.VPC {
		return invalidParam("subnetNo", "subnet %s is not in vpc %s of server instance %s", sub.No, srv.VPC, srv.No)
	}
	if len(srv.NICs) >= maxNICs {
		return wrongState("server instance %s already has %d network interfaces", srv.No, maxNICs)
	}
	return nil
}

// attach moves a free NIC to a server at the lowest free order.
func (s *Sim) attach(srv *server, n *nic) {
	s.takeFreeNIC(n)
	a := *n
	a.Order = 0
	for slices.ContainsFunc(srv.NICs, func(x nic) bool { return x.Order == a.Order }) {
		a.Order++
	}
	s.idx.removeServerNICs(srv)
	srv.NICs = append(srv.NICs, a)
	slices.SortFunc(srv.NICs, func(x, y nic) int { return x.Order - y.Order })
	s.idx.addServerNICs(srv)
}

// nicParams reads the three parameters attach and detach both require.
func (s *Sim) nicParams(c *call) (*server, string, *subnet, error) {
	srv, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return nil, "", nil, err
	}
	no, subNo := c.p.str("networkInterfaceNo"), c.p.str("subnetNo")
	if no == "" {
		return nil, "", nil, invalidParam("networkInterfaceNo", "is required")
	}
	if subNo == "" {
		return nil, "", nil, invalidParam("subnetNo", "is required")
	}
	sub := c.region.subnet(subNo)
	if sub == nil {
		return nil, "", nil, invalidParam("subnetNo", "subnet %s not found in region %s", subNo, c.region.Code)
	}
	return srv, no, sub, nil
}

func attachNetworkInterface(s *Sim, c *call) (result, error) {
	srv, no, sub, err := s.nicParams(c)
	if err != nil {
		return result{}, err
	}
	n, err := s.mustFreeNIC(c, "networkInterfaceNo", no)
	if err != nil {
		return result{}, err
	}
	if n.Subnet != sub.No {
		return result{}, invalidParam("subnetNo", "network interface %s is in subnet %s, not %s", no, n.Subnet, sub.No)
	}
	if err := attachable(srv, sub, c.now); err != nil {
		return result{}, err
	}
	s.attach(srv, n)
	// The answer shows the NIC being set up (the API's example: SET, eth1);
	// later reads show it used.
	view := nicView(s.idx.nicByNo[no])
	view.NetworkInterfaceStatus = nicSet
	return result{fields: object{{"totalRows", 1}, {"networkInterfaceList", []nicJSON{view}}}, mutated: true}, nil
}

func detachNetworkInterface(s *Sim, c *call) (result, error) {
	srv, no, sub, err := s.nicParams(c)
	if err != nil {
		return result{}, err
	}
	i := slices.IndexFunc(srv.NICs, func(n nic) bool { return n.No == no })
	if i < 0 {
		return result{}, invalidParam("networkInterfaceNo", "network interface %s is not attached to server instance %s", no, srv.No)
	}
	n := srv.NICs[i]
	if n.Subnet != sub.No {
		return result{}, invalidParam("subnetNo", "network interface %s is in subnet %s, not %s", no, n.Subnet, sub.No)
	}
	if n.Order == 0 {
		return result{}, wrongState("network interface %s is the default interface of server instance %s and cannot be detached", no, srv.No)
	}
	if srv.op(c.now) != "NULL" {
		return result{}, inProgress()
	}
	s.idx.removeServerNICs(srv)
	srv.NICs = slices.Delete(srv.NICs, i, i+1)
	s.idx.addServerNICs(srv)
	if n.Region == "" {
		n.Region = srv.Region // a NIC made with its server
	}
	n.Keep = true
	s.freeNIC(n)
	return result{fields: object{{"totalRows", 1}, {"networkInterfaceList", []nicJSON{nicView(s.idx.nicByNo[no])}}}, mutated: true}, nil
}

func deleteNetworkInterface(s *Sim, c *call) (result, error) {
	no := c.p.str("networkInterfaceNo")
	if no == "" {
		return result{}, invalidParam("networkInterfaceNo", "is required")
	}
	n, err := s.mustFreeNIC(c, "networkInterfaceNo", no)
	if err != nil {
		return result{}, err
	}
	view := nicView(s.idx.nicByNo[no])
	view.NetworkInterfaceStatus = code{"TERMT", "terminating"}
	delete(s.d.FreeNICs, no)
	s.idx.removeFreeNIC(n)
	return result{fields: object{{"totalRows", 1}, {"networkInterfaceList", []nicJSON{view}}}, mutated: true}, nil
}
