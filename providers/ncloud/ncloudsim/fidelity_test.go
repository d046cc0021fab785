package ncloudsim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fidelity tests pin what terraform-provider-ncloud on the official SDK
// found against the simulator (issue 20). TestEveryAnswerDecodesIntoTheSDKTypes
// covers the decoding findings.

// An image taken from a server with an added volume carries both volumes,
// and a server created from it gets both back.
func TestMemberImageCarriesItsVolumes(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.running("web", "blockStorageMappingList.1.order", "1", "blockStorageMappingList.1.blockStorageSize", "10",
		"blockStorageMappingList.1.blockStorageVolumeTypeCode", "HDD")
	img := h.call("createMemberServerImageInstance", "serverInstanceNo", srv).list(t, "memberServerImageInstanceList")[0]
	if img["memberServerImageBlockStorageTotalRows"] != float64(2) || img["memberServerImageBlockStorageTotalSize"] != float64(60*gb) {
		t.Fatalf("image of a server with a 10 GB volume: %s", jsonString(img))
	}
	h.advance(fImage)
	no := img["memberServerImageInstanceNo"].(string)
	volumesOf := func(server string) []string {
		var got []string
		for _, v := range h.call("getBlockStorageInstanceList", "serverInstanceNo", server).list(t, "blockStorageInstanceList") {
			got = append(got, codeOf(v, "blockStorageType")+" "+jsonString(v["blockStorageSize"])+" "+codeOf(v, "blockStorageDiskDetailType"))
		}
		return got
	}
	cases := []struct {
		name string
		kv   []string
		want []string
	}{
		{"as imaged", nil, []string{"BASIC 53687091200 SSD", "SVRBS 10737418240 HDD"}},
		{"a mapping of the same order resizes it", []string{"blockStorageMappingList.1.order", "1",
			"blockStorageMappingList.1.blockStorageSize", "20", "blockStorageMappingList.1.blockStorageVolumeTypeCode", "HDD"},
			[]string{"BASIC 53687091200 SSD", "SVRBS 21474836480 HDD"}},
		{"noBlockStorage leaves it out", []string{"blockStorageMappingList.1.order", "1",
			"blockStorageMappingList.1.noBlockStorage", "true"}, []string{"BASIC 53687091200 SSD"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"memberServerImageInstanceNo", no, "vpcNo", "75", "subnetNo", "36",
				"serverName", "from-image-" + string(rune('a'+i))}, tc.kv...)
			c := h.call("createServerInstances", args...).list(t, "serverInstanceList")[0]
			if d := cmp.Diff(tc.want, volumesOf(c["serverInstanceNo"].(string))); d != "" {
				t.Errorf("volumes (-want +got):\n%s", d)
			}
		})
	}
}

// getNetworkInterfaceList filters on the documented instanceNo.
func TestNetworkInterfaceListByInstanceNo(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.createServer("web-a"), h.createServer("web-b")
	for _, srv := range []string{a, b} {
		l := h.call("getNetworkInterfaceList", "instanceNo", srv).list(t, "networkInterfaceList")
		if len(l) != 1 || l[0]["instanceNo"] != srv {
			t.Errorf("instanceNo=%s: %s", srv, jsonString(l))
		}
	}
	if l := h.call("getNetworkInterfaceList").list(t, "networkInterfaceList"); len(l) != 2 {
		t.Errorf("unfiltered: %d NICs, want 2", len(l))
	}
}

