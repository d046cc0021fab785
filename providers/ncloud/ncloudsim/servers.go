package ncloudsim

import (
	"regexp"
	"slices"
	"strings"
)

// nameRE is the server, image and storage name rule TF validates against
// (ncp.md §2.1): 3–30 characters, lowercase letters, digits and '-'.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)

func validName(field, name string) error {
	if len(name) < 3 || len(name) > 30 || !nameRE.MatchString(name) {
		return invalidParam(field, "must be 3-30 lowercase letters, digits and '-', starting with a letter, got %q", name)
	}
	return nil
}

// server finds a server of the call's region; a server of another region is
// not found (ncp.md §6, bug #576).
func (s *Sim) server(c *call, no string) *server {
	v := s.d.Servers[no]
	if v == nil || v.Region != c.region.Code {
		return nil
	}
	return v
}

func (s *Sim) mustServer(c *call, field string) (*server, error) {
	no := c.p.str(field)
	if no == "" {
		return nil, invalidParam(field, "is required")
	}
	v := s.server(c, no)
	if v == nil {
		return nil, invalidParam(field, "server instance %s not found in region %s", no, c.region.Code)
	}
	return v, nil
}

func (s *Sim) serverList(c *call, list []*server, total int) result {
	views := make([]serverJSON, len(list))
	for i, v := range list {
		views[i] = s.serverView(v, c.now, false)
	}
	return result{fields: object{{"totalRows", total}, {"serverInstanceList", views}}}
}

// serverFilter is getServerInstanceList's filters; the zero value matches all.
type serverFilter struct {
	vpc, status, name, ip, diskDetail string
	placement, hypervisors            []string
}

func (f serverFilter) empty() bool {
	return f.vpc == "" && f.status == "" && f.name == "" && f.ip == "" && f.diskDetail == "" &&
		len(f.placement) == 0 && len(f.hypervisors) == 0
}

func (f serverFilter) match(v *server) bool {
	switch {
	case f.vpc != "" && v.VPC != f.vpc,
		f.status != "" && v.Status != f.status,
		f.name != "" && v.Name != f.name,
		len(f.placement) > 0 && !slices.Contains(f.placement, v.PlacementGroup):
		return false
	}
	if f.diskDetail != "" || len(f.hypervisors) > 0 {
		sp := specByCode(v.Spec)
		if (f.diskDetail != "" && sp.DiskDetail != f.diskDetail) ||
			(len(f.hypervisors) > 0 && !slices.Contains(f.hypervisors, sp.Hypervisor)) {
			return false
		}
	}
	if f.ip != "" {
		if v.PublicIP == f.ip {
			return true
		}
		return slices.ContainsFunc(v.NICs, func(n nic) bool { return n.IP == f.ip })
	}
	return true
}

// getServerInstanceList pages through the region's servers. Without filters
// a page is a slice of an index kept in order, so 100,000 servers page as
// fast as ten; filters scan once per call.
func getServerInstanceList(s *Sim, c *call) (result, error) {
	p := c.p
	offset, size, err := p.paging()
	if err != nil {
		return result{}, err
	}
	var f serverFilter
	f.vpc, f.status, f.name, f.ip = p.str("vpcNo"), p.str("serverInstanceStatusCode"), p.str("serverName"), p.str("ip")
	f.diskDetail = p.str("baseBlockStorageDiskDetailTypeCode")
	if f.placement, err = p.list("placementGroupNoList"); err != nil {
		return result{}, err
	}
	if f.hypervisors, err = p.list("hypervisorTypeCodeList"); err != nil {
		return result{}, err
	}
	desc := false
	switch o := strings.ToUpper(p.str("sortingOrder")); o {
	case "", "ASC":
	case "DESC":
		desc = true
	default:
		return result{}, invalidParam("sortingOrder", "must be ASC or DESC, got %q", o)
	}
	byName := false
	switch by := p.str("sortedBy"); strings.ToLower(by) {
	case "", "serverinstanceno":
	case "servername":
		byName = true
	default:
		return result{}, invalidParam("sortedBy", "must be serverName or serverInstanceNo, got %q", by)
	}
	only, err := p.list("serverInstanceNoList")
	if err != nil {
		return result{}, err
	}
	var list []*server
	switch {
	case len(only) > 0:
		// Look the few ids up instead of scanning the region.
		seen := map[string]bool{}
		for _, id := range only {
			if v := s.server(c, id); v != nil && !seen[id] {
				seen[id] = true
				list = append(list, v)
			}
		}
		slices.SortFunc(list, func(a, b *server) int {
			if byName && a.Name != b.Name {
				return strings.Compare(a.Name, b.Name)
			}
			return idCompare(a.No, b.No)
		})
	case byName:
		list = s.idx.serversByName(c.region.Code)
	default:
		list = get(s.idx.servers, c.region.Code).items
	}
	at := func(i int) *server {
		if desc {
			i = len(list) - 1 - i
		}
		return list[i]
	}
	var out []*server
	total := 0
	if f.empty() {
		total = len(list)
		lo, hi := page(total, offset, size)
		for i := lo; i < hi; i++ {
			out = append(out, at(i))
		}
	} else {
		for i := range list {
			v := at(i)
			if !f.match(v) {
				continue
			}
			if total >= offset && (size == 0 || total < offset+size) {
				out = append(out, v)
			}
			total++
		}
	}
	return s.serverList(c, out, total), nil
}

