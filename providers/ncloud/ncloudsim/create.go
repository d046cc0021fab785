package ncloudsim

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Limits of createServerInstances. The count range and count+start ≤ 1000
// are the Classic documents' (ncp.md §2.1 notes the VPC limit is unknown).
const (
	maxCreateCount = 20
	maxCreateEnd   = 1000
	maxNICs        = 3
	maxACGsPerNIC  = 3
)

// newServer is one parsed createServerInstances request.
type newServer struct {
	image     *image
	member    *memberImage
	spec      *spec
	sub       *subnet
	nics      []nic
	mappings  []mapping
	baseGB    int64
	names     []string
	proto     server // fields shared by every server of the call
	volumeTyp string
}

// mapping is one blockStorageMappingList entry beyond the boot disk.
type mapping struct {
	order          int64
	name, snapshot string
	sizeGB         int64
	volumeType     string
	encrypted      bool
}

// createServerInstances creates serverCreateCount servers in INIT (ncp.md
// §2.1, seed 000). With a count above 1 the servers are named
// <serverName>-001, -002, ... starting at serverCreateStartNo, three digits.
func createServerInstances(s *Sim, c *call) (result, error) {
	ns, err := s.parseCreate(c)
	if err != nil {
		return result{}, err
	}
	if err := s.checkCapacity(c, ns); err != nil {
		return result{}, err
	}
	b := s.inj.Behaviour()
	created := make([]*server, 0, len(ns.names))
	failAfter := false
	for i := range ns.names {
		v := ns.proto
		v.No = s.d.nextID()
		v.Name = ns.names[i]
		if v.Name == "" {
			sum := sha256.Sum256([]byte(v.No))
			v.Name = fmt.Sprintf("s%x", sum[:6])[:12]
		}
		v.NICs = make([]nic, len(ns.nics))
		for _, n := range ns.nics {
			if n.IP != "" {
				s.idx.useIP(n.Subnet, n.IP) // before any address is handed out
			}
		}
		for j, n := range ns.nics {
			if n.No != "" {
				// An existing NIC named by networkInterfaceList.N.networkInterfaceNo
				// leaves the free pool and keeps its number and address.
				s.takeFreeNIC(s.d.FreeNICs[n.No])
			} else {
				n.No = s.d.nextID()
			}
			n.ACGs = append([]string(nil), n.ACGs...)
			if n.IP == "" {
				n.IP = s.allocateIP(c.region.subnet(n.Subnet))
			}
			v.NICs[j] = n
		}
		v.Partitions = append([]partition(nil), ns.proto.Partitions...)
		v.Created, v.Uptime = c.now, c.now
		failAfter = failAfter || simcore.Matches(b.CreateErrorAfter, v.Name)
		s.d.Servers[v.No] = &v
		s.idx.addServer(&v)
		s.setServer(&v, c.now, "INIT", "NULL", s.dur(fInit))
		s.addVolume(c, &volume{Zone: v.Zone, Server: v.No, Name: v.Name + "-basic", Type: "BASIC",
			SizeGB: ns.baseGB, DiskDetail: ns.spec.DiskDetail, VolumeType: ns.volumeTyp,
			Hypervisor: ns.spec.Hypervisor, Encrypted: v.Encrypted})
		for _, m := range ns.mappings {
			name := m.name
			if name == "" {
				name = fmt.Sprintf("%s-%d", v.Name, m.order)
			}
			vt := m.volumeType
			if vt == "" {
				vt = ns.volumeTyp
			}
			s.addVolume(c, &volume{Zone: v.Zone, Server: v.No, Name: name, Type: "SVRBS", SizeGB: m.sizeGB,
				DiskDetail: diskOf(vt), VolumeType: vt, Hypervisor: ns.spec.Hypervisor,
				Encrypted: m.encrypted, Snapshot: m.snapshot})
		}
		created = append(created, &v)
	}
	if failAfter {
		// The classic source of duplicates: the servers exist, the answer is an error.
		return result{mutated: true}, gwEndpoint.with("Endpoint is not available.")
	}
	views := make([]serverJSON, len(created))
	for i, v := range created {
		views[i] = s.serverView(v, c.now, true)
	}
	return result{fields: object{{"totalRows", len(views)}, {"serverInstanceList", views}}, mutated: true}, nil
}