// A NIC made on its own is NOTUSED, attaches, detaches, names a server's
// interface at create, outlives that server and is deleted only while free.
func TestNetworkInterfaceLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	nicState := func(no string) string {
		l := h.call("getNetworkInterfaceDetail", "networkInterfaceNo", no).list(t, "networkInterfaceList")
		if len(l) == 0 {
			return "gone"
		}
		inst, _ := l[0]["instanceNo"].(string)
		dev, _ := l[0]["deviceName"].(string)
		return codeOf(l[0], "networkInterfaceStatus") + " " + inst + " " + dev
	}
	n := h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "networkInterfaceName", "spare",
		"accessControlGroupNoList.1", "43", "ip", "10.0.0.50").list(t, "networkInterfaceList")[0]
	no := n["networkInterfaceNo"].(string)
	if n["ip"] != "10.0.0.50" || n["deleteOnTermination"] != false || nicState(no) != "NOTUSED  " {
		t.Fatalf("new NIC: %s", jsonString(n))
	}
	srv := h.running("web")
	h.call("attachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", no, "subnetNo", "37").refused(t, codeInvalid)
	at := h.call("attachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", no, "subnetNo", "36").list(t, "networkInterfaceList")[0]
	if codeOf(at, "networkInterfaceStatus") != "SET" || at["deviceName"] != "eth1" {
		t.Errorf("attach answer: %s", jsonString(at))
	}
	if got := nicState(no); got != "USED "+srv+" eth1" {
		t.Errorf("attached: %s", got)
	}
	h.call("deleteNetworkInterface", "networkInterfaceNo", no).refused(t, codeInvalid)
	eth0 := h.call("getNetworkInterfaceList", "instanceNo", srv, "deviceName", "eth0").list(t, "networkInterfaceList")[0]
	h.call("detachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", eth0["networkInterfaceNo"].(string),
		"subnetNo", "36").refused(t, codeInvalid)
	h.call("detachNetworkInterface", "serverInstanceNo", srv, "networkInterfaceNo", no, "subnetNo", "36").ok(t)
	if got := nicState(no); got != "NOTUSED  " {
		t.Errorf("detached: %s", got)
	}

	// createServerInstances takes it as its primary NIC, keeping its address.
	c := h.createServer("web-nic", "networkInterfaceList.1.networkInterfaceNo", no)
	if got := nicState(no); got != "SET "+c+" eth0" {
		t.Errorf("named at create: %s", got)
	}
	h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "vpcNo", "75",
		"subnetNo", "36", "networkInterfaceList.1.networkInterfaceOrder", "0",
		"networkInterfaceList.1.networkInterfaceNo", no).refused(t, codeInvalid) // used already
	h.advance(fInit + fCreat + fSetup + 0.01)
	if l := h.call("getNetworkInterfaceList", "ip", "10.0.0.50").list(t, "networkInterfaceList"); len(l) != 1 || l[0]["instanceNo"] != c {
		t.Errorf("address kept: %s", jsonString(l))
	}
	h.call("stopServerInstances", "serverInstanceNoList.1", c).ok(t)
	h.advance(fStop + 0.01)
	h.call("terminateServerInstances", "serverInstanceNoList.1", c).ok(t)
	h.advance(fTerminate + 0.01)
	if got := nicState(no); got != "NOTUSED  " {
		t.Errorf("after its server was terminated: %s", got)
	}
	h.call("deleteNetworkInterface", "networkInterfaceNo", no).ok(t)
	if got := nicState(no); got != "gone" {
		t.Errorf("deleted: %s", got)
	}
	// the address is free again
	h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43", "ip", "10.0.0.50").ok(t)
}

func TestAccessControlGroupCreateAndDelete(t *testing.T) {
	h := newHarness(t, nil)
	a := h.call("createAccessControlGroup", "vpcNo", "75", "accessControlGroupName", "web-acg",
		"accessControlGroupDescription", "web").list(t, "accessControlGroupList")[0]
	no := a["accessControlGroupNo"].(string)
	if a["isDefault"] != false || codeOf(a, "accessControlGroupStatus") != "RUN" {
		t.Errorf("created: %s", jsonString(a))
	}
	h.call("createAccessControlGroup", "vpcNo", "75", "accessControlGroupName", "web-acg").refused(t, codeInvalid)
	if l := h.call("getAccessControlGroupList", "vpcNo", "75").list(t, "accessControlGroupList"); len(l) != 2 {
		t.Errorf("list: %s", jsonString(l))
	}
	srv := h.createServer("web", "networkInterfaceList.1.accessControlGroupNoList.1", no)
	h.call("deleteAccessControlGroup", "vpcNo", "75", "accessControlGroupNo", no).refused(t, codeInvalid)   // in use
	h.call("deleteAccessControlGroup", "vpcNo", "75", "accessControlGroupNo", "43").refused(t, codeInvalid) // default
	h.advance(fInit + fCreat + fSetup + 0.01)
	h.call("stopServerInstances", "serverInstanceNoList.1", srv).ok(t)
	h.advance(fStop + 0.01)
	h.call("terminateServerInstances", "serverInstanceNoList.1", srv).ok(t)
	h.advance(fTerminate + 0.01)
	h.call("deleteAccessControlGroup", "vpcNo", "75", "accessControlGroupNo", no).ok(t)
	if l := h.call("getAccessControlGroupDetail", "accessControlGroupNo", no).list(t, "accessControlGroupList"); len(l) != 0 {
		t.Errorf("after delete: %s", jsonString(l))
	}
}

