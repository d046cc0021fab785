package coverage

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const ncpKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGn3t4Xf0sWmYb0n3uZ8sU1p2Qy8d8b6Q2mS3a7gT9pE coverage@fleet\n"

// ncpFleet is the fleet file of the NCP tests; extra is YAML appended at
// the end (images:, more servers).
func ncpFleet(c *cloud, webPower string, extra string) string {
	return fmt.Sprintf(`version: 1
name: cov
providers:
  ncp: { type: ncloud, region: KR, endpoint: %q }
keypairs:
  cov-key: { provider: ncp, public_key_file: cov.pub }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"], ip: 10.0.1.77 }
    key: cov-key
    power: %s
    protect: true
    public_ip: true
    init_script: "5501"
    placement_group: "7801"
    billing: monthly
    description: front door
    root_volume: { size: 100, type: SSD, encrypted: true }
    partitions:
      - { mount_point: /data, size: 20 }
  alt:
    provider: ncp
    image: "19733470"
    type: SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002
    network: { vpc: "75", subnet: "36" }
    key: cov-key
    volumes:
      - { name: logs, size: 10, type: SSD }
%s`, c.ncpEndpoint(), webPower, extra)
}

// serverDetail is getServerInstanceDetail's answer.
type serverDetail struct {
	ServerInstanceList []serverDetailItem `json:"serverInstanceList"`
}

func (c *cloud) ncpServer(id string) serverDetailItem {
	c.t.Helper()
	var out serverDetail
	c.ncp("getServerInstanceDetail", url.Values{"serverInstanceNo": {id}}, &out)
	return one(c.t, "getServerInstanceDetail "+id, out.ServerInstanceList)
}

// serverDetailItem is the part of NCP's serverInstance the tests read back.
type serverDetailItem struct {
	ServerInstanceNo            string                `json:"serverInstanceNo"`
	ServerName                  string                `json:"serverName"`
	ServerDescription           string                `json:"serverDescription"`
	LoginKeyName                string                `json:"loginKeyName"`
	PublicIP                    string                `json:"publicIp"`
	ServerImageProductCode      string                `json:"serverImageProductCode"`
	ServerImageNo               string                `json:"serverImageNo"`
	ServerSpecCode              string                `json:"serverSpecCode"`
	ServerProductCode           string                `json:"serverProductCode"`
	IsProtectServerTermination  bool                  `json:"isProtectServerTermination"`
	VpcNo                       string                `json:"vpcNo"`
	SubnetNo                    string                `json:"subnetNo"`
	InitScriptNo                string                `json:"initScriptNo"`
	PlacementGroupNo            string                `json:"placementGroupNo"`
	MemberServerImageInstanceNo string                `json:"memberServerImageInstanceNo"`
	NetworkInterfaceNoList      []string              `json:"networkInterfaceNoList"`
	ServerInstanceStatus        struct{ Code string } `json:"serverInstanceStatus"`
	BlockDevicePartitionList    []struct {
		MountPoint    string `json:"mountPoint"`
		PartitionSize any    `json:"partitionSize"`
	} `json:"blockDevicePartitionList"`
}

// volumesOf lists the block storage of a server as NCP reports it.
type volumeItem struct {
	BlockStorageName  string                `json:"blockStorageName"`
	BlockStorageSize  int64                 `json:"blockStorageSize"`
	IsEncryptedVolume bool                  `json:"isEncryptedVolume"`
	BlockStorageType  struct{ Code string } `json:"blockStorageType"`
	DiskDetail        struct{ Code string } `json:"blockStorageDiskDetailType"`
	Status            struct{ Code string } `json:"blockStorageInstanceStatus"`
}

func (c *cloud) ncpVolumes(serverID string) map[string]volumeItem {
	c.t.Helper()
	var out struct {
		BlockStorageInstanceList []volumeItem `json:"blockStorageInstanceList"`
	}
	c.ncp("getBlockStorageInstanceList", url.Values{"serverInstanceNo": {serverID}}, &out)
	m := map[string]volumeItem{}
	for _, v := range out.BlockStorageInstanceList {
		m[v.BlockStorageType.Code+"/"+v.BlockStorageName] = v
	}
	return m
}

