package ncloudsim

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func names(l []map[string]any) []string {
	out := []string{}
	for _, m := range l {
		out = append(out, m["serverName"].(string))
	}
	return out
}

func TestServerList(t *testing.T) {
	h := newHarness(t, nil)
	for _, n := range []string{"web-c", "web-a", "db-b"} {
		h.createServer(n)
	}
	h.createServer("job", "serverCreateCount", "3", "serverCreateStartNo", "7")
	h.advance(fInit + 0.01)
	stopped := h.running("api-z")
	h.call("stopServerInstances", "serverInstanceNoList.1", stopped).ok(t)
	h.advance(fStop + 0.01)

	tests := map[string]struct {
		kv    []string
		want  []string
		total float64
	}{
		"all, by number":        {nil, []string{"web-c", "web-a", "db-b", "job-007", "job-008", "job-009", "api-z"}, 7},
		"page 2 of 3":           {[]string{"pageNo", "2", "pageSize", "3"}, []string{"job-007", "job-008", "job-009"}, 7},
		"page past the end":     {[]string{"pageNo", "4", "pageSize", "3"}, []string{}, 7},
		"pageNo 0 is the first": {[]string{"pageNo", "0", "pageSize", "2"}, []string{"web-c", "web-a"}, 7},
		"by name":               {[]string{"sortedBy", "serverName"}, []string{"api-z", "db-b", "job-007", "job-008", "job-009", "web-a", "web-c"}, 7},
		"by name desc, paged":   {[]string{"sortedBy", "serverName", "sortingOrder", "DESC", "pageNo", "1", "pageSize", "2"}, []string{"web-c", "web-a"}, 7},
		"by number desc":        {[]string{"sortingOrder", "DESC", "pageSize", "2"}, []string{"api-z", "job-009"}, 7},
		"status filter":         {[]string{"serverInstanceStatusCode", "NSTOP"}, []string{"api-z"}, 1},
		"status filter, paged":  {[]string{"serverInstanceStatusCode", "RUN", "pageNo", "2", "pageSize", "4"}, []string{"job-008", "job-009"}, 6},
		"name filter":           {[]string{"serverName", "web-a"}, []string{"web-a"}, 1},
		"vpc filter":            {[]string{"vpcNo", "75"}, []string{"web-c", "web-a", "db-b", "job-007", "job-008", "job-009", "api-z"}, 7},
		"other vpc":             {[]string{"vpcNo", "76"}, []string{}, 0},
		"hypervisor filter":     {[]string{"hypervisorTypeCodeList.1", "KVM"}, []string{}, 0},
		"disk filter":           {[]string{"baseBlockStorageDiskDetailTypeCode", "SSD", "pageSize", "1"}, []string{"web-c"}, 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := h.call("getServerInstanceList", tc.kv...)
			if d := cmp.Diff(tc.want, names(r.list(t, "serverInstanceList"))); d != "" {
				t.Errorf("names (-want +got):\n%s", d)
			}
			if r.inner["totalRows"] != tc.total {
				t.Errorf("totalRows = %v, want %v", r.inner["totalRows"], tc.total)
			}
		})
	}
	t.Run("id list", func(t *testing.T) {
		l := h.call("getServerInstanceList", "serverInstanceNoList.1", stopped, "serverInstanceNoList.2", "12345").list(t, "serverInstanceList")
		if d := cmp.Diff([]string{"api-z"}, names(l)); d != "" {
			t.Error(d)
		}
	})
	for name, kv := range map[string][]string{
		"bad sortedBy": {"sortedBy", "zone"}, "bad order": {"sortingOrder", "UP"}, "bad page": {"pageSize", "x"},
		"index 0": {"serverInstanceNoList.0", "1"},
	} {
		t.Run(name, func(t *testing.T) { h.call("getServerInstanceList", kv...).refused(t, codeInvalid) })
	}
}