func TestInitScripts(t *testing.T) {
	h := newHarness(t, nil)
	content := "#!/bin/bash\n  echo hi  \n"
	v := h.call("createInitScript", "initScriptName", "boot", "initScriptContent", content, "osTypeCode", "LNX").list(t, "initScriptList")[0]
	no := v["initScriptNo"].(string)
	d := h.call("getInitScriptDetail", "initScriptNo", no).list(t, "initScriptList")
	if len(d) != 1 || d[0]["initScriptContent"] != content || codeOf(d[0], "osType") != "LNX" {
		t.Errorf("detail: %s", jsonString(d))
	}
	h.call("createInitScript", "initScriptName", "boot", "initScriptContent", "x").refused(t, codeInvalid)
	h.call("createInitScript", "initScriptContent", "x", "osTypeCode", "MAC").refused(t, codeInvalid)
	if l := h.call("getInitScriptList", "initScriptName", "boot").list(t, "initScriptList"); len(l) != 1 {
		t.Errorf("by name: %d", len(l))
	}
	if l := h.call("getInitScriptList", "regionCode", "SGN").list(t, "initScriptList"); len(l) != 0 {
		t.Errorf("another region sees it: %d", len(l))
	}
	h.call("deleteInitScripts", "initScriptNoList.1", no).ok(t)
	h.call("deleteInitScripts", "initScriptNoList.1", no).refused(t, codeInvalid)
}

func TestVPCNeighbourhoodReads(t *testing.T) {
	h := newHarness(t, nil)
	vpcCall := func(op string, kv ...string) response {
		q := ""
		for i := 0; i+1 < len(kv); i += 2 {
			q += "&" + kv[i] + "=" + kv[i+1]
		}
		return h.do("GET", prefixVPC+op+"?responseFormatType=json"+q, nil, "x-ncp-apigw-signature-v2")
	}
	acls := vpcCall("getNetworkAclList", "vpcNo", "75").list(t, "networkAclList")
	if len(acls) != 1 || acls[0]["isDefault"] != true {
		t.Fatalf("network ACLs: %s", jsonString(acls))
	}
	sub := vpcCall("getSubnetDetail", "subnetNo", "36").list(t, "subnetList")[0]
	if sub["networkAclNo"] != acls[0]["networkAclNo"] {
		t.Errorf("subnet's ACL %v, VPC's default %v", sub["networkAclNo"], acls[0]["networkAclNo"])
	}
	tables := vpcCall("getRouteTableList", "vpcNo", "75").list(t, "routeTableList")
	var kinds []string
	for _, rt := range tables {
		kinds = append(kinds, codeOf(rt, "supportedSubnetType"))
	}
	if d := cmp.Diff([]string{"PUBLIC", "PRIVATE"}, kinds); d != "" {
		t.Errorf("route tables (-want +got):\n%s", d)
	}
	pub := tables[0]["routeTableNo"].(string)
	routes := vpcCall("getRouteList", "vpcNo", "75", "routeTableNo", pub).list(t, "routeList")
	if len(routes) != 1 || routes[0]["destinationCidrBlock"] != "10.0.0.0/16" || codeOf(routes[0], "targetType") != "LOCAL" {
		t.Errorf("routes: %s", jsonString(routes))
	}
	subs := vpcCall("getRouteTableSubnetList", "vpcNo", "75", "routeTableNo", pub).list(t, "subnetList")
	if len(subs) != 1 || subs[0]["subnetNo"] != "37" {
		t.Errorf("public table's subnets: %s", jsonString(subs))
	}
	vpcCall("getRouteList", "vpcNo", "75", "routeTableNo", "999").refused(t, codeInvalid)
	vpcCall("getRouteList", "routeTableNo", pub).refused(t, codeInvalid)                // vpcNo is required
	vpcCall("getRouteList", "vpcNo", "80", "routeTableNo", pub).refused(t, codeInvalid) // another VPC's table
	if l := vpcCall("getVpcDetail", "vpcNo", "75").list(t, "vpcList"); len(l) != 1 {
		t.Errorf("vpc detail: %d", len(l))
	}
	if r := vpcCall("getServerInstanceList"); r.status != 404 {
		t.Errorf("a vserver operation under /vpc/v2: %d", r.status)
	}
}

