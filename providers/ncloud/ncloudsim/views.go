package ncloudsim

import "time"

// The *JSON types are the wire shapes of the API objects, fields in the
// order of the documents' examples (seeds 000, 001, 003; ncp.md §2).

type serverJSON struct {
	ServerInstanceNo               string      `json:"serverInstanceNo"`
	ServerName                     string      `json:"serverName"`
	ServerDescription              string      `json:"serverDescription"`
	CPUCount                       int         `json:"cpuCount"`
	MemorySize                     int64       `json:"memorySize"`
	PlatformType                   code        `json:"platformType"`
	LoginKeyName                   string      `json:"loginKeyName"`
	PublicIPInstanceNo             string      `json:"publicIpInstanceNo"`
	PublicIP                       string      `json:"publicIp"`
	ServerInstanceStatus           code        `json:"serverInstanceStatus"`
	ServerInstanceOperation        code        `json:"serverInstanceOperation"`
	ServerInstanceStatusName       string      `json:"serverInstanceStatusName"`
	CreateDate                     string      `json:"createDate"`
	Uptime                         string      `json:"uptime"`
	ServerImageProductCode         string      `json:"serverImageProductCode"`
	ServerProductCode              string      `json:"serverProductCode"`
	IsProtectServerTermination     bool        `json:"isProtectServerTermination"`
	ZoneCode                       string      `json:"zoneCode"`
	RegionCode                     string      `json:"regionCode"`
	VpcNo                          string      `json:"vpcNo"`
	SubnetNo                       string      `json:"subnetNo"`
	NetworkInterfaceNoList         []string    `json:"networkInterfaceNoList"`
	InitScriptNo                   string      `json:"initScriptNo"`
	ServerInstanceType             code        `json:"serverInstanceType"`
	BaseBlockStorageDiskType       code        `json:"baseBlockStorageDiskType"`
	BaseBlockStorageDiskDetailType code        `json:"baseBlockStorageDiskDetailType"`
	PlacementGroupNo               string      `json:"placementGroupNo"`
	PlacementGroupName             string      `json:"placementGroupName"`
	MemberServerImageInstanceNo    string      `json:"memberServerImageInstanceNo"`
	BlockDevicePartitionList       []partition `json:"blockDevicePartitionList"`
	HypervisorType                 code        `json:"hypervisorType"`
	ServerImageNo                  string      `json:"serverImageNo"`
	ServerSpecCode                 string      `json:"serverSpecCode"`
	EventList                      []string    `json:"eventList"`
	FabricClusterPoolNo            string      `json:"fabricClusterPoolNo"`
	FabricClusterPoolName          string      `json:"fabricClusterPoolName"`
	FabricClusterMode              string      `json:"fabricClusterMode"`
	FabricClusterNo                string      `json:"fabricClusterNo"`
	FabricClusterName              string      `json:"fabricClusterName"`
	IsPreInstallGpuDriver          bool        `json:"isPreInstallGpuDriver"`
}

var serverStatusNames = map[string]string{
	"INIT": "Server INIT status", "CREAT": "Server CREAT status", "RUN": "Server RUN status",
	"NSTOP": "Server NORMAL STOPPED status", "FSTOP": "Server FAILURE STOPPED status",
}

var serverOpNames = map[string]string{
	"NULL": "Server NULL OP", "START": "Server START OP", "SHTDN": "Server SHUTDOWN OP",
	"RESTA": "Server RESTART OP", "TERMT": "Server TERMINATE OP", "CHNG": "Server SPEC CHANGE OP",
	"SETUP": "Server SETUP OP",
}

// serverStatusName combines status and op as ncp.md §3.1 lists them.
// "stopped" is the inferred settled name; "failed" (FSTOP, a failed build)
// is the simulator's own, as the documents name no failure.
func serverStatusName(status, op string) string {
	switch op {
	case "SETUP":
		return "setting up"
	case "SHTDN":
		return "shutting down"
	case "START":
		return "booting"
	case "RESTA":
		return "rebooting"
	case "CHNG":
		return "changingSpec"
	case "TERMT":
		return "terminating"
	}
	switch status {
	case "INIT":
		return "init"
	case "CREAT":
		return "creating"
	case "RUN":
		return "running"
	case "NSTOP":
		return "stopped"
	}
	return "failed"
}

var (
	hypervisorCodes = map[string]code{"XEN": {"XEN", "XEN"}, "KVM": {"KVM", "KVM"}}
	diskNet         = code{"NET", "Network storage"}
	diskDetails     = map[string]code{"SSD": {"SSD", "SSD"}, "HDD": {"HDD", "HDD"}}
)

