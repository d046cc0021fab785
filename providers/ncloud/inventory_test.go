package ncloud

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func TestInventory(t *testing.T) {
	f := newFake(t)
	web := strings.NewReplacer(`"initScriptNo": ""`, `"initScriptNo": "63194"`,
		`"placementGroupNo": ""`, `"placementGroupNo": "812", "blockDevicePartitionList": [{"mountPoint": "/data", "partitionSize": "50"}, {"mountPoint": "/", "partitionSize": "50"}]`,
	).Replace(serverJSON("1", "web-1", "front fleet:shop server/web-1", "RUN", "NULL"))
	other := serverJSON("2", "web-1", "fleet:blog server/web-1", "RUN", "NULL")
	hand := serverJSON("3", "manual", "made by hand", "RUN", "NULL")
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList(hand, other, web)))
	f.on("getBlockStorageInstanceList", ok("getBlockStorageInstanceList", volumeList(
		volumeJSON("10", "1", "BASIC", "", "ATTAC", "NULL", 50),
		volumeJSON("11", "1", "SVRBS", "fleet:shop volume/web-1/data", "ATTAC", "NULL", 100),
		volumeJSON("12", "3", "SVRBS", "", "ATTAC", "NULL", 100),
	)))
	f.on("getNetworkInterfaceList", ok("getNetworkInterfaceList", `"totalRows": 1, "networkInterfaceList": [{"networkInterfaceNo": "930", "instanceNo": "1", "ip": "10.0.1.11", "deviceName": "eth0", "accessControlGroupNoList": ["44", "43"]}]`))
	f.on("getMemberServerImageInstanceList", ok("getMemberServerImageInstanceList", `"totalRows": 2, "memberServerImageInstanceList": [
		{"memberServerImageInstanceNo": "2264", "memberServerImageName": "golden", "memberServerImageDescription": "fleet:shop image/golden", "originalServerInstanceNo": "1", "memberServerImageInstanceStatus": {"code": "CREAT"}, "memberServerImageInstanceOperation": {"code": "NULL"}, "memberServerImageBlockStorageTotalRows": 1, "memberServerImageBlockStorageTotalSize": 53687091200},
		{"memberServerImageInstanceNo": "2265", "memberServerImageName": "theirs", "memberServerImageInstanceStatus": {"code": "CREAT"}, "memberServerImageBlockStorageTotalRows": 2, "memberServerImageBlockStorageTotalSize": 161061273600}]`))
	f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 1, "loginKeyList": [{"keyName": "prod-key", "fingerprint": "eb:8d"}]`))
	// An address allocated for web-1 by a run that stopped before associating
	// it; one of another fleet; one made by hand.
	f.on("getPublicIpInstanceList", ok("getPublicIpInstanceList", `"totalRows": 3, "publicIpInstanceList": [
		{"publicIpInstanceNo": "501", "publicIp": "211.188.48.2", "publicIpDescription": "fleet:shop server/web-1", "serverInstanceNo": ""},
		{"publicIpInstanceNo": "502", "publicIp": "211.188.48.3", "publicIpDescription": "fleet:blog server/web-1", "serverInstanceNo": ""},
		{"publicIpInstanceNo": "503", "publicIp": "211.188.48.4", "publicIpDescription": "", "serverInstanceNo": ""}]`))
	f.on("getServerSpecList", ok("getServerSpecList", `"totalRows": 2, "serverSpecList": [
		{"serverSpecCode": "s4-g2-s50", "serverProductCode": "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002", "cpuCount": 4, "memorySize": 17179869184},
		{"serverSpecCode": "c2-g3", "serverProductCode": "SVR.VSVR.HICPU.C002.M004.G003", "cpuCount": 2, "memorySize": 4294967296}]`))
	f.on("getZoneList", ok("getZoneList", `"zoneList": [{"zoneName": "KR-2", "zoneCode": "KR-2"}, {"zoneName": "KR-1", "zoneCode": "KR-1"}]`))
	f.on("getServerImageProductList", ok("getServerImageProductList", `"totalRows": 1, "productList": [
		{"productCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "productName": "Ubuntu Server 20.04 (64-bit)", "baseBlockStorageSize": 53687091200}]`))
	f.on("getServerImageList", ok("getServerImageList", `"totalRows": 1, "serverImageList": [
		{"serverImageNo": "104630229", "serverImageName": "ubuntu-24.04-base", "blockStorageMappingList": [{"order": 0, "blockStorageSize": 10737418240}]}]`))
	f.on("getSubnetList", ok("getSubnetList", `"totalRows": 2, "subnetList": [
		{"subnetNo": "37", "vpcNo": "75", "subnet": "10.0.2.0/24"}, {"subnetNo": "36", "vpcNo": "75", "subnet": "10.0.1.0/24"}]`))
	p := f.provider(nil)

	got, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "shop", Catalog: true})
	if err != nil {
		t.Fatal(err)
	}
	want := providers.InventoryResponse{
		Servers: []providers.Server{{
			ID: "1", Name: "web-1", Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"},
			Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", ImageAliases: []string{"16187005"}, Type: "s2-g2-s50",
			Zone: "KR-1", VPC: "75", Subnet: "36", SecurityGroups: []string{"43", "44"}, IP: "10.0.1.11", Key: "prod-key",
			Power: "running", Status: "RUN", RootVolume: &providers.RootVolume{Size: 50, Type: "SSD"}, PublicIPPending: "501",
			Attached: []string{"11"}, Extra: map[string]string{"description": "front", "init_script": "63194", "interfaces": "930", "placement_group": "812", "partitions": "/:50,/data:50"},
		}},
		Volumes:  []providers.Volume{{ID: "11", Name: "vol-11", Owner: providers.Owner{Fleet: "shop", Address: "volume/web-1/data"}, Size: 100, Type: "SSD", Zone: "KR-1", ServerID: "1", Status: "ATTAC"}},
		Images:   []providers.Image{{ID: "2264", Name: "golden", Owner: providers.Owner{Fleet: "shop", Address: "image/golden"}, SourceServerID: "1", Status: "CREAT", Ready: true}},
		Keypairs: []providers.Keypair{{Name: "prod-key", Owner: providers.Owner{Address: "keypair/prod-key"}, Fingerprint: "eb:8d"}},
		Catalog: &providers.Catalog{
			Types: []providers.TypeInfo{
				{Name: "c2-g3", ID: "SVR.VSVR.HICPU.C002.M004.G003", Family: "HICPU", CPUs: 2, MemoryMB: 4096},
				{Name: "s4-g2-s50", ID: "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002", Family: "STAND", DiskType: "SSD", CPUs: 4, MemoryMB: 16384},
			},
			Zones: []string{"KR-1", "KR-2"},
			// A member image with two volumes reports only their total:
			// the boot disk's size stays unknown.
			Images: []providers.ImageInfo{
				{ID: "104630229", Name: "ubuntu-24.04-base", MinDisk: 10},
				{ID: "2264", Name: "golden", MinDisk: 50},
				{ID: "2265", Name: "theirs"},
				{ID: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", Name: "Ubuntu Server 20.04 (64-bit)", MinDisk: 50},
			},
			Subnets: []providers.SubnetInfo{{ID: "36", Network: "75", CIDR: "10.0.1.0/24"}, {ID: "37", Network: "75", CIDR: "10.0.2.0/24"}},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("inventory (-want +got):\n%s", d)
	}
	if n := p.Calls(); n != 11 {
		t.Errorf("inventory with catalog took %d calls, want 11", n)
	}
	for _, c := range f.calls {
		if c.Op == "getSubnetList" && c.Path != "/vpc/v2/getSubnetList" {
			t.Errorf("getSubnetList called at %s, want the VPC API's /vpc/v2/getSubnetList", c.Path)
		}
	}
	if form := f.last("getServerInstanceList"); form.Get("pageNo") != "1" || form.Get("pageSize") != "1000" {
		t.Errorf("server list not paged with a large page: %v", form)
	}
}

func TestListPages(t *testing.T) {
	const total = 2500
	f := newFake(t)
	f.on("getServerInstanceList", func(form url.Values) (int, string) {
		var no, size int
		fmt.Sscan(form.Get("pageNo"), &no)
		fmt.Sscan(form.Get("pageSize"), &size)
		var items []string
		for i := (no - 1) * size; i < min(no*size, total); i++ {
			items = append(items, fmt.Sprintf(`{"serverInstanceNo": "%d"}`, i))
		}
		return ok("getServerInstanceList", fmt.Sprintf(`"totalRows": %d, "serverInstanceList": [%s]`, total, strings.Join(items, ",")))(form)
	})
	p := f.provider(nil)
	list, err := p.c.servers(context.Background(), filters(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != total {
		t.Fatalf("got %d servers, want %d", len(list), total)
	}
	// Pages after the first are fetched concurrently; the list keeps page order.
	for i, s := range list {
		if s.ServerInstanceNo != fmt.Sprint(i) {
			t.Fatalf("server %d is %s: pages out of order", i, s.ServerInstanceNo)
		}
	}
	if n := p.Calls(); n != 3 {
		t.Errorf("%d servers took %d calls, want 3", total, n)
	}
}

// TestInventoryWithoutInterfaceAPI: a gateway that does not route
// getNetworkInterfaceList costs the private IPs, not the inventory.
func TestInventoryWithoutInterfaceAPI(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList(serverJSON("1", "web-1", "fleet:shop server/web-1", "RUN", "NULL"))))
	f.on("getBlockStorageInstanceList", ok("getBlockStorageInstanceList", volumeList()))
	f.on("getNetworkInterfaceList", answer(404, `{"error":{"errorCode":"300","message":"Not Found Exception"}}`))
	f.on("getMemberServerImageInstanceList", ok("getMemberServerImageInstanceList", `"totalRows": 0, "memberServerImageInstanceList": []`))
	f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 0, "loginKeyList": []`))
	f.on("getPublicIpInstanceList", ok("getPublicIpInstanceList", `"totalRows": 0, "publicIpInstanceList": []`))
	got, err := f.provider(nil).Inventory(context.Background(), providers.InventoryRequest{Fleet: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Servers) != 1 || got.Servers[0].IP != "" || got.Servers[0].SecurityGroups != nil {
		t.Errorf("servers = %+v, want one without IP and ACGs", got.Servers)
	}
}

func TestInventoryFailsOnListError(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList(serverJSON("1", "web-1", "fleet:shop server/web-1", "RUN", "NULL"))))
	f.on("getBlockStorageInstanceList", answer(401, `{"error":{"errorCode":"210","message":"Permission Denied"}}`))
	// The other lists are sent at the same time and succeed.
	f.on("getNetworkInterfaceList", ok("getNetworkInterfaceList", `"totalRows": 0, "networkInterfaceList": []`))
	f.on("getMemberServerImageInstanceList", ok("getMemberServerImageInstanceList", `"totalRows": 0, "memberServerImageInstanceList": []`))
	f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 0, "loginKeyList": []`))
	_, err := f.provider(nil).Inventory(context.Background(), providers.InventoryRequest{Fleet: "shop"})
	if err == nil || !strings.Contains(err.Error(), "Permission Denied") {
		t.Fatalf("err = %v, want the cloud's message", err)
	}
}

