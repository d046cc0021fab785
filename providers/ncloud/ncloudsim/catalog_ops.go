package ncloudsim

import (
	"slices"
	"time"
)

// catalogDate is the creation date of everything preset.
var (
	catalogTime = time.Date(2024, 1, 2, 9, 0, 0, 0, kst)
	catalogDate = ncpDate(catalogTime)
)

var (
	x8664   = code{"X86_64", "x86 64bit"}
	stRun   = code{"RUN", "run"}
	created = code{"CREAT", "NSI CREATED state"}
)

// listOf wraps a list answer; the catalog lists are small and unpaged
// unless pageSize is given.
func listOf[T any](c *call, name string, all []T) (result, error) {
	offset, size, err := c.p.paging()
	if err != nil {
		return result{}, err
	}
	lo, hi := page(len(all), offset, size)
	return result{fields: object{{"totalRows", len(all)}, {name, all[lo:hi]}}}, nil
}

// lists reads every named list parameter; the first given spelling wins,
// as SDK versions name some lists differently (ncp.md §1.3).
func lists(p params, names ...string) ([]string, error) {
	for _, n := range names {
		l, err := p.list(n)
		if err != nil || len(l) > 0 {
			return l, err
		}
	}
	return nil, nil
}

func (c *call) zoneOK() error {
	if z := c.p.str("zoneCode"); z != "" && !c.region.hasZone(z) {
		return invalidParam("zoneCode", "zone %s not found in region %s", z, c.region.Code)
	}
	return nil
}

type specJSON struct {
	ServerSpecNo              string `json:"serverSpecNo"`
	ServerSpecCode            string `json:"serverSpecCode"`
	HypervisorType            code   `json:"hypervisorType"`
	GenerationCode            string `json:"generationCode"`
	CPUArchitectureType       code   `json:"cpuArchitectureType"`
	CPUCount                  int    `json:"cpuCount"`
	MemorySize                int64  `json:"memorySize"`
	BlockStorageMaxCount      int    `json:"blockStorageMaxCount"`
	BlockStorageMaxIops       int    `json:"blockStorageMaxIops"`
	BlockStorageMaxThroughput int    `json:"blockStorageMaxThroughput"`
	NetworkPerformance        int64  `json:"networkPerformance"`
	NetworkInterfaceMaxCount  int    `json:"networkInterfaceMaxCount"`
	GpuCount                  int    `json:"gpuCount"`
	ServerSpecDescription     string `json:"serverSpecDescription"`
	ServerProductCode         string `json:"serverProductCode"`
}

func getServerSpecList(s *Sim, c *call) (result, error) {
	if err := c.zoneOK(); err != nil {
		return result{}, err
	}
	codes, err := c.p.list("serverSpecCodeList")
	if err != nil {
		return result{}, err
	}
	hyps, err := lists(c.p, "hypervisorCodeList", "hypervisorTypeCodeList")
	if err != nil {
		return result{}, err
	}
	var img *image
	if no := c.p.str("serverImageNo"); no != "" {
		if img = s.imageByNo(no); img == nil {
			return result{}, noImage()
		}
	}
	out := []specJSON{}
	for i := range specs {
		sp := &specs[i]
		if (len(codes) > 0 && !slices.Contains(codes, sp.Code)) ||
			(len(hyps) > 0 && !slices.Contains(hyps, sp.Hypervisor)) ||
			(img != nil && !fits(sp, img.Hypervisor, img.DiskGB)) {
			continue
		}
		out = append(out, specJSON{ServerSpecNo: sp.No, ServerSpecCode: sp.Code, HypervisorType: hypervisorCodes[sp.Hypervisor],
			GenerationCode: sp.Generation, CPUArchitectureType: x8664, CPUCount: sp.CPU, MemorySize: sp.MemoryGB * gb,
			BlockStorageMaxCount: sp.MaxVolumes, BlockStorageMaxIops: 20000, BlockStorageMaxThroughput: 500,
			NetworkPerformance: int64(sp.CPU) * 1000000000, NetworkInterfaceMaxCount: maxNICs,
			ServerSpecDescription: sp.Description, ServerProductCode: sp.Product})
	}
	return listOf(c, "serverSpecList", out)
}

