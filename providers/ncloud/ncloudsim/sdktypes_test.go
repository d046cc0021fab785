package ncloudsim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The sdk* structs mirror the response models of the official NCP Go SDK
// (github.com/NaverCloudPlatform/ncloud-sdk-go-v2, services/vserver and
// services/vpc, v1.6.x): every field a pointer of the declared type, ids
// strings, counts int32, sizes int64. Fields the simulator sends that the
// SDK's generated models of that version do not declare are mirrored with
// the type the API reference gives them and marked "not in the SDK model";
// the SDK ignores them. Decoding with unknown fields disallowed makes every
// field the simulator sends pass through a declared type.

type sdkCode struct {
	Code     *string `json:"code"`
	CodeName *string `json:"codeName"`
}

type sdkPartition struct {
	MountPoint    *string `json:"mountPoint"`
	PartitionSize *string `json:"partitionSize"`
}

type sdkServerInstance struct {
	ServerInstanceNo               *string         `json:"serverInstanceNo"`
	ServerName                     *string         `json:"serverName"`
	ServerDescription              *string         `json:"serverDescription"`
	CpuCount                       *int32          `json:"cpuCount"`
	MemorySize                     *int64          `json:"memorySize"`
	PlatformType                   *sdkCode        `json:"platformType"`
	LoginKeyName                   *string         `json:"loginKeyName"`
	PublicIpInstanceNo             *string         `json:"publicIpInstanceNo"`
	PublicIp                       *string         `json:"publicIp"`
	ServerInstanceStatus           *sdkCode        `json:"serverInstanceStatus"`
	ServerInstanceOperation        *sdkCode        `json:"serverInstanceOperation"`
	ServerInstanceStatusName       *string         `json:"serverInstanceStatusName"`
	CreateDate                     *string         `json:"createDate"`
	Uptime                         *string         `json:"uptime"`
	ServerImageProductCode         *string         `json:"serverImageProductCode"`
	ServerProductCode              *string         `json:"serverProductCode"`
	IsProtectServerTermination     *bool           `json:"isProtectServerTermination"`
	ZoneCode                       *string         `json:"zoneCode"`
	RegionCode                     *string         `json:"regionCode"`
	VpcNo                          *string         `json:"vpcNo"`
	SubnetNo                       *string         `json:"subnetNo"`
	NetworkInterfaceNoList         []*string       `json:"networkInterfaceNoList"`
	InitScriptNo                   *string         `json:"initScriptNo"`
	ServerInstanceType             *sdkCode        `json:"serverInstanceType"`
	BaseBlockStorageDiskType       *sdkCode        `json:"baseBlockStorageDiskType"`
	BaseBlockStorageDiskDetailType *sdkCode        `json:"baseBlockStorageDiskDetailType"`
	PlacementGroupNo               *string         `json:"placementGroupNo"`
	PlacementGroupName             *string         `json:"placementGroupName"`
	MemberServerImageInstanceNo    *string         `json:"memberServerImageInstanceNo"`
	BlockDevicePartitionList       []*sdkPartition `json:"blockDevicePartitionList"`
	HypervisorType                 *sdkCode        `json:"hypervisorType"`
	ServerImageNo                  *string         `json:"serverImageNo"`
	ServerSpecCode                 *string         `json:"serverSpecCode"`
	// Not in the SDK model; seed 001 shows them.
	EventList             []*string `json:"eventList"`
	FabricClusterPoolNo   *string   `json:"fabricClusterPoolNo"`
	FabricClusterPoolName *string   `json:"fabricClusterPoolName"`
	FabricClusterMode     *string   `json:"fabricClusterMode"`
	FabricClusterNo       *string   `json:"fabricClusterNo"`
	FabricClusterName     *string   `json:"fabricClusterName"`
	IsPreInstallGpuDriver *bool     `json:"isPreInstallGpuDriver"`
}

