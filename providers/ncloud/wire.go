package ncloud

// Wire types of the vserver API (shared/api/ncp.md §2). They never leave
// this package: convert.go turns them into providers types.

// commonCode keeps only the code: its codeName is never read, and a
// field left out is skipped without allocating (every server and volume
// of a refresh carries four or more).
type commonCode struct {
	Code string `json:"code"`
}

type serverInstance struct {
	ServerInstanceNo            string     `json:"serverInstanceNo"`
	ServerName                  string     `json:"serverName"`
	ServerDescription           string     `json:"serverDescription"`
	LoginKeyName                string     `json:"loginKeyName"`
	PublicIPInstanceNo          string     `json:"publicIpInstanceNo"`
	PublicIP                    string     `json:"publicIp"`
	Status                      commonCode `json:"serverInstanceStatus"`
	Operation                   commonCode `json:"serverInstanceOperation"`
	CreateDate                  string     `json:"createDate"` // "2024-09-24T18:16:19+0900"
	ServerImageProductCode      string     `json:"serverImageProductCode"`
	ServerProductCode           string     `json:"serverProductCode"`
	IsProtectServerTermination  bool       `json:"isProtectServerTermination"`
	ZoneCode                    string     `json:"zoneCode"`
	VpcNo                       string     `json:"vpcNo"`
	SubnetNo                    string     `json:"subnetNo"`
	NetworkInterfaceNoList      []string   `json:"networkInterfaceNoList"`
	InitScriptNo                string     `json:"initScriptNo"`
	PlacementGroupNo            string     `json:"placementGroupNo"`
	MemberServerImageInstanceNo string     `json:"memberServerImageInstanceNo"`
	ServerImageNo               string     `json:"serverImageNo"`
	ServerSpecCode              string     `json:"serverSpecCode"`
	BlockDevicePartitionList    []struct {
		MountPoint    string     `json:"mountPoint"`
		PartitionSize flexString `json:"partitionSize"`
	} `json:"blockDevicePartitionList"`
}

type serverInstanceList struct {
	TotalRows          int              `json:"totalRows"`
	ServerInstanceList []serverInstance `json:"serverInstanceList"`
}

type blockStorageInstance struct {
	BlockStorageInstanceNo  string     `json:"blockStorageInstanceNo"`
	ServerInstanceNo        string     `json:"serverInstanceNo"`
	BlockStorageName        string     `json:"blockStorageName"`
	BlockStorageType        commonCode `json:"blockStorageType"`
	BlockStorageSize        int64      `json:"blockStorageSize"`
	Status                  commonCode `json:"blockStorageInstanceStatus"`
	Operation               commonCode `json:"blockStorageInstanceOperation"`
	BlockStorageDescription string     `json:"blockStorageDescription"`
	DiskDetailType          commonCode `json:"blockStorageDiskDetailType"`
	VolumeType              commonCode `json:"blockStorageVolumeType"`
	IsEncryptedVolume       bool       `json:"isEncryptedVolume"`
	ZoneCode                string     `json:"zoneCode"`
	HypervisorType          commonCode `json:"hypervisorType"`
}

type blockStorageInstanceList struct {
	TotalRows                int                    `json:"totalRows"`
	BlockStorageInstanceList []blockStorageInstance `json:"blockStorageInstanceList"`
}

type memberServerImage struct {
	MemberServerImageInstanceNo  string     `json:"memberServerImageInstanceNo"`
	MemberServerImageName        string     `json:"memberServerImageName"`
	MemberServerImageDescription string     `json:"memberServerImageDescription"`
	OriginalServerInstanceNo     string     `json:"originalServerInstanceNo"`
	Status                       commonCode `json:"memberServerImageInstanceStatus"`
	Operation                    commonCode `json:"memberServerImageInstanceOperation"`
	StatusName                   string     `json:"memberServerImageInstanceStatusName"`
	// The image's volumes, boot disk included, and their total bytes.
	BlockStorageTotalRows int   `json:"memberServerImageBlockStorageTotalRows"`
	BlockStorageTotalSize int64 `json:"memberServerImageBlockStorageTotalSize"`
}

type memberServerImageList struct {
	TotalRows                     int                 `json:"totalRows"`
	MemberServerImageInstanceList []memberServerImage `json:"memberServerImageInstanceList"`
}

type loginKey struct {
	KeyName     string `json:"keyName"`
	Fingerprint string `json:"fingerprint"`
}

type loginKeyList struct {
	TotalRows    int        `json:"totalRows"`
	LoginKeyList []loginKey `json:"loginKeyList"`
}

type createdLoginKey struct {
	KeyName    string `json:"keyName"`
	PrivateKey string `json:"privateKey"`
}

type serverSpec struct {
	ServerSpecCode    string     `json:"serverSpecCode"`
	ServerProductCode string     `json:"serverProductCode"`
	CPUCount          int        `json:"cpuCount"`
	MemorySize        int64      `json:"memorySize"`
	HypervisorType    commonCode `json:"hypervisorType"`
	GenerationCode    string     `json:"generationCode"`
}

type serverSpecList struct {
	TotalRows      int          `json:"totalRows"`
	ServerSpecList []serverSpec `json:"serverSpecList"`
}

type zone struct {
	ZoneName string `json:"zoneName"`
	ZoneCode string `json:"zoneCode"`
}

type zoneList struct {
	ZoneList []zone `json:"zoneList"`
}

type networkInterface struct {
	NetworkInterfaceNo       string   `json:"networkInterfaceNo"`
	InstanceNo               string   `json:"instanceNo"`
	IP                       string   `json:"ip"`
	DeviceName               string   `json:"deviceName"`
	IsDefault                bool     `json:"isDefault"`
	AccessControlGroupNoList []string `json:"accessControlGroupNoList"`
}

type networkInterfaceList struct {
	TotalRows            int                `json:"totalRows"`
	NetworkInterfaceList []networkInterface `json:"networkInterfaceList"`
}

type accessControlGroup struct {
	AccessControlGroupNo string `json:"accessControlGroupNo"`
	IsDefault            bool   `json:"isDefault"`
	VpcNo                string `json:"vpcNo"`
}

type accessControlGroupList struct {
	AccessControlGroupList []accessControlGroup `json:"accessControlGroupList"`
}
