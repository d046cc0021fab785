package ncloudsim

import (
	"slices"
	"time"
)

// Access control groups: each VPC has a preset default one (catalog.go);
// createAccessControlGroup adds more, which deleteAccessControlGroup
// removes while no NIC uses them (ncp.md §2.3). Rules are not modelled.

// userACG is an ACG made by createAccessControlGroup.
type userACG struct {
	No          string    `json:"no"`
	Region      string    `json:"region"`
	VPC         string    `json:"vpc"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

// findACG finds a preset or made ACG of the call's region.
func (s *Sim) findACG(c *call, no string) *acg {
	if a := c.region.acg(no); a != nil {
		return a
	}
	if u := s.d.ACGs[no]; u != nil && u.Region == c.region.Code {
		return &acg{No: u.No, VPC: u.VPC, Name: u.Name}
	}
	return nil
}

type acgJSON struct {
	AccessControlGroupNo          string `json:"accessControlGroupNo"`
	AccessControlGroupName        string `json:"accessControlGroupName"`
	IsDefault                     bool   `json:"isDefault"`
	VpcNo                         string `json:"vpcNo"`
	AccessControlGroupStatus      code   `json:"accessControlGroupStatus"`
	AccessControlGroupDescription string `json:"accessControlGroupDescription"`
}

// allACGs lists the region's ACGs, preset and made, in number order.
func (s *Sim) allACGs(c *call) []acgJSON {
	var out []acgJSON
	for _, a := range c.region.ACGs {
		out = append(out, acgJSON{a.No, a.Name, a.Default, a.VPC, stRun, "default ACG of vpc " + a.VPC})
	}
	for _, u := range s.d.ACGs {
		if u.Region == c.region.Code {
			out = append(out, acgJSON{u.No, u.Name, false, u.VPC, stRun, u.Description})
		}
	}
	slices.SortFunc(out, func(a, b acgJSON) int { return idCompare(a.AccessControlGroupNo, b.AccessControlGroupNo) })
	return out
}

func (s *Sim) acgs(c *call, byNo string) (result, error) {
	nos, err := c.numbers("accessControlGroupNoList", byNo)
	if err != nil {
		return result{}, err
	}
	vpcNo, name, status := c.p.str("vpcNo"), c.p.str("accessControlGroupName"), c.p.str("accessControlGroupStatusCode")
	out := []acgJSON{}
	for _, a := range s.allACGs(c) {
		if (len(nos) > 0 && !slices.Contains(nos, a.AccessControlGroupNo)) || (vpcNo != "" && a.VpcNo != vpcNo) ||
			(name != "" && a.AccessControlGroupName != name) || (status != "" && status != "RUN") {
			continue
		}
		out = append(out, a)
	}
	return listOf(c, "accessControlGroupList", out)
}

func getAccessControlGroupList(s *Sim, c *call) (result, error) { return s.acgs(c, "") }

func getAccessControlGroupDetail(s *Sim, c *call) (result, error) {
	return detail(c, "accessControlGroupNo", s.acgs)
}

// createAccessControlGroup makes an ACG in RUN at once: with no rules there
// is nothing to set up. Names are unique within a VPC.
func createAccessControlGroup(s *Sim, c *call) (result, error) {
	vpcNo := c.p.str("vpcNo")
	if vpcNo == "" {
		return result{}, invalidParam("vpcNo", "is required")
	}
	if c.region.vpc(vpcNo) == nil {
		return result{}, invalidParam("vpcNo", "vpc %s not found in region %s", vpcNo, c.region.Code)
	}
	name, desc := c.p.str("accessControlGroupName"), c.p.str("accessControlGroupDescription")
	if name != "" {
		if err := validName("accessControlGroupName", name); err != nil {
			return result{}, err
		}
	}
	if len(desc) > 1000 {
		return result{}, invalidParam("accessControlGroupDescription", "must be at most 1000 bytes")
	}
	u := &userACG{No: s.d.nextID(), Region: c.region.Code, VPC: vpcNo, Name: name, Description: desc, Created: c.now}
	if u.Name == "" {
		u.Name = "acg-" + u.No
	}
	for _, a := range s.allACGs(c) {
		if a.VpcNo == vpcNo && a.AccessControlGroupName == u.Name {
			return result{}, invalidParam("accessControlGroupName", "%q is already used in vpc %s", u.Name, vpcNo)
		}
	}
	s.d.ACGs[u.No] = u
	out := []acgJSON{{u.No, u.Name, false, u.VPC, stRun, u.Description}}
	return result{fields: object{{"totalRows", 1}, {"accessControlGroupList", out}}, mutated: true}, nil
}

// deleteAccessControlGroup removes a made ACG that no NIC uses; a VPC's
// default ACG cannot be deleted.
func deleteAccessControlGroup(s *Sim, c *call) (result, error) {
	vpcNo, no := c.p.str("vpcNo"), c.p.str("accessControlGroupNo")
	if vpcNo == "" {
		return result{}, invalidParam("vpcNo", "is required")
	}
	if no == "" {
		return result{}, invalidParam("accessControlGroupNo", "is required")
	}
	a := s.findACG(c, no)
	if a == nil || a.VPC != vpcNo {
		return result{}, invalidParam("accessControlGroupNo", "access control group %s not found in vpc %s", no, vpcNo)
	}
	if a.Default {
		return result{}, wrongState("access control group %s is the default of vpc %s and cannot be deleted", no, vpcNo)
	}
	for _, r := range get(s.idx.nics, c.region.Code).items {
		if slices.Contains(r.nic().ACGs, no) {
			return result{}, wrongState("access control group %s is used by network interface %s", no, r.key())
		}
	}
	u := s.d.ACGs[no]
	delete(s.d.ACGs, no)
	out := []acgJSON{{u.No, u.Name, false, u.VPC, code{"TERMT", "terminated"}, u.Description}}
	return result{fields: object{{"totalRows", 1}, {"accessControlGroupList", out}}, mutated: true}, nil
}
