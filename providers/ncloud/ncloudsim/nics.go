package ncloudsim

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strconv"
)

// Network interfaces come with servers and go with them. The VPC server
// object has no private IP; clients read it here (ncp.md §2.1), so every
// NIC gets one from its subnet.

// reservedLow is how many addresses at the start of a subnet NCP keeps
// (network, gateway and service addresses); the last one is the broadcast.
const reservedLow = 6

// span returns a subnet's first address and its size.
func (sn *subnet) span() (netip.Addr, uint32) {
	p := netip.MustParsePrefix(sn.CIDR)
	return p.Addr(), uint32(1) << (32 - p.Bits())
}

func (sn *subnet) capacity() int {
	_, size := sn.span()
	return int(size) - reservedLow - 1
}

func addrAt(base netip.Addr, off uint32) string {
	b := base.As4()
	v := binary.BigEndian.Uint32(b[:]) + off
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b).String()
}

// usableIP reports whether ip is an address of the subnet a NIC may take.
func (sn *subnet) usableIP(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() || !netip.MustParsePrefix(sn.CIDR).Contains(a) {
		return false
	}
	base, size := sn.span()
	ab, bb := a.As4(), base.As4()
	off := binary.BigEndian.Uint32(ab[:]) - binary.BigEndian.Uint32(bb[:])
	return off >= reservedLow && off < size-1
}

// nicRef points at one NIC of a server, or at a free NIC (srv nil), for
// the NIC indexes.
type nicRef struct {
	srv  *server
	i    int
	free *nic
}

func (r *nicRef) key() string { return r.nic().No }

func (r *nicRef) nic() *nic {
	if r.srv == nil {
		return r.free
	}
	return &r.srv.NICs[r.i]
}

func (r *nicRef) region() string {
	if r.srv == nil {
		return r.free.Region
	}
	return r.srv.Region
}

func (r *nicRef) serverNo() string {
	if r.srv == nil {
		return ""
	}
	return r.srv.No
}

// allocateIP hands out the next free address of the subnet, round robin
// from a persisted cursor so addresses repeat run to run. checkCapacity has
// made sure there is one.
func (s *Sim) allocateIP(sn *subnet) string {
	base, size := sn.span()
	used := s.idx.ips[sn.No]
	off := max(s.d.IPNext[sn.No], reservedLow)
	for range size {
		if off >= size-1 {
			off = reservedLow
		}
		ip := addrAt(base, off)
		off++
		if !used[ip] {
			s.d.IPNext[sn.No] = off
			s.idx.useIP(sn.No, ip)
			return ip
		}
	}
	return ""
}