type productJSON struct {
	ProductCode          string `json:"productCode"`
	ProductName          string `json:"productName"`
	ProductType          code   `json:"productType"`
	ProductDescription   string `json:"productDescription"`
	InfraResourceType    code   `json:"infraResourceType"`
	CPUCount             int    `json:"cpuCount"`
	MemorySize           int64  `json:"memorySize"`
	BaseBlockStorageSize int64  `json:"baseBlockStorageSize"`
	PlatformType         *code  `json:"platformType,omitempty"`
	OSInformation        string `json:"osInformation"`
	DiskType             code   `json:"diskType"`
	DBKindCode           string `json:"dbKindCode"`
	AddBlockStorageSize  int64  `json:"addBlockStorageSize"`
	GenerationCode       string `json:"generationCode"`
}

// getServerProductList lists the G2 server products that can run an image
// given by product code or member image (one is required).
func getServerProductList(s *Sim, c *call) (result, error) {
	if err := c.zoneOK(); err != nil {
		return result{}, err
	}
	var img *image
	switch ip, mn := c.p.str("serverImageProductCode"), c.p.str("memberServerImageInstanceNo"); {
	case ip != "":
		img = imageByProduct(ip)
	case mn != "":
		if m := s.memberImage(c, mn); m != nil {
			img = s.imageByNo(m.ImageNo)
		}
	default:
		return result{}, invalidParam("serverImageProductCode", "give serverImageProductCode or memberServerImageInstanceNo")
	}
	if img == nil {
		return result{}, noImage()
	}
	only, excl, gen := c.p.str("productCode"), c.p.str("exclusionProductCode"), c.p.str("generationCode")
	out := []productJSON{}
	for i := range specs {
		sp := &specs[i]
		if sp.Generation != "G2" || !fits(sp, img.Hypervisor, img.DiskGB) ||
			(only != "" && sp.Product != only) || (excl != "" && sp.Product == excl) || (gen != "" && gen != sp.Generation) {
			continue
		}
		out = append(out, productJSON{ProductCode: sp.Product, ProductName: sp.Description,
			ProductType: serverTypes[sp.Type], ProductDescription: sp.Description,
			InfraResourceType: code{"VSVR", "Server (VPC)"}, CPUCount: sp.CPU, MemorySize: sp.MemoryGB * gb,
			BaseBlockStorageSize: sp.DiskGB * gb, DiskType: diskNet, GenerationCode: sp.Generation})
	}
	return listOf(c, "productList", out)
}

func getServerImageProductList(s *Sim, c *call) (result, error) {
	platforms, err := c.p.list("platformTypeCodeList")
	if err != nil {
		return result{}, err
	}
	size, err := c.p.integer("blockStorageSize", 0)
	if err != nil {
		return result{}, err
	}
	only, excl := c.p.str("productCode"), c.p.str("exclusionProductCode")
	out := []productJSON{}
	for i := range images {
		img := &images[i]
		if img.Retired || img.Hypervisor != "XEN" || (only != "" && img.Product != only) ||
			(excl != "" && img.Product == excl) || (size != 0 && img.DiskGB != size) ||
			(len(platforms) > 0 && !slices.Contains(platforms, img.Platform.Code)) {
			continue
		}
		pt := img.Platform
		out = append(out, productJSON{ProductCode: img.Product, ProductName: img.Description,
			ProductType: code{"LINUX", "Linux"}, ProductDescription: img.Description,
			InfraResourceType: code{"SW", "Software"}, BaseBlockStorageSize: img.DiskGB * gb, PlatformType: &pt,
			OSInformation: img.OSName, DiskType: diskNet, GenerationCode: "G2"})
	}
	return listOf(c, "productList", out)
}

// imageMappingJSON is the SDK's BlockStorageMapping. The SDK declares
// blockStorageSnapshotInstanceNo int32, so "" would fail every decode: the
// catalog images come from no snapshot, and the real API leaves empty
// optional fields out (issue 20), as these omitempty tags do.
type imageMappingJSON struct {
	Order                          int    `json:"order"`
	BlockStorageSnapshotInstanceNo int32  `json:"blockStorageSnapshotInstanceNo,omitempty"`
	BlockStorageSnapshotName       string `json:"blockStorageSnapshotName,omitempty"`
	BlockStorageSize               int64  `json:"blockStorageSize"`
	BlockStorageVolumeType         code   `json:"blockStorageVolumeType"`
	Iops                           int    `json:"iops"`
	Throughput                     int    `json:"throughput"`
	IsEncryptedVolume              bool   `json:"isEncryptedVolume"`
}