// Free NICs, made ACGs and init scripts survive a restart, and a free NIC's
// address stays taken.
func TestNeighbourhoodPersists(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(o *Options) { o.Dir = dir })
	nic := h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43",
		"ip", "10.0.0.60").list(t, "networkInterfaceList")[0]["networkInterfaceNo"].(string)
	acg := h.call("createAccessControlGroup", "vpcNo", "75").list(t, "accessControlGroupList")[0]["accessControlGroupNo"].(string)
	script := h.call("createInitScript", "initScriptContent", "echo\n").list(t, "initScriptList")[0]["initScriptNo"].(string)
	if err := h.sim.Flush(); err != nil {
		t.Fatal(err)
	}
	again, err := New(Options{Dir: dir, Clock: h.clock, AuthClock: h.clock, Behaviour: h.sim.Injector().Behaviour()})
	if err != nil {
		t.Fatal(err)
	}
	h.sim = again
	h.srv.Config.Handler = again
	if l := h.call("getNetworkInterfaceDetail", "networkInterfaceNo", nic).list(t, "networkInterfaceList"); len(l) != 1 ||
		codeOf(l[0], "networkInterfaceStatus") != "NOTUSED" || l[0]["ip"] != "10.0.0.60" {
		t.Errorf("NIC after reload: %s", jsonString(l))
	}
	h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43",
		"ip", "10.0.0.60").refused(t, codeInvalid)
	if l := h.call("getAccessControlGroupDetail", "accessControlGroupNo", acg).list(t, "accessControlGroupList"); len(l) != 1 {
		t.Errorf("ACG after reload: %s", jsonString(l))
	}
	if l := h.call("getInitScriptDetail", "initScriptNo", script).list(t, "initScriptList"); len(l) != 1 || l[0]["initScriptContent"] != "echo\n" {
		t.Errorf("init script after reload: %s", jsonString(l))
	}
	h.createServer("web", "networkInterfaceList.1.networkInterfaceNo", nic)
	if err := again.Flush(); err != nil {
		t.Fatal(err)
	}
}

// The VPC reads' and ACGs' detail calls require their number and answer an
// unknown one with an empty list, like the other detail calls (ncp.md §4.2).
func TestNeighbourhoodDetails(t *testing.T) {
	h := newHarness(t, nil)
	for _, d := range []struct{ op, param, list string }{
		{"getVpcDetail", "vpcNo", "vpcList"},
		{"getSubnetDetail", "subnetNo", "subnetList"},
		{"getNetworkAclDetail", "networkAclNo", "networkAclList"},
		{"getRouteTableDetail", "routeTableNo", "routeTableList"},
		{"getAccessControlGroupDetail", "accessControlGroupNo", "accessControlGroupList"},
	} {
		h.call(d.op).refused(t, codeInvalid)
		if l := h.call(d.op, d.param, "999").list(t, d.list); len(l) != 0 {
			t.Errorf("%s of an unknown number: %s", d.op, jsonString(l))
		}
	}
}

// The lists this change serves page like the others (ncp.md §2.4):
// pageNo ≤ 1 is the first page, totalRows counts every match, and a page
// is a slice of the unpaged list.
func TestNeighbourhoodListsPage(t *testing.T) {
	h := newHarness(t, nil)
	for range 3 {
		h.call("createAccessControlGroup", "vpcNo", "75").ok(t)
		h.call("createInitScript", "initScriptContent", "echo\n").ok(t)
		h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43").ok(t)
	}
	for op, list := range map[string]string{"getAccessControlGroupList": "accessControlGroupList",
		"getInitScriptList": "initScriptList", "getNetworkInterfaceList": "networkInterfaceList",
		"getSubnetList": "subnetList", "getRouteTableList": "routeTableList", "getNetworkAclList": "networkAclList"} {
		all := h.call(op).list(t, list)
		if len(all) < 2 {
			t.Fatalf("%s: %d items, want at least 2 to page", op, len(all))
		}
		r := h.call(op, "pageNo", "2", "pageSize", "1")
		page := r.list(t, list)
		if r.inner["totalRows"] != float64(len(all)) || len(page) != 1 || jsonString(page[0]) != jsonString(all[1]) {
			t.Errorf("%s page 2 of size 1: totalRows %v, %s; all %s", op, r.inner["totalRows"], jsonString(page), jsonString(all))
		}
		if first := h.call(op, "pageNo", "0", "pageSize", "1").list(t, list); len(first) != 1 || jsonString(first[0]) != jsonString(all[0]) {
			t.Errorf("%s pageNo 0: %s", op, jsonString(first))
		}
	}
}
