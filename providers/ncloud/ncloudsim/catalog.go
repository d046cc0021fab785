package ncloudsim

import (
	"fmt"
	"sort"
	"time"
)

// code is NCP's CommonCode: an enumeration value with a display name.
type code struct {
	Code     string `json:"code"`
	CodeName string `json:"codeName"`
}

// spec is one server spec of the catalog, with the product code it pairs with.
type spec struct {
	Code        string // serverSpecCode, e.g. s2-g2-s50
	Product     string // serverProductCode
	Type        string // STAND, HICPU, HIMEM, CPU
	CPU         int
	MemoryGB    int64
	DiskGB      int64  // base storage of a G2 product; 0 for G3, where the image decides
	DiskDetail  string // SSD or HDD
	Generation  string // G2 or G3
	Hypervisor  string // XEN or KVM
	MaxVolumes  int
	Description string
	No          string
}

// image is one OS image of the catalog. XEN images have a product code;
// KVM ("new") images are addressed by serverImageNo only.
type image struct {
	No          string
	Product     string // serverImageProductCode; "" for KVM-only images
	Name        string
	Description string
	Platform    code
	OSName      string
	Hypervisor  string
	DiskGB      int64
	Retired     bool // product codes disappear over time (ncp.md §6, PR #335)
	// Created is when ReleaseImage published this release; zero for the
	// catalog, which lists catalogDate.
	Created time.Time
}

var serverTypes = map[string]code{
	"STAND": {"STAND", "Standard"},
	"HICPU": {"HICPU", "High CPU"},
	"HIMEM": {"HIMEM", "High Memory"},
	"CPU":   {"CPU", "CPU Intensive"},
}

// specs is the server spec catalog, the same in every region. The pairs
// c2-g2-s50/HICPU.C002.M004 and c2-g3/HICPU.C002.M004.G003 are confirmed by
// ncp.md §2.1; the others follow the same naming pattern.
var specs = buildSpecs()

func buildSpecs() []spec {
	var out []spec
	no := 100
	fam := []struct {
		letter, typ string
		memPerCPU   int64
	}{{"s", "STAND", 4}, {"c", "HICPU", 2}, {"m", "HIMEM", 8}}
	for _, f := range fam {
		for _, cpu := range []int{2, 4, 8} {
			mem := int64(cpu) * f.memPerCPU
			for _, disk := range []string{"SSD", "HDD"} {
				letter := "s"
				if disk == "HDD" {
					letter = "h"
				}
				no++
				out = append(out, spec{
					Code:    fmt.Sprintf("%s%d-g2-%s50", f.letter, cpu, letter),
					Product: fmt.Sprintf("SVR.VSVR.%s.C%03d.M%03d.NET.%s.B050.G002", f.typ, cpu, mem, disk),
					Type:    f.typ, CPU: cpu, MemoryGB: mem, DiskGB: 50, DiskDetail: disk,
					Generation: "G2", Hypervisor: "XEN", MaxVolumes: 15,
					Description: fmt.Sprintf("vCPU %dEA, Memory %dGB, [%s]Disk 50GB", cpu, mem, disk),
					No:          fmt.Sprintf("%d", no),
				})
			}
			no++
			out = append(out, spec{
				Code:    fmt.Sprintf("%s%d-g3", f.letter, cpu),
				Product: fmt.Sprintf("SVR.VSVR.%s.C%03d.M%03d.G003", f.typ, cpu, mem),
				Type:    f.typ, CPU: cpu, MemoryGB: mem, DiskDetail: "SSD",
				Generation: "G3", Hypervisor: "KVM", MaxVolumes: 20,
				Description: fmt.Sprintf("vCPU %dEA, Memory %dGB", cpu, mem),
				No:          fmt.Sprintf("%d", no),
			})
		}
	}
	// ci4-g3 is the DOC example of seed 001 (SVR.VSVR.CPU.C004.M008.G003).
	out = append(out, spec{Code: "ci4-g3", Product: "SVR.VSVR.CPU.C004.M008.G003", Type: "CPU", CPU: 4, MemoryGB: 8,
		DiskDetail: "SSD", Generation: "G3", Hypervisor: "KVM", MaxVolumes: 20,
		Description: "vCPU 4EA, Memory 8GB", No: fmt.Sprintf("%d", no+1)})
	// Smallest first: memory, CPU, base storage, disk type (ncp.md §2.1 create notes).
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.MemoryGB != b.MemoryGB {
			return a.MemoryGB < b.MemoryGB
		}
		if a.CPU != b.CPU {
			return a.CPU < b.CPU
		}
		if a.DiskGB != b.DiskGB {
			return a.DiskGB < b.DiskGB
		}
		if a.DiskDetail != b.DiskDetail {
			return a.DiskDetail > b.DiskDetail // SSD before HDD
		}
		return a.Code < b.Code
	})
	return out
}