// addVolume stores a new volume in INIT; one given a server attaches to it.
// An unnamed volume is called bs<number>.
func (s *Sim) addVolume(c *call, v *volume) {
	v.No = s.d.nextID()
	if v.Name == "" {
		v.Name = "bs" + v.No
	}
	v.Region = c.region.Code
	v.Created = c.now
	s.d.Volumes[v.No] = v
	s.idx.addVolume(v)
	s.setVolume(v, c.now, "INIT", "NULL", s.dur(fVolInit))
}

func diskOf(volumeType string) string {
	if volumeType == "HDD" {
		return "HDD"
	}
	return "SSD"
}

// parseCreate checks every parameter of seed 000 and ncp.md §2.1.
func (s *Sim) parseCreate(c *call) (*newServer, error) {
	p := c.p
	ns := &newServer{}
	if err := s.parseImageAndSpec(c, ns); err != nil {
		return nil, err
	}
	if err := s.parseNetwork(c, ns); err != nil {
		return nil, err
	}
	if err := parseNames(p, ns); err != nil {
		return nil, err
	}
	v := &ns.proto
	v.Region, v.Zone, v.VPC, v.Subnet = c.region.Code, ns.sub.Zone, ns.sub.VPC, ns.sub.No
	v.Spec = ns.spec.Code
	v.ImageNo, v.ImageProduct = ns.image.No, ns.image.Product
	if ns.member != nil {
		v.MemberImage = ns.member.No
		v.ImageProduct = ns.member.ImageProduct
	}
	v.Description = p.str("serverDescription")
	if len(v.Description) > 1000 {
		return nil, invalidParam("serverDescription", "must be at most 1000 bytes")
	}
	if k := p.str("loginKeyName"); k != "" {
		if s.d.Keys[k] == nil {
			return nil, invalidParam("loginKeyName", "login key %q not found", k)
		}
		v.LoginKey = k
	}
	var err error
	if v.Protect, err = p.boolean("isProtectServerTermination", false); err != nil {
		return nil, err
	}
	switch v.Fee = p.str("feeSystemTypeCode"); v.Fee {
	case "":
		v.Fee = "MTRAT"
	case "MTRAT", "FXSUM":
	default:
		return nil, invalidParam("feeSystemTypeCode", "must be MTRAT or FXSUM, got %q", v.Fee)
	}
	if v.InitScript = p.str("initScriptNo"); v.InitScript != "" {
		if _, err := strconv.ParseUint(v.InitScript, 10, 64); err != nil {
			return nil, invalidParam("initScriptNo", "must be a number, got %q", v.InitScript)
		}
	}
	v.PlacementGroup = p.str("placementGroupNo")
	if v.Encrypted, err = p.boolean("isEncryptedBaseBlockStorageVolume", false); err != nil {
		return nil, err
	}
	if v.WantPublicIP, err = p.boolean("associateWithPublicIp", false); err != nil {
		return nil, err
	}
	v.RAID, v.FabricPool = p.str("raidTypeName"), p.str("fabricClusterPoolNo")
	if v.GPUDriver, err = p.boolean("isPreInstallGpuDriver", false); err != nil {
		return nil, err
	}
	parts, err := p.indexed("blockDevicePartitionList")
	if err != nil {
		return nil, err
	}
	for _, g := range parts {
		if g.str("mountPoint") == "" {
			return nil, invalidParam("blockDevicePartitionList.N.mountPoint", "is required")
		}
		v.Partitions = append(v.Partitions, partition{MountPoint: g.str("mountPoint"), Size: g.str("partitionSize")})
	}
	return ns, s.parseMappings(c, ns)
}

