package ncloudsim

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Public IP instances of the Server (VPC) API. Facts from the NCP API
// reference (api.ncloud-docs.com/docs/compute-vserver-publicip-*: create,
// getPublicIpInstanceList/Detail, associate, disassociate, delete), the
// SDK's PublicIpInstance model (ncloud-sdk-go-v2 services/vserver) and
// third-party clients:
//
//   - createPublicIpInstance(regionCode, serverInstanceNo?, publicIpDescription?)
//     allocates an address; with serverInstanceNo it is associated at once.
//   - an instance lists publicIpInstanceNo, publicIp, publicIpDescription,
//     createDate, publicIpInstanceStatus (RUN once allocated),
//     publicIpInstanceOperation (NULL when idle), publicIpInstanceStatusName,
//     serverInstanceNo, serverName, privateIp, lastModifyDate.
//   - associate/disassociate take publicIpInstanceNo and serverInstanceNo
//     and leave the operation busy for a moment [U: the code "SET" is not
//     documented]; a second call meanwhile is refused.
//   - deletePublicIpInstance refuses an associated address: clients
//     disassociate first (terraform-provider-ncloud's public IP delete,
//     cb-spider's TerminateVM).
//   - terminating a server does not release its public IP: the address
//     stays allocated and billed, disassociated (cb-spider PR #1811, "confirmed
//     via live test").
//   - a server holds one public IP; a server created with
//     associateWithPublicIp gets an instance without description.

// publicIP is one public IP instance.
type publicIP struct {
	No          string    `json:"no"`
	Region      string    `json:"region"`
	IP          string    `json:"ip"`
	Description string    `json:"description,omitempty"`
	Server      string    `json:"server,omitempty"` // associated server instance
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
	phase
}

const kindPublicIP = "publicip"

// fPublicIP is how long an associate or disassociate keeps the operation busy.
const fPublicIP = 0.05

// newPublicIP allocates an address in a region.
func (s *Sim) newPublicIP(region, desc string, at time.Time) *publicIP {
	s.d.IPSeq++
	p := &publicIP{No: s.d.nextID(), Region: region, Description: desc, Created: at, Modified: at,
		IP: fmt.Sprintf("211.188.%d.%d", 48+s.d.IPSeq/250%200, 1+s.d.IPSeq%250)}
	p.Status, p.Op = "RUN", "NULL"
	s.d.PublicIPs[p.No] = p
	s.record(at, kindPublicIP, p.No, p.IP, "RUN")
	return p
}

// bind records an association on both sides at once.
func (s *Sim) bind(p *publicIP, v *server) {
	p.Server = v.No
	v.PublicIPNo, v.PublicIP = p.No, p.IP
}

// unbind clears an association on both sides.
func (s *Sim) unbind(p *publicIP) {
	if v := s.d.Servers[p.Server]; v != nil && v.PublicIPNo == p.No {
		v.PublicIPNo, v.PublicIP = "", ""
	}
	p.Server = ""
}

// stepPublicIP ends an associate or disassociate.
func (s *Sim) stepPublicIP(p *publicIP, at time.Time) {
	s.set(&p.phase, kindPublicIP, p.No, p.IP, at, "RUN", "NULL", 0)
}

type publicIPJSON struct {
	PublicIPInstanceNo         string `json:"publicIpInstanceNo"`
	PublicIP                   string `json:"publicIp"`
	PublicIPDescription        string `json:"publicIpDescription"`
	CreateDate                 string `json:"createDate"`
	PublicIPInstanceStatusName string `json:"publicIpInstanceStatusName"`
	PublicIPInstanceStatus     code   `json:"publicIpInstanceStatus"`
	ServerInstanceNo           string `json:"serverInstanceNo"`
	ServerName                 string `json:"serverName"`
	PrivateIP                  string `json:"privateIp"`
	LastModifyDate             string `json:"lastModifyDate"`
	PublicIPInstanceOperation  code   `json:"publicIpInstanceOperation"`
}

func (s *Sim) publicIPView(p *publicIP) publicIPJSON {
	out := publicIPJSON{PublicIPInstanceNo: p.No, PublicIP: p.IP, PublicIPDescription: p.Description,
		CreateDate: ncpDate(p.Created), LastModifyDate: ncpDate(p.Modified),
		PublicIPInstanceStatus: code{p.Status, p.Status}, PublicIPInstanceOperation: code{p.Op, p.Op},
		PublicIPInstanceStatusName: "created"}
	if v := s.d.Servers[p.Server]; v != nil {
		out.ServerInstanceNo, out.ServerName, out.PublicIPInstanceStatusName = v.No, v.Name, "used"
		for _, n := range v.NICs {
			if n.Order == 0 {
				out.PrivateIP = n.IP
			}
		}
	}
	if p.Status == "TERMT" {
		out.PublicIPInstanceStatusName = "terminating"
	}
	return out
}

func (s *Sim) publicIPList(list []*publicIP, total int, mutated bool) result {
	views := make([]publicIPJSON, len(list))
	for i, p := range list {
		views[i] = s.publicIPView(p)
	}
	return result{fields: object{{"totalRows", total}, {"publicIpInstanceList", views}}, mutated: mutated}
}

// mustPublicIP finds the instance a parameter names in the call's region.
func (s *Sim) mustPublicIP(c *call) (*publicIP, error) {
	no := c.p.str("publicIpInstanceNo")
	if no == "" {
		return nil, invalidParam("publicIpInstanceNo", "is required")
	}
	p := s.d.PublicIPs[no]
	if p == nil || p.Region != c.region.Code {
		return nil, invalidParam("publicIpInstanceNo", "public IP instance %s not found in region %s", no, c.region.Code)
	}
	return p, nil
}