func TestCreateParameters(t *testing.T) {
	h := newHarness(t, nil)
	h.call("createLoginKey", "keyName", "k-1").ok(t)
	r := h.call("createServerInstances", "serverImageNo", "104630229", "serverSpecCode", "s2-g3", "vpcNo", "75", "subnetNo", "37",
		"serverName", "api", "serverDescription", "the api", "loginKeyName", "k-1", "isProtectServerTermination", "true",
		"feeSystemTypeCode", "FXSUM", "initScriptNo", "63194", "placementGroupNo", "9001", "isEncryptedBaseBlockStorageVolume", "true",
		"associateWithPublicIp", "false", "raidTypeName", "RAID1", "fabricClusterPoolNo", "5", "isPreInstallGpuDriver", "false",
		"networkInterfaceList.1.networkInterfaceOrder", "0", "networkInterfaceList.1.ip", "10.0.128.10",
		"networkInterfaceList.1.accessControlGroupNoList.1", "43",
		"networkInterfaceList.2.networkInterfaceOrder", "1", "networkInterfaceList.2.subnetNo", "36",
		"networkInterfaceList.2.accessControlGroupNoList.1", "43",
		"blockDevicePartitionList.1.mountPoint", "/", "blockDevicePartitionList.1.partitionSize", "50",
		"blockDevicePartitionList.2.mountPoint", "/data", "blockDevicePartitionList.2.partitionSize", "100",
		"blockStorageMappingList.1.order", "0", "blockStorageMappingList.1.blockStorageSize", "100",
		"blockStorageMappingList.2.order", "1", "blockStorageMappingList.2.blockStorageSize", "200",
		"blockStorageMappingList.2.blockStorageVolumeTypeCode", "FB1", "blockStorageMappingList.2.encrypted", "true",
		"blockStorageMappingList.3.order", "2", "blockStorageMappingList.3.noBlockStorage", "true")
	srv := r.list(t, "serverInstanceList")[0]
	no := srv["serverInstanceNo"].(string)
	h.advance(fInit + fCreat + 0.01)
	got := h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	check := map[string]any{"serverName": "api", "serverDescription": "the api", "loginKeyName": "k-1",
		"isProtectServerTermination": true, "initScriptNo": "63194", "placementGroupNo": "9001", "zoneCode": "KR-2",
		"subnetNo": "37", "serverSpecCode": "s2-g3", "serverProductCode": "SVR.VSVR.STAND.C002.M008.G003",
		"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR24.G003", "fabricClusterPoolNo": "5", "publicIp": ""}
	for k, want := range check {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if codeOf(got, "hypervisorType") != "KVM" || len(got["networkInterfaceNoList"].([]any)) != 2 ||
		jsonString(got["blockDevicePartitionList"]) != `[{"mountPoint":"/","partitionSize":"50"},{"mountPoint":"/data","partitionSize":"100"}]` {
		t.Errorf("server: %s", jsonString(got))
	}
	vols := h.call("getBlockStorageInstanceList", "serverInstanceNo", no).list(t, "blockStorageInstanceList")
	var summary []string
	for _, v := range vols {
		summary = append(summary, codeOf(v, "blockStorageType")+" "+jsonString(v["blockStorageSize"])+" "+
			codeOf(v, "blockStorageVolumeType")+" "+jsonString(v["isEncryptedVolume"])+" "+v["deviceName"].(string))
	}
	want := []string{"BASIC 107374182400 CB1 true /dev/vda", "SVRBS 214748364800 FB1 true /dev/vdb"}
	if d := cmp.Diff(want, summary); d != "" {
		t.Errorf("volumes (-want +got):\n%s", d)
	}
	// the fixed IP is taken now
	h.call("createServerInstances", "serverImageNo", "104630229", "vpcNo", "75", "subnetNo", "37",
		"networkInterfaceList.1.networkInterfaceOrder", "0", "networkInterfaceList.1.ip", "10.0.128.10",
		"networkInterfaceList.1.accessControlGroupNoList.1", "43").refused(t, codeInvalid)
	if l := h.call("getServerInstanceList", "ip", "10.0.128.10").list(t, "serverInstanceList"); len(l) != 1 {
		t.Errorf("ip filter found %d", len(l))
	}
}

func TestCreateRefusals(t *testing.T) {
	base := map[string]string{"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "vpcNo": "75", "subnetNo": "36"}
	tests := map[string]struct {
		set  map[string]string
		drop []string
		code string
	}{
		"two image sources":       {set: map[string]string{"serverImageNo": "16187005"}, code: codeInvalid},
		"no image":                {drop: []string{"serverImageProductCode"}, code: codeInvalid},
		"retired image product":   {set: map[string]string{"serverImageProductCode": "SW.VSVR.OS.LNX64.CNTOS.0703.B100"}, code: codeNoImage},
		"unknown image no":        {drop: []string{"serverImageProductCode"}, set: map[string]string{"serverImageNo": "1"}, code: codeNoImage},
		"unknown product":         {set: map[string]string{"serverProductCode": "SVR.VSVR.STAND.C099.M999.NET.SSD.B050.G002"}, code: codeNoProduct},
		"G3 spec for a XEN image": {set: map[string]string{"serverSpecCode": "s2-g3"}, code: codeNoProduct},
		"G2 spec for a KVM image": {drop: []string{"serverImageProductCode"}, set: map[string]string{"serverImageNo": "104630229", "serverSpecCode": "s2-g2-s50"}, code: codeNoProduct},
		"spec and other product":  {set: map[string]string{"serverSpecCode": "s2-g2-s50", "serverProductCode": "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"}, code: codeInvalid},
		"no vpc":                  {drop: []string{"vpcNo"}, code: codeInvalid},
		"no subnet":               {drop: []string{"subnetNo"}, code: codeInvalid},
		"subnet of another vpc":   {set: map[string]string{"subnetNo": "38"}, code: codeInvalid},
		"unknown ACG":             {set: map[string]string{"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.accessControlGroupNoList.1": "44"}, code: codeInvalid},
		"NIC without ACG":         {set: map[string]string{"networkInterfaceList.1.networkInterfaceOrder": "0"}, code: codeInvalid},
		"no primary NIC":          {set: map[string]string{"networkInterfaceList.1.networkInterfaceOrder": "1", "networkInterfaceList.1.accessControlGroupNoList.1": "43"}, code: codeInvalid},
		"IP outside the subnet":   {set: map[string]string{"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.ip": "10.9.9.9", "networkInterfaceList.1.accessControlGroupNoList.1": "43"}, code: codeInvalid},
		"bad name":                {set: map[string]string{"serverName": "Web_1"}, code: codeInvalid},
		"name too long with no":   {set: map[string]string{"serverName": "abcdefghijklmnopqrstuvwxyz0", "serverCreateCount": "2"}, code: codeInvalid},
		"count 21":                {set: map[string]string{"serverCreateCount": "21"}, code: codeInvalid},
		"start past 1000":         {set: map[string]string{"serverCreateCount": "5", "serverCreateStartNo": "998"}, code: codeInvalid},
		"unknown login key":       {set: map[string]string{"loginKeyName": "nokey"}, code: codeInvalid},
		"bad fee type":            {set: map[string]string{"feeSystemTypeCode": "FREE"}, code: codeInvalid},
		"bad boolean":             {set: map[string]string{"isProtectServerTermination": "yes"}, code: codeInvalid},
		"volume size not 10s":     {set: map[string]string{"blockStorageMappingList.1.order": "1", "blockStorageMappingList.1.blockStorageSize": "15"}, code: codeInvalid},
		"unknown region":          {set: map[string]string{"regionCode": "USW"}, code: codeInvalid},
		"existing NIC":            {set: map[string]string{"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.networkInterfaceNo": "5", "networkInterfaceList.1.accessControlGroupNoList.1": "43"}, code: codeInvalid},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			q := map[string]string{}
			for k, v := range base {
				q[k] = v
			}
			for k, v := range tc.set {
				q[k] = v
			}
			for _, k := range tc.drop {
				delete(q, k)
			}
			var kv []string
			for k, v := range q {
				kv = append(kv, k, v)
			}
			h.call("createServerInstances", kv...).refused(t, tc.code)
			if l := h.call("getServerInstanceList").list(t, "serverInstanceList"); len(l) != 0 {
				t.Errorf("a refused create left %d servers", len(l))
			}
		})
	}
}