// parseImageAndSpec takes exactly one image source and a spec that fits it.
func (s *Sim) parseImageAndSpec(c *call, ns *newServer) error {
	p := c.p
	ip, in, mn := p.str("serverImageProductCode"), p.str("serverImageNo"), p.str("memberServerImageInstanceNo")
	given := 0
	for _, x := range []string{ip, in, mn} {
		if x != "" {
			given++
		}
	}
	if given != 1 {
		return invalidParam("serverImageProductCode", "give exactly one of serverImageProductCode, serverImageNo and memberServerImageInstanceNo")
	}
	switch {
	case ip != "":
		ns.image = imageByProduct(ip)
	case in != "":
		ns.image = s.imageByNo(in)
	default:
		m := s.d.Images[mn]
		if m == nil || m.Region != c.region.Code {
			return invalidParam("memberServerImageInstanceNo", "member server image %s not found", mn)
		}
		if m.Status != "CREAT" || m.Op != "NULL" {
			return wrongState("member server image %s is not created yet", mn)
		}
		ns.member, ns.image = m, s.imageByNo(m.ImageNo)
	}
	if ns.image == nil {
		return noImage()
	}
	sc, pc := p.str("serverSpecCode"), p.str("serverProductCode")
	switch {
	case sc != "" && pc != "":
		ns.spec = specByCode(sc)
		if ns.spec != nil && ns.spec.Product != pc {
			return invalidParam("serverProductCode", "%s is not the product of spec %s", pc, sc)
		}
	case sc != "":
		ns.spec = specByCode(sc)
	case pc != "":
		ns.spec = specByProduct(pc)
	default:
		for i := range specs {
			if fits(&specs[i], ns.image.Hypervisor, ns.image.DiskGB) {
				ns.spec = &specs[i]
				break
			}
		}
	}
	if ns.spec == nil || !fits(ns.spec, ns.image.Hypervisor, ns.image.DiskGB) {
		return noProduct()
	}
	ns.baseGB = ns.spec.DiskGB
	if ns.baseGB == 0 {
		ns.baseGB = ns.image.DiskGB
	}
	if ns.member != nil && len(ns.member.Disks) > 0 {
		// A server made from a member image gets the image's boot disk
		// size (it may have been grown) and its added volumes (parseMappings).
		ns.baseGB = max(ns.baseGB, ns.member.Disks[0].SizeGB)
	}
	ns.volumeTyp = ns.spec.DiskDetail
	if ns.spec.Hypervisor == "KVM" {
		ns.volumeTyp = "CB1"
	}
	return nil
}