// TestNCPCreateParameters applies servers that use every createServerInstances
// parameter a fleet file exposes (seed 000) and checks each one twice: in the
// request fleet sent, and in the server the simulator reports afterwards.
func TestNCPCreateParameters(t *testing.T) {
	c := newCloud(t)
	c.writeFile("cov.pub", ncpKey)
	c.apply(ncpFleet(c, "running", ""))

	// The login key is imported before the servers that name it.
	imp := one(t, "importLoginKey", c.ncpCalls("importLoginKey"))
	fields(t, "importLoginKey", imp, map[string]string{"keyName": "cov-key", "publicKey": strings.TrimSpace(ncpKey)})

	creates := c.ncpCalls("createServerInstances")
	if len(creates) != 2 {
		t.Fatalf("want 2 createServerInstances, got %d", len(creates))
	}
	byName := map[string]url.Values{}
	for _, f := range creates {
		byName[f.Get("serverName")] = f
	}
	fields(t, "create web", byName["web"], map[string]string{
		"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"serverSpecCode":         "s2-g2-s50",
		"vpcNo":                  "75",
		"subnetNo":               "36",
		"networkInterfaceList.1.networkInterfaceOrder":         "0",
		"networkInterfaceList.1.ip":                            "10.0.1.77",
		"networkInterfaceList.1.accessControlGroupNoList.1":    "43",
		"placementGroupNo":                                     "7801",
		"isEncryptedBaseBlockStorageVolume":                    "true",
		"feeSystemTypeCode":                                    "FXSUM",
		"serverCreateCount":                                    "1",
		"serverDescription":                                    "front door fleet:cov server/web",
		"initScriptNo":                                         "5501",
		"loginKeyName":                                         "cov-key",
		"associateWithPublicIp":                                "true",
		"isProtectServerTermination":                           "true",
		"blockStorageMappingList.1.order":                      "0",
		"blockStorageMappingList.1.blockStorageSize":           "100",
		"blockStorageMappingList.1.blockStorageVolumeTypeCode": "SSD",
		"blockDevicePartitionList.1.mountPoint":                "/data",
		"blockDevicePartitionList.1.partitionSize":             "20",
		"regionCode":                                           "KR",
		"responseFormatType":                                   "json",
	})
	fields(t, "create alt", byName["alt"], map[string]string{
		"serverImageNo":          "19733470",
		"serverProductCode":      "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002",
		"serverImageProductCode": "",
		"serverSpecCode":         "",
		// No ACG in the file: the VPC's default ACG goes on NIC 0.
		"networkInterfaceList.1.networkInterfaceOrder": "0",
	})
	if byName["alt"].Get("networkInterfaceList.1.accessControlGroupNoList.1") == "" {
		t.Error("create alt: NIC 0 has no ACG; the VPC default ACG should be sent")
	}

	// Read back through getServerInstanceDetail.
	web := c.ncpServer(c.stateID("server/web"))
	if web.ServerImageProductCode != "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050" || web.ServerSpecCode != "s2-g2-s50" ||
		web.VpcNo != "75" || web.SubnetNo != "36" || web.PlacementGroupNo != "7801" || web.InitScriptNo != "5501" ||
		web.LoginKeyName != "cov-key" || web.PublicIP == "" || !web.IsProtectServerTermination ||
		web.ServerDescription != "front door fleet:cov server/web" || web.ServerInstanceStatus.Code != "RUN" {
		t.Errorf("web as the simulator reports it: %+v", web)
	}
	if len(web.BlockDevicePartitionList) != 1 || web.BlockDevicePartitionList[0].MountPoint != "/data" {
		t.Errorf("web partitions: %+v", web.BlockDevicePartitionList)
	}
	var nics struct {
		NetworkInterfaceList []struct {
			IP                       string   `json:"ip"`
			AccessControlGroupNoList []string `json:"accessControlGroupNoList"`
			DeviceName               string   `json:"deviceName"`
		} `json:"networkInterfaceList"`
	}
	c.ncp("getNetworkInterfaceDetail", url.Values{"networkInterfaceNo": {one(t, "web NICs", web.NetworkInterfaceNoList)}}, &nics)
	nic := one(t, "getNetworkInterfaceDetail", nics.NetworkInterfaceList)
	if nic.IP != "10.0.1.77" || strings.Join(nic.AccessControlGroupNoList, ",") != "43" {
		t.Errorf("web NIC 0: %+v", nic)
	}
	root, ok := c.ncpVolumes(web.ServerInstanceNo)["BASIC/web-basic"]
	if !ok || root.BlockStorageSize != 100<<30 || !root.IsEncryptedVolume || root.DiskDetail.Code != "SSD" {
		t.Errorf("web root volume: %+v (found %v)", root, ok)
	}

	alt := c.ncpServer(c.stateID("server/alt"))
	if alt.ServerImageNo != "19733470" || alt.ServerProductCode != "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002" {
		t.Errorf("alt as the simulator reports it: %+v", alt)
	}
	// Extra volumes are their own addresses, made by createBlockStorageInstance
	// on the server (see the blockStorageMappingList rows).
	vc := one(t, "createBlockStorageInstance", c.ncpCalls("createBlockStorageInstance"))
	fields(t, "createBlockStorageInstance", vc, map[string]string{
		"blockStorageName": "alt-logs", "blockStorageSize": "10", "serverInstanceNo": alt.ServerInstanceNo,
		"blockStorageDescription": "fleet:cov volume/alt/logs",
	})
	if v, ok := c.ncpVolumes(alt.ServerInstanceNo)["SVRBS/alt-logs"]; !ok || v.BlockStorageSize != 10<<30 || v.Status.Code != "ATTAC" {
		t.Errorf("alt volume logs: %+v (found %v)", v, ok)
	}
}