func TestCreateDefaults(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.ROCKY.0810.B050", "vpcNo", "75", "subnetNo", "36").list(t, "serverInstanceList")[0]
	// the smallest fitting spec: 2 vCPU / 4 GB HICPU with SSD
	if srv["serverSpecCode"] != "c2-g2-s50" || !regexpMatch(`^s[0-9a-f]{11}$`, srv["serverName"].(string)) {
		t.Errorf("defaults: spec %v name %v", srv["serverSpecCode"], srv["serverName"])
	}
	no := srv["serverInstanceNo"].(string)
	h.advance(fInit + 0.01)
	got := h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	// without a NIC list the primary NIC gets the VPC's default ACG
	if len(got["networkInterfaceNoList"].([]any)) != 1 {
		t.Errorf("NICs %v", got["networkInterfaceNoList"])
	}
}

// TestRegions reproduces bug #576: a resource of SGN is not found by a call
// that leaves regionCode out, since that means KR.
func TestRegions(t *testing.T) {
	h := newHarness(t, nil)
	r := h.call("createServerInstances", "regionCode", "SGN", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"vpcNo", "76", "subnetNo", "38", "serverName", "sg-web")
	srv := r.list(t, "serverInstanceList")[0]
	no := srv["serverInstanceNo"].(string)
	if srv["regionCode"] != "SGN" || srv["zoneCode"] != "SGN-4" {
		t.Errorf("region %v zone %v", srv["regionCode"], srv["zoneCode"])
	}
	h.advance(fInit + fCreat + fSetup + 0.01)
	if got := h.state(no); got != "gone" {
		t.Errorf("found from KR: %s", got)
	}
	if got := h.state(no, "SGN"); got != "RUN/NULL/running" {
		t.Errorf("from SGN: %s", got)
	}
	h.call("stopServerInstances", "serverInstanceNoList.1", no).refused(t, codeInvalid)
	h.call("stopServerInstances", "regionCode", "SGN", "serverInstanceNoList.1", no).ok(t)
	if l := h.call("getServerInstanceList").list(t, "serverInstanceList"); len(l) != 0 {
		t.Errorf("KR list shows %d servers", len(l))
	}
	if l := h.call("getServerInstanceList", "regionCode", "SGN").list(t, "serverInstanceList"); len(l) != 1 {
		t.Errorf("SGN list shows %d servers", len(l))
	}
	// KR's subnet is not SGN's
	h.call("createServerInstances", "regionCode", "SGN", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"vpcNo", "75", "subnetNo", "36").refused(t, codeInvalid)
}