type sdkBlockStorageInstance struct {
	BlockStorageInstanceNo         *string  `json:"blockStorageInstanceNo"`
	ServerInstanceNo               *string  `json:"serverInstanceNo"`
	BlockStorageName               *string  `json:"blockStorageName"`
	BlockStorageType               *sdkCode `json:"blockStorageType"`
	BlockStorageSize               *int64   `json:"blockStorageSize"`
	DeviceName                     *string  `json:"deviceName"`
	BlockStorageProductCode        *string  `json:"blockStorageProductCode"`
	BlockStorageInstanceStatus     *sdkCode `json:"blockStorageInstanceStatus"`
	BlockStorageInstanceOperation  *sdkCode `json:"blockStorageInstanceOperation"`
	BlockStorageInstanceStatusName *string  `json:"blockStorageInstanceStatusName"`
	CreateDate                     *string  `json:"createDate"`
	BlockStorageDescription        *string  `json:"blockStorageDescription"`
	BlockStorageDiskType           *sdkCode `json:"blockStorageDiskType"`
	BlockStorageDiskDetailType     *sdkCode `json:"blockStorageDiskDetailType"`
	MaxIopsThroughput              *int32   `json:"maxIopsThroughput"`
	IsEncryptedVolume              *bool    `json:"isEncryptedVolume"`
	ZoneCode                       *string  `json:"zoneCode"`
	RegionCode                     *string  `json:"regionCode"`
	IsReturnProtection             *bool    `json:"isReturnProtection"`
	// Not in the SDK model of that version; ncp.md §2.2 lists them.
	BlockStorageVolumeType         *sdkCode `json:"blockStorageVolumeType"`
	HypervisorType                 *sdkCode `json:"hypervisorType"`
	Throughput                     *int64   `json:"throughput"`
	Iops                           *int32   `json:"iops"`
	BlockStorageSnapshotInstanceNo *string  `json:"blockStorageSnapshotInstanceNo"`
}

type sdkMemberServerImageInstance struct {
	MemberServerImageInstanceNo            *string   `json:"memberServerImageInstanceNo"`
	MemberServerImageName                  *string   `json:"memberServerImageName"`
	MemberServerImageDescription           *string   `json:"memberServerImageDescription"`
	OriginalServerInstanceNo               *string   `json:"originalServerInstanceNo"`
	OriginalServerImageProductCode         *string   `json:"originalServerImageProductCode"`
	MemberServerImageInstanceStatus        *sdkCode  `json:"memberServerImageInstanceStatus"`
	MemberServerImageInstanceOperation     *sdkCode  `json:"memberServerImageInstanceOperation"`
	MemberServerImageInstanceStatusName    *string   `json:"memberServerImageInstanceStatusName"`
	CreateDate                             *string   `json:"createDate"`
	MemberServerImageBlockStorageTotalRows *int32    `json:"memberServerImageBlockStorageTotalRows"`
	MemberServerImageBlockStorageTotalSize *int64    `json:"memberServerImageBlockStorageTotalSize"`
	ShareStatus                            *sdkCode  `json:"shareStatus"`
	SharedLoginIdList                      []*string `json:"sharedLoginIdList"`
}

// sdkBlockStorageMapping is where issue 20 started: the SDK declares
// blockStorageSnapshotInstanceNo int32, and "" failed every decode.
type sdkBlockStorageMapping struct {
	Order                          *int32   `json:"order"`
	BlockStorageSnapshotInstanceNo *int32   `json:"blockStorageSnapshotInstanceNo"`
	BlockStorageSnapshotName       *string  `json:"blockStorageSnapshotName"`
	BlockStorageSize               *int64   `json:"blockStorageSize"`
	BlockStorageName               *string  `json:"blockStorageName"`
	BlockStorageVolumeType         *sdkCode `json:"blockStorageVolumeType"`
	Iops                           *int32   `json:"iops"`
	Throughput                     *int64   `json:"throughput"`
	IsEncryptedVolume              *bool    `json:"isEncryptedVolume"`
}