type serverImageJSON struct {
	ServerImageNo           string             `json:"serverImageNo"`
	ServerImageName         string             `json:"serverImageName"`
	ServerImageDescription  string             `json:"serverImageDescription"`
	ServerImageProductCode  string             `json:"serverImageProductCode"`
	ServerImageType         code               `json:"serverImageType"`
	HypervisorType          code               `json:"hypervisorType"`
	CPUArchitectureType     code               `json:"cpuArchitectureType"`
	OSCategoryType          code               `json:"osCategoryType"`
	OSType                  code               `json:"osType"`
	ServerImageStatus       code               `json:"serverImageStatus"`
	ServerImageOperation    code               `json:"serverImageOperation"`
	ServerImageStatusName   string             `json:"serverImageStatusName"`
	CreateDate              string             `json:"createDate"`
	ShareStatus             code               `json:"shareStatus"`
	SharedLoginIDList       []string           `json:"sharedLoginIdList"`
	BlockStorageMappingList []imageMappingJSON `json:"blockStorageMappingList"`
}

func getServerImageList(s *Sim, c *call) (result, error) {
	nos, err := c.p.list("serverImageNoList")
	if err != nil {
		return result{}, err
	}
	hyps, err := lists(c.p, "hypervisorTypeCodeList", "hypervisorCodeList")
	if err != nil {
		return result{}, err
	}
	name := c.p.str("serverImageName")
	out := []serverImageJSON{}
	for _, img := range s.serverImages() {
		if img.Retired || (name != "" && img.Name != name) || (len(nos) > 0 && !slices.Contains(nos, img.No)) ||
			(len(hyps) > 0 && !slices.Contains(hyps, img.Hypervisor)) {
			continue
		}
		vt := code{"SSD", "SSD"}
		if img.Hypervisor == "KVM" {
			vt = volumeTypeCodes["CB1"]
		}
		out = append(out, serverImageJSON{ServerImageNo: img.No, ServerImageName: img.Name,
			ServerImageDescription: img.Description, ServerImageProductCode: img.Product,
			ServerImageType: code{"NCP", "NCP Server Image"}, HypervisorType: hypervisorCodes[img.Hypervisor],
			CPUArchitectureType: x8664, OSCategoryType: code{"LINUX", "LINUX"}, OSType: code{img.Platform.Code, img.OSName},
			ServerImageStatus: created, ServerImageOperation: code{"NULL", "NSI NULL OP"}, ServerImageStatusName: "created",
			CreateDate: img.createDate(), ShareStatus: code{"NULL", "NSI Share NULL State"}, SharedLoginIDList: []string{},
			BlockStorageMappingList: []imageMappingJSON{{Order: 0, BlockStorageSize: img.DiskGB * gb,
				BlockStorageVolumeType: vt, Iops: 3000, Throughput: 125}}})
	}
	return listOf(c, "serverImageList", out)
}

type regionJSON struct {
	RegionCode string `json:"regionCode"`
	RegionName string `json:"regionName"`
}

func getRegionList(s *Sim, c *call) (result, error) {
	out := make([]regionJSON, len(regions))
	for i, r := range regions {
		out[i] = regionJSON{r.Code, r.Name}
	}
	return listOf(c, "regionList", out)
}

type zoneJSON struct {
	ZoneName        string `json:"zoneName"`
	ZoneCode        string `json:"zoneCode"`
	RegionCode      string `json:"regionCode"`
	ZoneDescription string `json:"zoneDescription"`
}

func getZoneList(s *Sim, c *call) (result, error) {
	out := []zoneJSON{}
	for _, z := range c.region.Zones {
		out = append(out, zoneJSON{z.Code, z.Code, c.region.Code, z.Description})
	}
	return listOf(c, "zoneList", out)
}
