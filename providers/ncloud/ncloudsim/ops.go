package ncloudsim

// vpcOps are the VPC API's operations (/vpc/v2/) served: the reads of a
// server's network (vpc_ops.go). README.md lists every operation served.
var vpcOps = map[string]operation{
	"getVpcList":              getVpcList,
	"getVpcDetail":            getVpcDetail,
	"getSubnetList":           getSubnetList,
	"getSubnetDetail":         getSubnetDetail,
	"getNetworkAclList":       getNetworkAclList,
	"getNetworkAclDetail":     getNetworkAclDetail,
	"getNetworkAclRuleList":   getNetworkAclRuleList,
	"getRouteTableList":       getRouteTableList,
	"getRouteTableDetail":     getRouteTableDetail,
	"getRouteList":            getRouteList,
	"getRouteTableSubnetList": getRouteTableSubnetList,
}

// vserverOps are the Server (VPC) API's operations (/vserver/v2/).
var vserverOps = map[string]operation{
	"getServerInstanceList":       getServerInstanceList,
	"getServerInstanceDetail":     getServerInstanceDetail,
	"createServerInstances":       createServerInstances,
	"startServerInstances":        startServerInstances,
	"stopServerInstances":         stopServerInstances,
	"rebootServerInstances":       rebootServerInstances,
	"terminateServerInstances":    terminateServerInstances,
	"changeServerInstanceSpec":    changeServerInstanceSpec,
	"setProtectServerTermination": setProtectServerTermination,
	"changeServerInstanceName":    changeServerInstanceName,

	"getServerSpecList":         getServerSpecList,
	"getServerProductList":      getServerProductList,
	"getServerImageProductList": getServerImageProductList,
	"getServerImageList":        getServerImageList,

	"createBlockStorageInstance":    createBlockStorageInstance,
	"getBlockStorageInstanceList":   getBlockStorageInstanceList,
	"getBlockStorageInstanceDetail": getBlockStorageInstanceDetail,
	"attachBlockStorageInstance":    attachBlockStorageInstance,
	"detachBlockStorageInstances":   detachBlockStorageInstances,
	"deleteBlockStorageInstances":   deleteBlockStorageInstances,
	"changeBlockStorageVolumeSize":  changeBlockStorageVolumeSize,
	"changeBlockStorageInstance":    changeBlockStorageVolumeSize,

	"createMemberServerImageInstance":    createMemberServerImageInstance,
	"getMemberServerImageInstanceList":   getMemberServerImageInstanceList,
	"getMemberServerImageInstanceDetail": getMemberServerImageInstanceDetail,
	"deleteMemberServerImageInstances":   deleteMemberServerImageInstances,

	"createLoginKey":  createLoginKey,
	"importLoginKey":  importLoginKey,
	"getLoginKeyList": getLoginKeyList,
	"deleteLoginKeys": deleteLoginKeys,

	"getNetworkInterfaceList":   getNetworkInterfaceList,
	"getNetworkInterfaceDetail": getNetworkInterfaceDetail,
	"createNetworkInterface":    createNetworkInterface,
	"deleteNetworkInterface":    deleteNetworkInterface,
	"attachNetworkInterface":    attachNetworkInterface,
	"detachNetworkInterface":    detachNetworkInterface,

	"getAccessControlGroupList":   getAccessControlGroupList,
	"getAccessControlGroupDetail": getAccessControlGroupDetail,
	"createAccessControlGroup":    createAccessControlGroup,
	"deleteAccessControlGroup":    deleteAccessControlGroup,

	"getInitScriptList":   getInitScriptList,
	"getInitScriptDetail": getInitScriptDetail,
	"createInitScript":    createInitScript,
	"deleteInitScripts":   deleteInitScripts,

	"getPublicIpInstanceList":                getPublicIpInstanceList,
	"getPublicIpInstanceDetail":              getPublicIpInstanceDetail,
	"createPublicIpInstance":                 createPublicIpInstance,
	"associatePublicIpWithServerInstance":    associatePublicIpWithServerInstance,
	"disassociatePublicIpFromServerInstance": disassociatePublicIpFromServerInstance,
	"deletePublicIpInstance":                 deletePublicIpInstance,

	"getRegionList": getRegionList,
	"getZoneList":   getZoneList,
}

func init() {
	// The VPC lists are also answered under /vserver/v2 (see prefixVPC).
	for name, op := range vpcOps {
		vserverOps[name] = op
	}
}