// parseNetwork checks vpcNo, subnetNo and networkInterfaceList. Without a
// NIC list the primary NIC gets the VPC's default ACG, as TF sends it.
func (s *Sim) parseNetwork(c *call, ns *newServer) error {
	p := c.p
	vpcNo, subNo := p.str("vpcNo"), p.str("subnetNo")
	if vpcNo == "" {
		return invalidParam("vpcNo", "is required")
	}
	if subNo == "" {
		return invalidParam("subnetNo", "is required")
	}
	if c.region.vpc(vpcNo) == nil {
		return invalidParam("vpcNo", "vpc %s not found in region %s", vpcNo, c.region.Code)
	}
	ns.sub = c.region.subnet(subNo)
	if ns.sub == nil || ns.sub.VPC != vpcNo {
		return invalidParam("subnetNo", "subnet %s not found in vpc %s", subNo, vpcNo)
	}
	groups, err := p.indexed("networkInterfaceList")
	if err != nil {
		return err
	}
	if len(groups) == 0 {
		for _, a := range c.region.ACGs {
			if a.VPC == vpcNo && a.Default {
				ns.nics = []nic{{Order: 0, Subnet: subNo, ACGs: []string{a.No}}}
			}
		}
		return nil
	}
	if len(groups) > maxNICs {
		return invalidParam("networkInterfaceList", "at most %d network interfaces", maxNICs)
	}
	seen := map[int64]bool{}
	fixed := map[string]bool{}
	for _, g := range groups {
		if g.str("networkInterfaceOrder") == "" {
			return invalidParam("networkInterfaceList.N.networkInterfaceOrder", "is required")
		}
		order, err := g.integer("networkInterfaceOrder", 0)
		if err != nil {
			return err
		}
		if order < 0 || order >= maxNICs || seen[order] {
			return invalidParam("networkInterfaceList.N.networkInterfaceOrder", "must be distinct values 0-%d, got %d", maxNICs-1, order)
		}
		seen[order] = true
		n := nic{Order: int(order), Subnet: g.str("subnetNo"), IP: g.str("ip")}
		var existing *nic
		if no := g.str("networkInterfaceNo"); no != "" {
			// An existing NIC (seed 000: networkInterfaceList.N.networkInterfaceNo)
			// brings its subnet, address and ACGs; a subnet or ACGs given with it
			// must fit, and one NIC fits one server only.
			if existing, err = s.mustFreeNIC(c, "networkInterfaceList.N.networkInterfaceNo", no); err != nil {
				return err
			}
			if fixed["nic "+no] {
				return invalidParam("networkInterfaceList.N.networkInterfaceNo", "%s is given twice", no)
			}
			fixed["nic "+no] = true
			if n.IP != "" && n.IP != existing.IP {
				return invalidParam("networkInterfaceList.N.ip", "network interface %s has address %s, not %s", no, existing.IP, n.IP)
			}
			if n.Subnet != "" && n.Subnet != existing.Subnet {
				return invalidParam("networkInterfaceList.N.subnetNo", "network interface %s is in subnet %s, not %s", no, existing.Subnet, n.Subnet)
			}
			if cnt := p.str("serverCreateCount"); cnt != "" && cnt != "1" {
				return invalidParam("networkInterfaceList.N.networkInterfaceNo", "an existing network interface needs serverCreateCount 1")
			}
			n = *existing
			n.Order = int(order)
		}
		if n.Subnet == "" {
			n.Subnet = subNo
		}
		sub := c.region.subnet(n.Subnet)
		if sub == nil || sub.VPC != vpcNo || (order == 0 && n.Subnet != subNo) {
			return invalidParam("networkInterfaceList.N.subnetNo", "subnet %s does not fit vpc %s", n.Subnet, vpcNo)
		}
		if existing != nil {
			if acgs, err := g.list("accessControlGroupNoList"); err != nil {
				return err
			} else if len(acgs) > 0 {
				if n.ACGs, err = s.aclsOf(c, g, "accessControlGroupNoList", vpcNo); err != nil {
					return err
				}
			}
			ns.nics = append(ns.nics, n)
			continue
		}
		if n.IP != "" {
			if err := s.checkIP(c, sub, n.IP); err != nil {
				return err
			}
			if fixed[n.IP] {
				return invalidParam("networkInterfaceList.N.ip", "%s is given twice", n.IP)
			}
			fixed[n.IP] = true
		}
		if n.ACGs, err = g.list("accessControlGroupNoList"); err != nil {
			return err
		}
		if len(n.ACGs) == 0 || len(n.ACGs) > maxACGsPerNIC {
			return invalidParam("networkInterfaceList.N.accessControlGroupNoList", "needs 1-%d access control groups", maxACGsPerNIC)
		}
		for _, no := range n.ACGs {
			if a := s.findACG(c, no); a == nil || a.VPC != vpcNo {
				return invalidParam("networkInterfaceList.N.accessControlGroupNoList", "access control group %s not found in vpc %s", no, vpcNo)
			}
		}
		ns.nics = append(ns.nics, n)
	}
	if !seen[0] {
		return invalidParam("networkInterfaceList.N.networkInterfaceOrder", "the primary interface (order 0) is required")
	}
	return nil
}

// checkIP accepts a fixed private IP inside the subnet, not reserved and not in use.
func (s *Sim) checkIP(c *call, sub *subnet, ip string) error {
	if !sub.usableIP(ip) {
		return invalidParam("networkInterfaceList.N.ip", "%s is not a usable address of subnet %s (%s)", ip, sub.No, sub.CIDR)
	}
	if c.p.str("serverCreateCount") != "" && c.p.str("serverCreateCount") != "1" {
		return invalidParam("networkInterfaceList.N.ip", "a fixed IP needs serverCreateCount 1")
	}
	if s.idx.ips[sub.No][ip] {
		return invalidParam("networkInterfaceList.N.ip", "%s is already in use", ip)
	}
	return nil
}