var (
	linux64  = code{"LNX64", "Linux 64 Bit"}
	ubuntu64 = code{"UBS64", "Ubuntu Server 64 Bit"}
)

// images is the OS image catalog. 16187005 and 16187001 are the
// serverImageNo values of the seed 000 and CLI examples; 104630229 is seed 001's.
var images = []image{
	{No: "16187001", Product: "SW.VSVR.OS.LNX64.CNTOS.0708.B050", Name: "centos-7.8-64", Description: "CentOS 7.8 (64-bit)", Platform: linux64, OSName: "CentOS 7.8 (64-bit)", Hypervisor: "XEN", DiskGB: 50},
	{No: "16187005", Product: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", Name: "ubuntu-20.04", Description: "Ubuntu Server 20.04 (64-bit)", Platform: ubuntu64, OSName: "Ubuntu Server 20.04 (64-bit)", Hypervisor: "XEN", DiskGB: 50},
	{No: "19733470", Product: "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050", Name: "ubuntu-22.04", Description: "Ubuntu Server 22.04 (64-bit)", Platform: ubuntu64, OSName: "Ubuntu Server 22.04 (64-bit)", Hypervisor: "XEN", DiskGB: 50},
	{No: "23214590", Product: "SW.VSVR.OS.LNX64.ROCKY.0810.B050", Name: "rocky-8.10-base", Description: "Rocky Linux 8.10", Platform: linux64, OSName: "Rocky Linux 8.10", Hypervisor: "XEN", DiskGB: 50},
	{No: "10000703", Product: "SW.VSVR.OS.LNX64.CNTOS.0703.B100", Name: "centos-7.3-64", Description: "CentOS 7.3 (64-bit)", Platform: linux64, OSName: "CentOS 7.3 (64-bit)", Hypervisor: "XEN", DiskGB: 100, Retired: true},
	{No: "104630229", Product: "SW.VSVR.OS.LNX64.UBNTU.SVR24.G003", Name: "ubuntu-24.04-base", Description: "Ubuntu Server 24.04", Platform: ubuntu64, OSName: "Ubuntu Server 24.04", Hypervisor: "KVM", DiskGB: 10},
	{No: "104630300", Product: "SW.VSVR.OS.LNX64.ROCKY.0810.G003", Name: "rocky-8.10-kvm", Description: "Rocky Linux 8.10", Platform: linux64, OSName: "Rocky Linux 8.10", Hypervisor: "KVM", DiskGB: 10},
}

// specIndex finds specs by code without a scan: every server view and
// list filter looks its spec up.
var specIndex = func() map[string]*spec {
	m := make(map[string]*spec, len(specs))
	for i := range specs {
		m[specs[i].Code] = &specs[i]
	}
	return m
}()

func specByCode(c string) *spec { return specIndex[c] }

func specByProduct(p string) *spec {
	for i := range specs {
		if specs[i].Product == p {
			return &specs[i]
		}
	}
	return nil
}

func catalogImageByNo(no string) *image {
	for i := range images {
		if images[i].No == no && !images[i].Retired {
			return &images[i]
		}
	}
	return nil
}

func imageByProduct(p string) *image {
	for i := range images {
		if images[i].Product == p && !images[i].Retired && images[i].Hypervisor == "XEN" {
			return &images[i]
		}
	}
	return nil
}

// fits reports whether a spec can run an image: same hypervisor, and a G2
// product's base disk is at least the image's.
func fits(sp *spec, hypervisor string, diskGB int64) bool {
	if sp.Hypervisor != hypervisor {
		return false
	}
	return sp.Generation != "G2" || sp.DiskGB >= diskGB
}

// region is one VPC region with its zones and its preset network.
type region struct {
	Code, Name string
	Zones      []zone
	VPCs       []vpc
	Subnets    []subnet
	ACGs       []acg
}

type zone struct{ Code, Description string }

type vpc struct{ No, Name, CIDR string }

type subnet struct{ No, VPC, Zone, Name, CIDR, Type string }

type acg struct {
	No, VPC, Name string
	Default       bool
}

// regions lists the public VPC regions; KR is first, so it is the default
// when a call omits regionCode (ncp.md §1.1). VPC 75, subnet 36 and ACG 43
// are the example values of seed 000 and design.md. A VPC is at most a /16
// on NCP; the subnets are /17 halves, so KR's two VPCs hold about 131,000
// servers.
var regions = []region{
	{Code: "KR", Name: "Korea",
		Zones: []zone{{"KR-1", "가산 zone"}, {"KR-2", "평촌 zone"}},
		VPCs:  []vpc{{"75", "fleet-vpc", "10.0.0.0/16"}, {"80", "fleet-vpc-2", "10.1.0.0/16"}},
		Subnets: []subnet{
			{"36", "75", "KR-1", "fleet-kr1", "10.0.0.0/17", "PRIVATE"},
			{"37", "75", "KR-2", "fleet-kr2", "10.0.128.0/17", "PUBLIC"},
			{"81", "80", "KR-1", "fleet-2-kr1", "10.1.0.0/17", "PRIVATE"},
			{"82", "80", "KR-2", "fleet-2-kr2", "10.1.128.0/17", "PRIVATE"},
		},
		ACGs: []acg{{"43", "75", "fleet-vpc-default-acg", true}, {"83", "80", "fleet-vpc-2-default-acg", true}}},
	{Code: "SGN", Name: "Singapore",
		Zones:   []zone{{"SGN-4", "Singapore 4 zone"}, {"SGN-5", "Singapore 5 zone"}},
		VPCs:    []vpc{{"76", "fleet-vpc-sgn", "10.2.0.0/16"}},
		Subnets: []subnet{{"38", "76", "SGN-4", "fleet-sgn4", "10.2.0.0/17", "PRIVATE"}},
		ACGs:    []acg{{"44", "76", "fleet-vpc-sgn-default-acg", true}}},
	{Code: "JPN", Name: "Japan",
		Zones:   []zone{{"JPN-4", "Japan 4 zone"}, {"JPN-5", "Japan 5 zone"}},
		VPCs:    []vpc{{"77", "fleet-vpc-jpn", "10.3.0.0/16"}},
		Subnets: []subnet{{"39", "77", "JPN-4", "fleet-jpn4", "10.3.0.0/17", "PRIVATE"}},
		ACGs:    []acg{{"45", "77", "fleet-vpc-jpn-default-acg", true}}},
}

func regionByCode(c string) *region {
	for i := range regions {
		if regions[i].Code == c {
			return &regions[i]
		}
	}
	return nil
}

func (r *region) subnet(no string) *subnet {
	for i := range r.Subnets {
		if r.Subnets[i].No == no {
			return &r.Subnets[i]
		}
	}
	return nil
}

func (r *region) vpc(no string) *vpc {
	for i := range r.VPCs {
		if r.VPCs[i].No == no {
			return &r.VPCs[i]
		}
	}
	return nil
}

func (r *region) acg(no string) *acg {
	for i := range r.ACGs {
		if r.ACGs[i].No == no {
			return &r.ACGs[i]
		}
	}
	return nil
}

func (r *region) hasZone(c string) bool {
	for _, z := range r.Zones {
		if z.Code == c {
			return true
		}
	}
	return false
}