func getPublicIpInstanceList(s *Sim, c *call) (result, error) {
	offset, size, err := c.p.paging()
	if err != nil {
		return result{}, err
	}
	nos, err := c.p.list("publicIpInstanceNoList")
	if err != nil {
		return result{}, err
	}
	assoc, err := c.p.boolean("isAssociated", false)
	if err != nil {
		return result{}, err
	}
	wantAssoc := c.p.has("isAssociated")
	ip, srvName, privateIP := c.p.str("publicIp"), c.p.str("serverName"), c.p.str("privateIp")
	var all []*publicIP
	for _, p := range s.d.PublicIPs {
		if p.Region != c.region.Code || (len(nos) > 0 && !slices.Contains(nos, p.No)) ||
			(wantAssoc && (p.Server != "") != assoc) || (ip != "" && p.IP != ip) {
			continue
		}
		v := s.publicIPView(p)
		if (srvName != "" && v.ServerName != srvName) || (privateIP != "" && v.PrivateIP != privateIP) {
			continue
		}
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool { return idCompare(all[i].No, all[j].No) < 0 })
	lo, hi := page(len(all), offset, size)
	return s.publicIPList(all[lo:hi], len(all), false), nil
}

func getPublicIpInstanceDetail(s *Sim, c *call) (result, error) {
	p, err := s.mustPublicIP(c)
	if err != nil {
		return result{}, err
	}
	return s.publicIPList([]*publicIP{p}, 1, false), nil
}

func createPublicIpInstance(s *Sim, c *call) (result, error) {
	desc := c.p.str("publicIpDescription")
	if len(desc) > 10000 {
		return result{}, invalidParam("publicIpDescription", "must be at most 10000 bytes")
	}
	var v *server
	if c.p.str("serverInstanceNo") != "" {
		var err error
		if v, err = s.associable(c); err != nil {
			return result{}, err
		}
	}
	p := s.newPublicIP(c.region.Code, desc, c.now)
	if v != nil {
		s.bind(p, v)
	}
	return s.publicIPList([]*publicIP{p}, 1, true), nil
}

// associable finds the server a public IP may be associated with.
func (s *Sim) associable(c *call) (*server, error) {
	v, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return nil, err
	}
	if v.PublicIPNo != "" {
		return nil, wrongState("server instance %s already has public IP %s", v.No, v.PublicIP)
	}
	if v.Status != "RUN" && v.Status != "NSTOP" {
		return nil, wrongState("server instance %s is %s; a public IP needs a running or stopped server", v.No, v.Status)
	}
	return v, nil
}

func associatePublicIpWithServerInstance(s *Sim, c *call) (result, error) {
	p, err := s.mustPublicIP(c)
	if err != nil {
		return result{}, err
	}
	if p.Op != "NULL" {
		return result{}, wrongState("public IP instance %s is busy (%s)", p.No, p.Op)
	}
	if p.Server != "" {
		return result{}, wrongState("public IP instance %s is already associated with server instance %s", p.No, p.Server)
	}
	v, err := s.associable(c)
	if err != nil {
		return result{}, err
	}
	s.bind(p, v)
	p.Modified = c.now
	s.set(&p.phase, kindPublicIP, p.No, p.IP, c.now, "RUN", "SET", s.dur(fPublicIP))
	return s.publicIPList([]*publicIP{p}, 1, true), nil
}

func disassociatePublicIpFromServerInstance(s *Sim, c *call) (result, error) {
	p, err := s.mustPublicIP(c)
	if err != nil {
		return result{}, err
	}
	if p.Op != "NULL" {
		return result{}, wrongState("public IP instance %s is busy (%s)", p.No, p.Op)
	}
	if p.Server == "" {
		return result{}, wrongState("public IP instance %s is not associated with a server", p.No)
	}
	if no := c.p.str("serverInstanceNo"); no != "" && no != p.Server {
		return result{}, invalidParam("serverInstanceNo", "public IP instance %s is not associated with server instance %s", p.No, no)
	}
	s.unbind(p)
	p.Modified = c.now
	s.set(&p.phase, kindPublicIP, p.No, p.IP, c.now, "RUN", "SET", s.dur(fPublicIP))
	return s.publicIPList([]*publicIP{p}, 1, true), nil
}

func deletePublicIpInstance(s *Sim, c *call) (result, error) {
	p, err := s.mustPublicIP(c)
	if err != nil {
		return result{}, err
	}
	if p.Server != "" {
		return result{}, wrongState("public IP instance %s is associated with server instance %s; disassociate it first", p.No, p.Server)
	}
	if p.Op != "NULL" {
		return result{}, wrongState("public IP instance %s is busy (%s)", p.No, p.Op)
	}
	delete(s.d.PublicIPs, p.No)
	s.record(c.now, kindPublicIP, p.No, p.IP, "deleted")
	gone := *p
	gone.Status = "TERMT"
	return s.publicIPList([]*publicIP{&gone}, 1, true), nil
}

// AllocatePublicIP allocates an unassociated public IP with a description
// in the first region, as a client that died before associating it leaves
// it, and returns its number. For tests.
func (s *Sim) AllocatePublicIP(description string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.newPublicIP(regions[0].Code, description, s.clock.Now())
	_ = s.persist()
	return p.No
}

// PublicIPCount is how many public IPs are allocated, associated or not.
func (s *Sim) PublicIPCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d.PublicIPs)
}