// TestInventoryKnown: resources the state records come back tagged or not,
// picked out of the same pages, whether the request names them (Known) or
// gives them once the lists are in (KnownLater, plan's state read while
// the lists are out).
func TestInventoryKnown(t *testing.T) {
	known := []providers.Known{{Kind: addrs.KindServer, ID: "3"}, {Kind: addrs.KindVolume, ID: "12"}}
	tests := []struct {
		name string
		req  func(p *Provider) providers.InventoryRequest
	}{
		{name: "known", req: func(*Provider) providers.InventoryRequest {
			return providers.InventoryRequest{Fleet: "shop", Known: known}
		}},
		{name: "known later", req: func(p *Provider) providers.InventoryRequest {
			return providers.InventoryRequest{Fleet: "shop", KnownLater: func() []providers.Known {
				if n := p.Calls(); n != 6 {
					t.Errorf("KnownLater asked after %d calls, want all 6 lists in", n)
				}
				return known
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on("getServerInstanceList", ok("getServerInstanceList", serverList(serverJSON("3", "manual", "made by hand", "RUN", "NULL"), serverJSON("4", "other", "", "RUN", "NULL"))))
			f.on("getBlockStorageInstanceList", ok("getBlockStorageInstanceList", volumeList(volumeJSON("12", "3", "SVRBS", "", "ATTAC", "NULL", 100), volumeJSON("13", "4", "SVRBS", "", "ATTAC", "NULL", 100))))
			f.on("getNetworkInterfaceList", ok("getNetworkInterfaceList", `"totalRows": 0, "networkInterfaceList": []`))
			f.on("getMemberServerImageInstanceList", ok("getMemberServerImageInstanceList", `"totalRows": 0, "memberServerImageInstanceList": []`))
			f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 0, "loginKeyList": []`))
			f.on("getPublicIpInstanceList", ok("getPublicIpInstanceList", `"totalRows": 0, "publicIpInstanceList": []`))
			p := f.provider(nil)
			got, err := p.Inventory(context.Background(), tt.req(p))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Servers) != 1 || got.Servers[0].ID != "3" || got.Servers[0].Owner != (providers.Owner{}) {
				t.Errorf("servers = %+v, want only the known untagged server 3", got.Servers)
			}
			if len(got.Volumes) != 1 || got.Volumes[0].ID != "12" {
				t.Errorf("volumes = %+v, want only the known volume 12", got.Volumes)
			}
			if p.Calls() != 6 { // servers, volumes, interfaces, public IPs, images, keys
				t.Errorf("calls = %d, want 6", p.Calls())
			}
		})
	}
}