// checkCapacity refuses a create whose NICs would not all get an address.
func (s *Sim) checkCapacity(c *call, ns *newServer) error {
	need := map[string]int{}
	for _, n := range ns.nics {
		if n.IP == "" {
			need[n.Subnet] += len(ns.names)
		}
	}
	for _, no := range slices.Sorted(mapKeys(need)) {
		sn := c.region.subnet(no)
		if free := sn.capacity() - len(s.idx.ips[no]); free < need[no] {
			return wrongState("subnet %s has %d free IP addresses, the call needs %d", no, free, need[no])
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

type nicJSON struct {
	NetworkInterfaceNo          string   `json:"networkInterfaceNo"`
	NetworkInterfaceName        string   `json:"networkInterfaceName"`
	SubnetNo                    string   `json:"subnetNo"`
	DeleteOnTermination         bool     `json:"deleteOnTermination"`
	IsDefault                   bool     `json:"isDefault"`
	DeviceName                  string   `json:"deviceName,omitempty"`
	NetworkInterfaceStatus      code     `json:"networkInterfaceStatus"`
	InstanceType                *code    `json:"instanceType,omitempty"` // left out while attached to nothing
	InstanceNo                  string   `json:"instanceNo,omitempty"`
	IP                          string   `json:"ip"`
	MacAddress                  string   `json:"macAddress"`
	AccessControlGroupNoList    []string `json:"accessControlGroupNoList"`
	NetworkInterfaceDescription string   `json:"networkInterfaceDescription"`
	SecondaryIPList             []string `json:"secondaryIpList"`
}

var (
	nicUsed    = code{"USED", "used"}
	nicSet     = code{"SET", "set"}
	nicNotUsed = code{"NOTUSED", "notused"}
)

// nicView renders a NIC; it is "set" while its server is being created
// and "used" after (TF waits SET → USED); a free NIC is "notused" and
// names no instance (ncp.md §3.5).
func nicView(r *nicRef) nicJSON {
	n := r.nic()
	no, _ := strconv.ParseUint(n.No, 10, 64)
	name := n.Name
	if name == "" {
		name = "nic-" + n.No
	}
	j := nicJSON{NetworkInterfaceNo: n.No, NetworkInterfaceName: name, SubnetNo: n.Subnet,
		DeleteOnTermination: !n.Keep, NetworkInterfaceStatus: nicNotUsed, IP: n.IP,
		MacAddress:                  macAddress(no),
		AccessControlGroupNoList:    slices.Clone(n.ACGs),
		NetworkInterfaceDescription: n.Description, SecondaryIPList: []string{}}
	if r.srv != nil {
		j.IsDefault, j.DeviceName = n.Order == 0, "eth"+strconv.Itoa(n.Order)
		j.InstanceType, j.InstanceNo = &code{"VSVR", "Server"}, r.srv.No
		j.NetworkInterfaceStatus = nicUsed
		if r.srv.Status == "INIT" {
			j.NetworkInterfaceStatus = nicSet
		}
	}
	return j
}

// macAddress is F2:20 and the NIC number's low four bytes, in upper-case hex.
func macAddress(no uint64) string {
	const hex = "0123456789ABCDEF"
	b := []byte("F2:20:00:00:00:00")
	for i := range 4 {
		x := byte(no >> (24 - 8*i))
		b[6+3*i], b[7+3*i] = hex[x>>4], hex[x&0xf]
	}
	return string(b)
}

func nicList(list []*nicRef, total int) result {
	views := make([]nicJSON, len(list))
	for i, r := range list {
		views[i] = nicView(r)
	}
	return result{fields: object{{"totalRows", total}, {"networkInterfaceList", views}}}
}

func getNetworkInterfaceList(s *Sim, c *call) (result, error) {
	p := c.p
	offset, size, err := p.paging()
	if err != nil {
		return result{}, err
	}
	nos, err := p.list("networkInterfaceNoList")
	if err != nil {
		return result{}, err
	}
	// instanceNo is the documented filter (SDK GetNetworkInterfaceListRequest);
	// the list form is not a parameter of this operation.
	var servers []string
	if no := p.str("instanceNo"); no != "" {
		servers = []string{no}
	}
	isDefault, err := p.boolean("isDefault", false)
	if err != nil {
		return result{}, err
	}
	wantDefault := p.has("isDefault")
	ip, dev, name, srvName, status := p.str("ip"), p.str("deviceName"), p.str("networkInterfaceName"), p.str("serverName"), p.str("networkInterfaceStatusCode")
	subnetName := p.str("subnetName")
	var refs []*nicRef
	switch {
	case len(nos) > 0 || len(servers) > 0:
		// Look the few ids up instead of scanning the region.
		seen := map[string]bool{}
		add := func(r *nicRef) {
			if r != nil && r.region() == c.region.Code && !seen[r.key()] {
				seen[r.key()] = true
				refs = append(refs, r)
			}
		}
		for _, no := range nos {
			add(s.idx.nicByNo[no])
		}
		for _, no := range servers {
			if v := s.server(c, no); v != nil {
				for i := range v.NICs {
					add(s.idx.nicByNo[v.NICs[i].No])
				}
			}
		}
		if len(nos) > 0 && len(servers) > 0 {
			refs = slices.DeleteFunc(refs, func(r *nicRef) bool {
				return !slices.Contains(nos, r.key()) || !slices.Contains(servers, r.serverNo())
			})
		}
		slices.SortFunc(refs, func(a, b *nicRef) int { return idCompare(a.key(), b.key()) })
	default:
		refs = get(s.idx.nics, c.region.Code).items
	}
	var out []*nicRef
	total := 0
	// Filters on rendered fields compare the view, which is built only when
	// one of them is given: not for every NIC of the region on every page.
	byView := dev != "" || name != "" || status != "" || wantDefault
	for _, r := range refs {
		n := r.nic()
		if (ip != "" && n.IP != ip) || (srvName != "" && (r.srv == nil || r.srv.Name != srvName)) {
			continue
		}
		if byView {
			v := nicView(r)
			if (dev != "" && v.DeviceName != dev) || (name != "" && v.NetworkInterfaceName != name) ||
				(status != "" && v.NetworkInterfaceStatus.Code != status) || (wantDefault && v.IsDefault != isDefault) {
				continue
			}
		}
		if subnetName != "" {
			if sn := c.region.subnet(n.Subnet); sn == nil || sn.Name != subnetName {
				continue
			}
		}
		if total >= offset && (size == 0 || total < offset+size) {
			out = append(out, r)
		}
		total++
	}
	return nicList(out, total), nil
}

func getNetworkInterfaceDetail(s *Sim, c *call) (result, error) {
	no := c.p.str("networkInterfaceNo")
	if no == "" {
		return result{}, invalidParam("networkInterfaceNo", "is required")
	}
	if r := s.idx.nicByNo[no]; r != nil && r.region() == c.region.Code {
		return nicList([]*nicRef{r}, 1), nil
	}
	return nicList(nil, 0), nil
}