type sdkServerImage struct {
	ServerImageNo           *string                   `json:"serverImageNo"`
	ServerImageName         *string                   `json:"serverImageName"`
	ServerImageDescription  *string                   `json:"serverImageDescription"`
	ServerImageProductCode  *string                   `json:"serverImageProductCode"`
	ServerImageType         *sdkCode                  `json:"serverImageType"`
	HypervisorType          *sdkCode                  `json:"hypervisorType"`
	CpuArchitectureType     *sdkCode                  `json:"cpuArchitectureType"`
	OsCategoryType          *sdkCode                  `json:"osCategoryType"`
	OsType                  *sdkCode                  `json:"osType"`
	ServerImageStatus       *sdkCode                  `json:"serverImageStatus"`
	ServerImageOperation    *sdkCode                  `json:"serverImageOperation"`
	ServerImageStatusName   *string                   `json:"serverImageStatusName"`
	CreateDate              *string                   `json:"createDate"`
	ShareStatus             *sdkCode                  `json:"shareStatus"`
	SharedLoginIdList       []*string                 `json:"sharedLoginIdList"`
	BlockStorageMappingList []*sdkBlockStorageMapping `json:"blockStorageMappingList"`
}

type sdkServerSpec struct {
	ServerSpecCode            *string  `json:"serverSpecCode"`
	GenerationCode            *string  `json:"generationCode"`
	CpuCount                  *int32   `json:"cpuCount"`
	MemorySize                *int64   `json:"memorySize"`
	HypervisorType            *sdkCode `json:"hypervisorType"`
	CpuArchitectureType       *sdkCode `json:"cpuArchitectureType"`
	BlockStorageMaxCount      *int32   `json:"blockStorageMaxCount"`
	BlockStorageMaxIops       *int32   `json:"blockStorageMaxIops"`
	BlockStorageMaxThroughput *int32   `json:"blockStorageMaxThroughput"`
	NetworkPerformance        *int64   `json:"networkPerformance"`
	NetworkInterfaceMaxCount  *int32   `json:"networkInterfaceMaxCount"`
	ServerProductCode         *string  `json:"serverProductCode"`
	ServerSpecDescription     *string  `json:"serverSpecDescription"`
	GpuCount                  *int32   `json:"gpuCount"`
	ServerSpecNo              *string  `json:"serverSpecNo"` // not in the SDK model; ncp.md §2.1 lists it
}

type sdkProduct struct {
	ProductCode             *string  `json:"productCode"`
	ProductName             *string  `json:"productName"`
	ProductType             *sdkCode `json:"productType"`
	ProductDescription      *string  `json:"productDescription"`
	InfraResourceType       *sdkCode `json:"infraResourceType"`
	InfraResourceDetailType *sdkCode `json:"infraResourceDetailType"`
	CpuCount                *int32   `json:"cpuCount"`
	MemorySize              *int64   `json:"memorySize"`
	BaseBlockStorageSize    *int64   `json:"baseBlockStorageSize"`
	PlatformType            *sdkCode `json:"platformType"`
	OsInformation           *string  `json:"osInformation"`
	DiskType                *sdkCode `json:"diskType"`
	DbKindCode              *string  `json:"dbKindCode"`
	AddBlockStorageSize     *int64   `json:"addBlockStorageSize"`
	GenerationCode          *string  `json:"generationCode"`
}

type sdkLoginKey struct {
	KeyName     *string `json:"keyName"`
	Fingerprint *string `json:"fingerprint"`
	PublicKey   *string `json:"publicKey"`
	CreateDate  *string `json:"createDate"`
}

type sdkNetworkInterface struct {
	NetworkInterfaceNo          *string   `json:"networkInterfaceNo"`
	NetworkInterfaceName        *string   `json:"networkInterfaceName"`
	SubnetNo                    *string   `json:"subnetNo"`
	DeleteOnTermination         *bool     `json:"deleteOnTermination"`
	IsDefault                   *bool     `json:"isDefault"`
	DeviceName                  *string   `json:"deviceName"`
	NetworkInterfaceStatus      *sdkCode  `json:"networkInterfaceStatus"`
	InstanceType                *sdkCode  `json:"instanceType"`
	InstanceNo                  *string   `json:"instanceNo"`
	Ip                          *string   `json:"ip"`
	MacAddress                  *string   `json:"macAddress"`
	AccessControlGroupNoList    []*string `json:"accessControlGroupNoList"`
	NetworkInterfaceDescription *string   `json:"networkInterfaceDescription"`
	SecondaryIpList             []*string `json:"secondaryIpList"`
}