// getServerInstanceDetail answers 200 with an empty list for an unknown id:
// that is how a terminated server looks (ncp.md §3.2).
func getServerInstanceDetail(s *Sim, c *call) (result, error) {
	no := c.p.str("serverInstanceNo")
	if no == "" {
		return result{}, invalidParam("serverInstanceNo", "is required")
	}
	if v := s.server(c, no); v != nil {
		return s.serverList(c, []*server{v}, 1), nil
	}
	return s.serverList(c, nil, 0), nil
}

// act applies one action to every server of serverInstanceNoList. Every
// server is checked first, so a refused call changes nothing.
func (s *Sim) act(c *call, check func(*server) error, apply func(*server)) (result, error) {
	ids, err := c.p.list("serverInstanceNoList")
	if err != nil {
		return result{}, err
	}
	if len(ids) == 0 {
		return result{}, invalidParam("serverInstanceNoList", "is required")
	}
	list := make([]*server, 0, len(ids))
	for _, id := range ids {
		v := s.server(c, id)
		if v == nil {
			return result{}, invalidParam("serverInstanceNoList", "server instance %s not found in region %s", id, c.region.Code)
		}
		if v.op(c.now) != "NULL" {
			return result{}, inProgress()
		}
		if err := check(v); err != nil {
			return result{}, err
		}
		list = append(list, v)
	}
	for _, v := range list {
		apply(v)
	}
	res := s.serverList(c, list, len(list))
	res.mutated = true
	return res, nil
}

func wantStatus(v *server, status, action string) error {
	if v.Status != status {
		return wrongState("server instance %s is %s; %s needs %s", v.No, v.Status, action, status)
	}
	return nil
}

func startServerInstances(s *Sim, c *call) (result, error) {
	return s.act(c, func(v *server) error { return wantStatus(v, "NSTOP", "start") },
		func(v *server) { s.setServer(v, c.now, "NSTOP", "START", s.dur(fStart)) })
}

func stopServerInstances(s *Sim, c *call) (result, error) {
	return s.act(c, func(v *server) error { return wantStatus(v, "RUN", "stop") },
		func(v *server) { s.setServer(v, c.now, "RUN", "SHTDN", s.dur(fStop)) })
}

func rebootServerInstances(s *Sim, c *call) (result, error) {
	return s.act(c, func(v *server) error { return wantStatus(v, "RUN", "reboot") },
		func(v *server) { s.setServer(v, c.now, "RUN", "RESTA", s.dur(fReboot)) })
}

// terminateServerInstances needs a stopped (or failed) server, no
// termination protection and no additional storage attached (10501).
func terminateServerInstances(s *Sim, c *call) (result, error) {
	return s.act(c, func(v *server) error {
		if v.Status != "FSTOP" {
			if err := wantStatus(v, "NSTOP", "terminate"); err != nil {
				return err
			}
		}
		if v.Protect {
			return wrongState("server instance %s is protected from termination", v.No)
		}
		for _, vol := range s.idx.volumesOf(v.No) {
			if vol.Type == "SVRBS" {
				return hasStorage()
			}
		}
		return nil
	}, func(v *server) { s.setServer(v, c.now, "NSTOP", "TERMT", s.dur(fTerminate)) })
}

// changeServerInstanceSpec takes exactly one of serverSpecCode and
// serverProductCode, on a stopped server, within its product type, disk
// type and generation (ncp.md §3.2 preconditions).
func changeServerInstanceSpec(s *Sim, c *call) (result, error) {
	v, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	sc, pc := c.p.str("serverSpecCode"), c.p.str("serverProductCode")
	if (sc == "") == (pc == "") {
		return result{}, invalidParam("serverSpecCode", "give exactly one of serverSpecCode and serverProductCode")
	}
	to := specByCode(sc)
	if pc != "" {
		to = specByProduct(pc)
	}
	if to == nil {
		return result{}, noProduct()
	}
	if v.op(c.now) != "NULL" {
		return result{}, inProgress()
	}
	if err := wantStatus(v, "NSTOP", "changeServerInstanceSpec"); err != nil {
		return result{}, err
	}
	from := specByCode(v.Spec)
	switch {
	case to.Code == from.Code:
		return result{}, wrongState("server instance %s already has spec %s", v.No, to.Code)
	case to.Type != from.Type:
		return result{}, wrongState("cannot change product type %s to %s", from.Type, to.Type)
	case to.DiskDetail != from.DiskDetail || to.DiskGB != from.DiskGB:
		return result{}, wrongState("cannot change disk type %s to %s", from.DiskDetail, to.DiskDetail)
	case to.Generation != from.Generation:
		return result{}, wrongState("cannot change generation %s to %s", from.Generation, to.Generation)
	}
	v.PendingSpec = to.Code
	s.setServer(v, c.now, "NSTOP", "CHNG", s.dur(fChange))
	res := s.serverList(c, []*server{v}, 1)
	res.mutated = true
	return res, nil
}

func setProtectServerTermination(s *Sim, c *call) (result, error) {
	v, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	if !c.p.has("isProtectServerTermination") {
		return result{}, invalidParam("isProtectServerTermination", "is required")
	}
	on, err := c.p.boolean("isProtectServerTermination", false)
	if err != nil {
		return result{}, err
	}
	v.Protect = on
	res := s.serverList(c, []*server{v}, 1)
	res.mutated = true
	return res, nil
}

func changeServerInstanceName(s *Sim, c *call) (result, error) {
	v, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	name := c.p.str("serverName")
	if err := validName("serverName", name); err != nil {
		return result{}, err
	}
	v.Name = name
	s.idx.nameDirty[v.Region] = true
	res := s.serverList(c, []*server{v}, 1)
	res.mutated = true
	return res, nil
}