// serverView renders a server as the API shows it at now. fresh is the
// create answer, where network fields are still empty (ncp.md §1.4).
func (s *Sim) serverView(v *server, now time.Time, fresh bool) serverJSON {
	sp := specByCode(v.Spec)
	op := v.op(now)
	j := serverJSON{
		ServerInstanceNo: v.No, ServerName: v.Name, ServerDescription: v.Description,
		CPUCount: sp.CPU, MemorySize: sp.MemoryGB * gb, PlatformType: s.platform(v),
		LoginKeyName: v.LoginKey, PublicIPInstanceNo: v.PublicIPNo, PublicIP: v.PublicIP,
		ServerInstanceStatus:     code{v.Status, serverStatusNames[v.Status]},
		ServerInstanceOperation:  code{op, serverOpNames[op]},
		ServerInstanceStatusName: serverStatusName(v.Status, op),
		CreateDate:               ncpDate(v.Created), Uptime: ncpDate(v.Uptime),
		ServerImageProductCode: v.ImageProduct, ServerProductCode: sp.Product,
		IsProtectServerTermination: v.Protect, ZoneCode: v.Zone, RegionCode: v.Region,
		VpcNo: v.VPC, SubnetNo: v.Subnet, NetworkInterfaceNoList: []string{},
		InitScriptNo: v.InitScript, ServerInstanceType: serverTypes[sp.Type],
		BaseBlockStorageDiskType: diskNet, BaseBlockStorageDiskDetailType: diskDetails[sp.DiskDetail],
		PlacementGroupNo: v.PlacementGroup, MemberServerImageInstanceNo: v.MemberImage,
		BlockDevicePartitionList: append([]partition{}, v.Partitions...),
		HypervisorType:           hypervisorCodes[sp.Hypervisor], ServerImageNo: v.ImageNo,
		ServerSpecCode: sp.Code, EventList: []string{}, FabricClusterPoolNo: v.FabricPool,
		IsPreInstallGpuDriver: v.GPUDriver,
	}
	if fresh {
		j.VpcNo, j.SubnetNo = "", ""
	} else {
		for _, n := range v.NICs {
			j.NetworkInterfaceNoList = append(j.NetworkInterfaceNoList, n.No)
		}
	}
	return j
}

func (s *Sim) platform(v *server) code {
	if img := s.imageByNo(v.ImageNo); img != nil {
		return img.Platform
	}
	return linux64
}

type volumeJSON struct {
	BlockStorageInstanceNo         string `json:"blockStorageInstanceNo"`
	ServerInstanceNo               string `json:"serverInstanceNo"`
	BlockStorageName               string `json:"blockStorageName"`
	BlockStorageType               code   `json:"blockStorageType"`
	BlockStorageSize               int64  `json:"blockStorageSize"`
	DeviceName                     string `json:"deviceName"`
	BlockStorageProductCode        string `json:"blockStorageProductCode"`
	BlockStorageInstanceStatus     code   `json:"blockStorageInstanceStatus"`
	BlockStorageInstanceOperation  code   `json:"blockStorageInstanceOperation"`
	BlockStorageInstanceStatusName string `json:"blockStorageInstanceStatusName"`
	CreateDate                     string `json:"createDate"`
	BlockStorageDescription        string `json:"blockStorageDescription"`
	BlockStorageDiskType           code   `json:"blockStorageDiskType"`
	BlockStorageDiskDetailType     code   `json:"blockStorageDiskDetailType"`
	MaxIopsThroughput              int    `json:"maxIopsThroughput"`
	IsEncryptedVolume              bool   `json:"isEncryptedVolume"`
	ZoneCode                       string `json:"zoneCode"`
	RegionCode                     string `json:"regionCode"`
	IsReturnProtection             bool   `json:"isReturnProtection"`
	BlockStorageVolumeType         code   `json:"blockStorageVolumeType"`
	HypervisorType                 code   `json:"hypervisorType"`
	Throughput                     int    `json:"throughput"`
	Iops                           int    `json:"iops"`
	BlockStorageSnapshotInstanceNo string `json:"blockStorageSnapshotInstanceNo,omitempty"` // only for a volume made from a snapshot
}

var (
	volumeTypes     = map[string]code{"BASIC": {"BASIC", "Basic BS"}, "SVRBS": {"SVRBS", "Server BS"}}
	volStatusNames  = map[string]string{"INIT": "Block storage INIT state", "CREAT": "Block storage CREATED state", "ATTAC": "Block storage ATTACHED state"}
	volOpNames      = map[string]string{"NULL": "Block storage NULL OP", "ATTAC": "Block storage ATTACH OP", "DETAC": "Block storage DETACH OP", "CHNG": "Block storage CHANGE OP", "TERMT": "Block storage TERMINATE OP"}
	volumeTypeCodes = map[string]code{
		"SSD": {"SSD", "SSD"}, "HDD": {"HDD", "HDD"},
		"FB1": {"FB1", "Flexible Block Storage 1"}, "CB1": {"CB1", "Common Block Storage 1"},
		"FB2": {"FB2", "Flexible Block Storage 2"}, "CB2": {"CB2", "Common Block Storage 2"},
	}
)