func parseNames(p params, ns *newServer) error {
	count, err := p.integer("serverCreateCount", 1)
	if err != nil {
		return err
	}
	start, err := p.integer("serverCreateStartNo", 1)
	if err != nil {
		return err
	}
	if count < 1 || count > maxCreateCount {
		return invalidParam("serverCreateCount", "must be 1-%d, got %d", maxCreateCount, count)
	}
	if start < 0 || start+count > maxCreateEnd {
		return invalidParam("serverCreateStartNo", "serverCreateStartNo + serverCreateCount must be at most %d", maxCreateEnd)
	}
	base := p.str("serverName")
	for i := int64(0); i < count; i++ {
		name := base
		if base != "" && count > 1 {
			name = fmt.Sprintf("%s-%03d", base, start+i)
		}
		if name != "" {
			if err := validName("serverName", name); err != nil {
				return err
			}
		}
		ns.names = append(ns.names, name)
	}
	return nil
}

// parseMappings reads blockStorageMappingList: order 0 is the boot disk
// (its size may grow it), higher orders add SVRBS volumes.
func (s *Sim) parseMappings(c *call, ns *newServer) error {
	groups, err := c.p.indexed("blockStorageMappingList")
	if err != nil {
		return err
	}
	if ns.member != nil && len(ns.member.Disks) > 1 {
		// The image's added volumes come first, at orders 1, 2, ...; a
		// mapping of the same order replaces one (noBlockStorage drops it).
		for i, d := range ns.member.Disks[1:] {
			ns.mappings = append(ns.mappings, mapping{order: int64(i + 1), sizeGB: d.SizeGB,
				volumeType: d.VolumeType, encrypted: d.Encrypted})
		}
	}
	for _, g := range groups {
		order, err := g.integer("order", 0)
		if err != nil {
			return err
		}
		none, err := g.boolean("noBlockStorage", false)
		if err != nil {
			return err
		}
		if _, err := g.boolean("emptyBlockStorage", false); err != nil {
			return err
		}
		enc, err := g.boolean("encrypted", false)
		if err != nil {
			return err
		}
		size, err := g.integer("blockStorageSize", 0)
		if err != nil {
			return err
		}
		if order == 0 {
			if size > 0 {
				if size < ns.baseGB {
					return invalidParam("blockStorageMappingList.N.blockStorageSize", "the boot disk cannot be smaller than %d GB", ns.baseGB)
				}
				ns.baseGB = size
			}
			continue
		}
		ns.mappings = slices.DeleteFunc(ns.mappings, func(m mapping) bool { return m.order == order })
		if none {
			continue
		}
		if err := checkSize(ns.spec.Hypervisor, size); err != nil {
			return err
		}
		vt := g.str("blockStorageVolumeTypeCode")
		if vt != "" {
			if _, ok := volumeTypeCodes[vt]; !ok {
				return invalidParam("blockStorageMappingList.N.blockStorageVolumeTypeCode", "unknown volume type %q", vt)
			}
		}
		name := g.str("blockStorageName")
		if name != "" {
			if err := validName("blockStorageMappingList.N.blockStorageName", name); err != nil {
				return err
			}
		}
		ns.mappings = append(ns.mappings, mapping{order: order, name: name, snapshot: g.str("snapshotInstanceNo"),
			sizeGB: size, volumeType: vt, encrypted: enc})
	}
	if len(ns.mappings)+1 > ns.spec.MaxVolumes {
		return invalidParam("blockStorageMappingList", "spec %s takes at most %d volumes", ns.spec.Code, ns.spec.MaxVolumes)
	}
	return nil
}

// checkSize applies the block storage size rule of ncp.md §2.2: 10 GB
// steps, 10–2000 GB on XEN, 10–16380 GB on KVM.
func checkSize(hypervisor string, gbs int64) error {
	maxGB := int64(2000)
	if hypervisor == "KVM" {
		maxGB = 16380
	}
	if gbs < 10 || gbs > maxGB || gbs%10 != 0 {
		return invalidParam("blockStorageSize", "must be 10-%d GB in steps of 10, got %d", maxGB, gbs)
	}
	return nil
}