func TestParams(t *testing.T) {
	v := url.Values{}
	for k, x := range map[string]string{
		"networkInterfaceList.2.networkInterfaceOrder":      "1",
		"networkInterfaceList.1.networkInterfaceOrder":      "0",
		"networkInterfaceList.1.accessControlGroupNoList.2": "44",
		"networkInterfaceList.1.accessControlGroupNoList.1": "43",
		"networkInterfaceList.10.networkInterfaceOrder":     "2",
	} {
		v.Set(k, x)
	}
	groups, err := newParams(v).indexed("networkInterfaceList")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		acgs, err := g.list("accessControlGroupNoList")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g["networkInterfaceOrder"]+":"+jsonString(acgs))
	}
	if d := cmp.Diff([]string{`0:["43","44"]`, `1:[]`, `2:[]`}, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}

func TestProtectAndRename(t *testing.T) {
	h := newHarness(t, nil)
	no := h.stopped("web")
	h.call("setProtectServerTermination", "serverInstanceNo", no, "isProtectServerTermination", "true").ok(t)
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).refused(t, codeInvalid)
	h.call("setProtectServerTermination", "serverInstanceNo", no).refused(t, codeInvalid)
	h.call("setProtectServerTermination", "serverInstanceNo", no, "isProtectServerTermination", "false").ok(t)
	r := h.call("changeServerInstanceName", "serverInstanceNo", no, "serverName", "api-1")
	if got := r.list(t, "serverInstanceList")[0]["serverName"]; got != "api-1" {
		t.Errorf("renamed to %v", got)
	}
	if l := h.call("getServerInstanceList", "sortedBy", "serverName", "serverName", "api-1").list(t, "serverInstanceList"); len(l) != 1 {
		t.Errorf("the name index missed the rename")
	}
	h.call("changeServerInstanceName", "serverInstanceNo", no, "serverName", "X").refused(t, codeInvalid)
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).ok(t)
}

// TestQueryAndFormMerged: a POST may carry parameters in its query (which
// is then signed) and in its form body alike.
func TestQueryAndFormMerged(t *testing.T) {
	h := newHarness(t, nil)
	no := h.createServer("web")
	r := h.do("POST", "/vserver/v2/getServerInstanceList?serverName=web", []byte("responseFormatType=json&serverInstanceNoList.1="+no), "x-ncp-apigw-signature-v1")
	if l := r.list(t, "serverInstanceList"); len(l) != 1 || l[0]["serverInstanceNo"] != no {
		t.Errorf("merged: %s", r.body)
	}
	r = h.do("POST", "/vserver/v2/getServerInstanceList?serverName=api", []byte("responseFormatType=json&serverInstanceNoList.1="+no), "x-ncp-apigw-signature-v1")
	if l := r.list(t, "serverInstanceList"); len(l) != 0 {
		t.Errorf("the query's filter was ignored: %s", r.body)
	}
}