type sdkAccessControlGroup struct {
	AccessControlGroupNo          *string  `json:"accessControlGroupNo"`
	AccessControlGroupName        *string  `json:"accessControlGroupName"`
	IsDefault                     *bool    `json:"isDefault"`
	VpcNo                         *string  `json:"vpcNo"`
	AccessControlGroupStatus      *sdkCode `json:"accessControlGroupStatus"`
	AccessControlGroupDescription *string  `json:"accessControlGroupDescription"`
}

type sdkInitScript struct {
	InitScriptNo          *string  `json:"initScriptNo"`
	InitScriptName        *string  `json:"initScriptName"`
	CreateDate            *string  `json:"createDate"`
	InitScriptDescription *string  `json:"initScriptDescription"`
	InitScriptContent     *string  `json:"initScriptContent"`
	OsType                *sdkCode `json:"osType"`
}

type sdkPublicIpInstance struct {
	PublicIpInstanceNo         *string  `json:"publicIpInstanceNo"`
	PublicIp                   *string  `json:"publicIp"`
	PublicIpDescription        *string  `json:"publicIpDescription"`
	CreateDate                 *string  `json:"createDate"`
	PublicIpInstanceStatusName *string  `json:"publicIpInstanceStatusName"`
	PublicIpInstanceStatus     *sdkCode `json:"publicIpInstanceStatus"`
	ServerInstanceNo           *string  `json:"serverInstanceNo"`
	ServerName                 *string  `json:"serverName"`
	PrivateIp                  *string  `json:"privateIp"`
	LastModifyDate             *string  `json:"lastModifyDate"`
	PublicIpInstanceOperation  *sdkCode `json:"publicIpInstanceOperation"`
}

type sdkRegion struct {
	RegionCode *string `json:"regionCode"`
	RegionName *string `json:"regionName"`
}

type sdkZone struct {
	ZoneName        *string `json:"zoneName"`
	ZoneCode        *string `json:"zoneCode"`
	RegionCode      *string `json:"regionCode"`
	ZoneDescription *string `json:"zoneDescription"`
}

// services/vpc models.

type sdkVpc struct {
	VpcNo         *string  `json:"vpcNo"`
	VpcName       *string  `json:"vpcName"`
	Ipv4CidrBlock *string  `json:"ipv4CidrBlock"`
	VpcStatus     *sdkCode `json:"vpcStatus"`
	RegionCode    *string  `json:"regionCode"`
	CreateDate    *string  `json:"createDate"`
}

type sdkSubnet struct {
	SubnetNo     *string  `json:"subnetNo"`
	VpcNo        *string  `json:"vpcNo"`
	ZoneCode     *string  `json:"zoneCode"`
	SubnetName   *string  `json:"subnetName"`
	Subnet       *string  `json:"subnet"`
	SubnetStatus *sdkCode `json:"subnetStatus"`
	CreateDate   *string  `json:"createDate"`
	SubnetType   *sdkCode `json:"subnetType"`
	UsageType    *sdkCode `json:"usageType"`
	NetworkAclNo *string  `json:"networkAclNo"`
}

type sdkNetworkAcl struct {
	NetworkAclNo          *string  `json:"networkAclNo"`
	NetworkAclName        *string  `json:"networkAclName"`
	VpcNo                 *string  `json:"vpcNo"`
	NetworkAclStatus      *sdkCode `json:"networkAclStatus"`
	NetworkAclDescription *string  `json:"networkAclDescription"`
	CreateDate            *string  `json:"createDate"`
	IsDefault             *bool    `json:"isDefault"`
}