// volumeStatusName follows ncp.md §3.3.
func volumeStatusName(v *volume) string {
	switch v.Op {
	case "ATTAC":
		return "attaching"
	case "DETAC":
		return "detaching"
	case "CHNG":
		return "changingSpec"
	case "TERMT":
		return "terminating"
	}
	switch v.Status {
	case "INIT":
		return "initialized"
	case "ATTAC":
		return "attached"
	}
	return "detached"
}

func volumeView(v *volume) volumeJSON {
	product := "SPBSTBSTAD000006"
	if v.DiskDetail == "HDD" {
		product = "SPBSTBSTAD000002"
	}
	iops := 0
	if v.DiskDetail == "SSD" {
		iops = int(min(v.SizeGB*40, 20000))
	}
	return volumeJSON{
		BlockStorageInstanceNo: v.No, ServerInstanceNo: v.Server, BlockStorageName: v.Name,
		BlockStorageType: volumeTypes[v.Type], BlockStorageSize: v.SizeGB * gb, DeviceName: v.Device,
		BlockStorageProductCode:        product,
		BlockStorageInstanceStatus:     code{v.Status, volStatusNames[v.Status]},
		BlockStorageInstanceOperation:  code{v.Op, volOpNames[v.Op]},
		BlockStorageInstanceStatusName: volumeStatusName(v),
		CreateDate:                     ncpDate(v.Created), BlockStorageDescription: v.Description,
		BlockStorageDiskType: diskNet, BlockStorageDiskDetailType: diskDetails[v.DiskDetail],
		MaxIopsThroughput: iops, IsEncryptedVolume: v.Encrypted, ZoneCode: v.Zone, RegionCode: v.Region,
		IsReturnProtection: v.Protect, BlockStorageVolumeType: volumeTypeCodes[v.VolumeType],
		HypervisorType: hypervisorCodes[v.Hypervisor], Throughput: 100, Iops: iops,
		BlockStorageSnapshotInstanceNo: v.Snapshot,
	}
}

type memberImageJSON struct {
	MemberServerImageInstanceNo            string   `json:"memberServerImageInstanceNo"`
	MemberServerImageName                  string   `json:"memberServerImageName"`
	MemberServerImageDescription           string   `json:"memberServerImageDescription"`
	OriginalServerInstanceNo               string   `json:"originalServerInstanceNo"`
	OriginalServerImageProductCode         string   `json:"originalServerImageProductCode"`
	MemberServerImageInstanceStatus        code     `json:"memberServerImageInstanceStatus"`
	MemberServerImageInstanceOperation     code     `json:"memberServerImageInstanceOperation"`
	MemberServerImageInstanceStatusName    string   `json:"memberServerImageInstanceStatusName"`
	CreateDate                             string   `json:"createDate"`
	MemberServerImageBlockStorageTotalRows int      `json:"memberServerImageBlockStorageTotalRows"`
	MemberServerImageBlockStorageTotalSize int64    `json:"memberServerImageBlockStorageTotalSize"`
	ShareStatus                            code     `json:"shareStatus"`
	SharedLoginIDList                      []string `json:"sharedLoginIdList"`
}

var (
	imageStatusNames = map[string]string{"INIT": "NSI INIT state", "CREAT": "NSI CREATED state"}
	imageOpNames     = map[string]string{"NULL": "NSI NULL OP", "CREAT": "NSI CREAT OP", "TERMT": "NSI TERMINATE OP"}
)

// memberImageView follows seed 003; "created" is the inferred settled name.
func memberImageView(m *memberImage) memberImageJSON {
	name := "created"
	switch m.Op {
	case "CREAT":
		name = "creating"
	case "TERMT":
		name = "terminating"
	}
	return memberImageJSON{
		MemberServerImageInstanceNo: m.No, MemberServerImageName: m.Name,
		MemberServerImageDescription: m.Description, OriginalServerInstanceNo: m.Server,
		OriginalServerImageProductCode:      m.ImageProduct,
		MemberServerImageInstanceStatus:     code{m.Status, imageStatusNames[m.Status]},
		MemberServerImageInstanceOperation:  code{m.Op, imageOpNames[m.Op]},
		MemberServerImageInstanceStatusName: name, CreateDate: ncpDate(m.Created),
		MemberServerImageBlockStorageTotalRows: m.Volumes, MemberServerImageBlockStorageTotalSize: m.TotalBytes,
		ShareStatus: code{"NULL", "NSI Share NULL State"}, SharedLoginIDList: []string{},
	}
}