// TestNCPPowerAndImages drives startServerInstances (seed 001) through
// power, createMemberServerImageInstance (seed 003) through images: waited
// from INIT to CREAT, and a server booted from that image through
// image: image/NAME (memberServerImageInstanceNo).
func TestNCPPowerAndImages(t *testing.T) {
	c := newCloud(t)
	c.writeFile("cov.pub", ncpKey)
	c.apply(ncpFleet(c, "stopped", ""))
	web := c.stateID("server/web")
	if got := c.ncpServer(web).ServerInstanceStatus.Code; got != "NSTOP" {
		t.Fatalf("web after power: stopped is %s", got)
	}
	if len(c.ncpCalls("stopServerInstances")) == 0 {
		t.Error("power: stopped sent no stopServerInstances")
	}

	images := `images:
  golden: { from: web }
`
	clone := `  clone:
    provider: ncp
    image: image/golden
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"] }
    key: cov-key
`
	c.apply(ncpFleet(c, "running", clone+images))

	start := one(t, "startServerInstances", c.ncpCalls("startServerInstances"))
	fields(t, "startServerInstances", start, map[string]string{"serverInstanceNoList.1": web, "regionCode": "KR", "responseFormatType": "json"})
	if got := c.ncpServer(web).ServerInstanceStatus.Code; got != "RUN" {
		t.Errorf("web after power: running is %s", got)
	}

	img := one(t, "createMemberServerImageInstance", c.ncpCalls("createMemberServerImageInstance"))
	fields(t, "createMemberServerImageInstance", img, map[string]string{
		"serverInstanceNo": web, "memberServerImageName": "golden",
		"memberServerImageDescription": "fleet:cov image/golden", "regionCode": "KR", "responseFormatType": "json",
	})
	imageID := c.stateID("image/golden")
	var detail struct {
		MemberServerImageInstanceList []struct {
			MemberServerImageInstanceNo string                `json:"memberServerImageInstanceNo"`
			OriginalServerInstanceNo    string                `json:"originalServerInstanceNo"`
			Status                      struct{ Code string } `json:"memberServerImageInstanceStatus"`
		} `json:"memberServerImageInstanceList"`
	}
	c.ncp("getMemberServerImageInstanceDetail", url.Values{"memberServerImageInstanceNo": {imageID}}, &detail)
	got := one(t, "getMemberServerImageInstanceDetail", detail.MemberServerImageInstanceList)
	if got.Status.Code != "CREAT" || got.OriginalServerInstanceNo != web {
		t.Errorf("image golden: %+v", got)
	}
	// The apply waited: the timeline shows INIT before CREAT, and the clone
	// was created only after the image was ready.
	var seen []string
	for _, e := range c.sim.Timeline.Events() {
		if e.Cloud == "ncloud" && e.Kind == "image" && e.ID == imageID {
			seen = append(seen, e.Status)
		}
	}
	if strings.Join(seen, ",") != "INIT,CREAT" {
		t.Errorf("image status timeline %v, want INIT,CREAT", seen)
	}
	var cloneForm url.Values
	for _, f := range c.ncpCalls("createServerInstances") {
		if f.Get("serverName") == "clone" {
			cloneForm = f
		}
	}
	fields(t, "create clone", cloneForm, map[string]string{
		"memberServerImageInstanceNo": imageID, "serverImageProductCode": "", "serverImageNo": "",
	})
	if got := c.ncpServer(c.stateID("server/clone")).MemberServerImageInstanceNo; got != imageID {
		t.Errorf("clone boots from %q, want member image %s", got, imageID)
	}
}