type sdkRouteTable struct {
	RouteTableNo          *string  `json:"routeTableNo"`
	RouteTableName        *string  `json:"routeTableName"`
	RegionCode            *string  `json:"regionCode"`
	VpcNo                 *string  `json:"vpcNo"`
	SupportedSubnetType   *sdkCode `json:"supportedSubnetType"`
	IsDefault             *bool    `json:"isDefault"`
	RouteTableStatus      *sdkCode `json:"routeTableStatus"`
	RouteTableDescription *string  `json:"routeTableDescription"`
}

type sdkRoute struct {
	DestinationCidrBlock *string  `json:"destinationCidrBlock"`
	TargetName           *string  `json:"targetName"`
	RouteTableNo         *string  `json:"routeTableNo"`
	TargetType           *sdkCode `json:"targetType"`
	TargetNo             *string  `json:"targetNo"`
	IsDefault            *bool    `json:"isDefault"`
}

type sdkNetworkAclRule struct {
	NetworkAclNo              *string  `json:"networkAclNo"`
	Priority                  *int32   `json:"priority"`
	ProtocolType              *sdkCode `json:"protocolType"`
	PortRange                 *string  `json:"portRange"`
	RuleAction                *sdkCode `json:"ruleAction"`
	CreateDate                *string  `json:"createDate"`
	IpBlock                   *string  `json:"ipBlock"`
	DenyAllowGroupNo          *string  `json:"denyAllowGroupNo"`
	NetworkAclRuleType        *sdkCode `json:"networkAclRuleType"`
	NetworkAclRuleDescription *string  `json:"networkAclRuleDescription"`
}

// sdkLists maps each list an answer can carry to the element type the SDK
// declares for it.
var sdkLists = map[string]reflect.Type{
	"serverInstanceList":            reflect.TypeFor[sdkServerInstance](),
	"blockStorageInstanceList":      reflect.TypeFor[sdkBlockStorageInstance](),
	"memberServerImageInstanceList": reflect.TypeFor[sdkMemberServerImageInstance](),
	"serverImageList":               reflect.TypeFor[sdkServerImage](),
	"serverSpecList":                reflect.TypeFor[sdkServerSpec](),
	"productList":                   reflect.TypeFor[sdkProduct](),
	"loginKeyList":                  reflect.TypeFor[sdkLoginKey](),
	"networkInterfaceList":          reflect.TypeFor[sdkNetworkInterface](),
	"accessControlGroupList":        reflect.TypeFor[sdkAccessControlGroup](),
	"initScriptList":                reflect.TypeFor[sdkInitScript](),
	"publicIpInstanceList":          reflect.TypeFor[sdkPublicIpInstance](),
	"regionList":                    reflect.TypeFor[sdkRegion](),
	"zoneList":                      reflect.TypeFor[sdkZone](),
	"vpcList":                       reflect.TypeFor[sdkVpc](),
	"subnetList":                    reflect.TypeFor[sdkSubnet](),
	"networkAclList":                reflect.TypeFor[sdkNetworkAcl](),
	"networkAclRuleList":            reflect.TypeFor[sdkNetworkAclRule](),
	"routeTableList":                reflect.TypeFor[sdkRouteTable](),
	"routeList":                     reflect.TypeFor[sdkRoute](),
}

// sdkDecode decodes one answer the way the SDK would, into the mirrored
// types, and fails on a field of the wrong type or one no type declares.
func sdkDecode(t *testing.T, op string, body []byte) {
	t.Helper()
	var env map[string]map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil || len(env) != 1 || env[op+"Response"] == nil {
		t.Fatalf("%s: not an %sResponse envelope: %v %s", op, op, err, body)
	}
	for key, raw := range env[op+"Response"] {
		var err error
		switch key {
		case "requestId", "returnCode", "returnMessage", "keyName", "privateKey":
			var s *string
			err = strictDecode(raw, &s)
		case "totalRows":
			var n *int32
			err = strictDecode(raw, &n)
		default:
			typ, ok := sdkLists[key]
			if !ok {
				t.Errorf("%s: field %s has no SDK type", op, key)
				continue
			}
			list := reflect.New(reflect.SliceOf(reflect.PointerTo(typ)))
			err = strictDecode(raw, list.Interface())
		}
		if err != nil {
			t.Errorf("%s: %s does not decode into the SDK's type: %v", op, key, err)
		}
	}
	// The real API leaves empty optional values out rather than send ""
	// where the SDK expects a number (issue 20); "" is only ever a string.
	if bytes.Contains(body, []byte(`"blockStorageSnapshotInstanceNo": ""`)) {
		t.Errorf("%s: sends an empty blockStorageSnapshotInstanceNo", op)
	}
}

func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// TestEveryAnswerDecodesIntoTheSDKTypes drives every operation the
// simulator serves and decodes each answer into the SDK's declared types.
func TestEveryAnswerDecodesIntoTheSDKTypes(t *testing.T) {
	h := newHarness(t, nil)
	done := map[string]bool{}
	call := func(op string, kv ...string) response {
		t.Helper()
		r := h.call(op, kv...)
		r.ok(t)
		sdkDecode(t, op, r.body)
		done[op] = true
		return r
	}
	first := func(r response, list, field string) string {
		t.Helper()
		return r.list(t, list)[0][field].(string)
	}
	for _, op := range []string{"getRegionList", "getZoneList", "getServerImageList", "getVpcList", "getSubnetList",
		"getAccessControlGroupList", "getNetworkAclList", "getRouteTableList", "getInitScriptList", "getLoginKeyList",
		"getServerInstanceList", "getBlockStorageInstanceList", "getMemberServerImageInstanceList", "getNetworkInterfaceList"} {
		call(op)
	}
	call("getServerSpecList", "serverSpecCodeList.1", "s2-g2-s50")
	call("getServerProductList", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050")
	call("getServerImageProductList")
	call("getVpcDetail", "vpcNo", "75")
	call("getSubnetDetail", "subnetNo", "36")
	call("getNetworkAclDetail", "networkAclNo", networkACLNo("75"))
	call("getNetworkAclRuleList", "networkAclNo", networkACLNo("75"))
	call("getRouteTableDetail", "routeTableNo", routeTableNo("75", "PUBLIC"))
	call("getRouteList", "vpcNo", "75", "routeTableNo", routeTableNo("75", "PUBLIC"))
	call("getRouteTableSubnetList", "vpcNo", "75", "routeTableNo", routeTableNo("75", "PUBLIC"))
	call("createLoginKey", "keyName", "sdk-key")
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host"
	call("importLoginKey", "keyName", "sdk-imported", "publicKey", pub)
	call("deleteLoginKeys", "keyNameList.1", "sdk-imported")
	acg := first(call("createAccessControlGroup", "vpcNo", "75", "accessControlGroupName", "sdk-acg"), "accessControlGroupList", "accessControlGroupNo")
	call("getAccessControlGroupDetail", "accessControlGroupNo", acg)
	script := first(call("createInitScript", "initScriptContent", "#!/bin/sh\necho hi\n", "osTypeCode", "LNX"), "initScriptList", "initScriptNo")
	call("getInitScriptDetail", "initScriptNo", script)

	srv := first(call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"serverSpecCode", "s2-g2-s50", "vpcNo", "75", "subnetNo", "36", "serverName", "sdk-1", "loginKeyName", "sdk-key",
		"networkInterfaceList.1.networkInterfaceOrder", "0", "networkInterfaceList.1.accessControlGroupNoList.1", "43",
		// Nested lists decode only when they have items.
		"blockDevicePartitionList.1.mountPoint", "/", "blockDevicePartitionList.1.partitionSize", "50", "initScriptNo", script),
		"serverInstanceList", "serverInstanceNo")
	h.advance(fInit + fCreat + fSetup + 0.01)
	call("getServerInstanceDetail", "serverInstanceNo", srv)
	call("getServerInstanceList")
	call("getBlockStorageInstanceList")
	call("changeServerInstanceName", "serverInstanceNo", srv, "serverName", "sdk-one")
	call("setProtectServerTermination", "serverInstanceNo", srv, "isProtectServerTermination", "false")
	call("rebootServerInstances", "serverInstanceNoList.1", srv)
	h.advance(fReboot + 0.01)
	nic := first(call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", acg),
		"networkInterfaceList", "networkInterfaceNo")
	call("getNetworkInterfaceDetail", "networkInterfaceNo", nic)
	call("attachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", nic, "subnetNo", "36")
	call("getNetworkInterfaceList", "instanceNo", srv)
	call("detachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", nic, "subnetNo", "36")
	call("deleteNetworkInterface", "networkInterfaceNo", nic)
	call("deleteAccessControlGroup", "vpcNo", "75", "accessControlGroupNo", acg)
	call("deleteInitScripts", "initScriptNoList.1", script)

	pip := first(call("createPublicIpInstance", "publicIpDescription", "fleet:sdk server/sdk-1"), "publicIpInstanceList", "publicIpInstanceNo")
	call("associatePublicIpWithServerInstance", "publicIpInstanceNo", pip, "serverInstanceNo", srv)
	h.advance(fPublicIP + 0.01)
	call("getPublicIpInstanceList", "isAssociated", "true")
	call("disassociatePublicIpFromServerInstance", "publicIpInstanceNo", pip, "serverInstanceNo", srv)
	h.advance(fPublicIP + 0.01)
	call("getPublicIpInstanceDetail", "publicIpInstanceNo", pip)
	call("deletePublicIpInstance", "publicIpInstanceNo", pip)

	vol := first(call("createBlockStorageInstance", "serverInstanceNo", srv, "blockStorageSize", "10"),
		"blockStorageInstanceList", "blockStorageInstanceNo")
	call("getBlockStorageInstanceDetail", "blockStorageInstanceNo", vol)
	h.advance(fVolInit + fVolAttach + 0.01)
	call("changeBlockStorageVolumeSize", "blockStorageInstanceNo", vol, "blockStorageSize", "20")
	h.advance(fVolChange + 0.01)
	call("changeBlockStorageInstance", "blockStorageInstanceNo", vol, "blockStorageSize", "30")
	h.advance(fVolChange + 0.01)
	call("detachBlockStorageInstances", "blockStorageInstanceNoList.1", vol)
	h.advance(fVolDetach + fSetup + 0.01)
	call("attachBlockStorageInstance", "serverInstanceNo", srv, "blockStorageInstanceNo", vol)
	h.advance(fVolAttach + 0.01)
	call("deleteBlockStorageInstances", "blockStorageInstanceNoList.1", vol)
	h.advance(fVolDetach + fVolDelete + fSetup + 0.01)

	call("stopServerInstances", "serverInstanceNoList.1", srv)
	h.advance(fStop + 0.01)
	img := first(call("createMemberServerImageInstance", "serverInstanceNo", srv, "memberServerImageName", "sdk-image"),
		"memberServerImageInstanceList", "memberServerImageInstanceNo")
	call("getMemberServerImageInstanceDetail", "memberServerImageInstanceNo", img)
	h.advance(fImage + 0.01)
	call("changeServerInstanceSpec", "serverInstanceNo", srv, "serverSpecCode", "s4-g2-s50")
	h.advance(fChange + 0.01)
	call("startServerInstances", "serverInstanceNoList.1", srv)
	h.advance(fStart + 0.01)
	call("stopServerInstances", "serverInstanceNoList.1", srv)
	h.advance(fStop + 0.01)
	call("terminateServerInstances", "serverInstanceNoList.1", srv)
	call("deleteMemberServerImageInstances", "memberServerImageInstanceNoList.1", img)

	var missed []string
	for op := range vserverOps {
		if !done[op] {
			missed = append(missed, op)
		}
	}
	slices.Sort(missed)
	if len(missed) > 0 {
		t.Errorf("operations this test does not drive: %s", strings.Join(missed, ", "))
	}
}
