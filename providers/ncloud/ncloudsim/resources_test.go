package ncloudsim

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/google/go-cmp/cmp"
)

func TestBlockStorage(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.running("web")
	r := h.call("createBlockStorageInstance", "serverInstanceNo", srv, "blockStorageSize", "100", "blockStorageName", "data-1",
		"blockStorageDiskDetailTypeCode", "HDD")
	vol := r.list(t, "blockStorageInstanceList")[0]
	no := vol["blockStorageInstanceNo"].(string)
	if vol["blockStorageSize"] != float64(100*gb) || codeOf(vol, "blockStorageType") != "SVRBS" || vol["serverInstanceNo"] != srv {
		t.Errorf("created: %s", jsonString(vol))
	}
	steps := []struct {
		after float64
		want  string
	}{{0, "INIT/NULL/initialized"}, {fVolInit, "INIT/ATTAC/attaching"}, {fVolAttach, "ATTAC/NULL/attached"}}
	for _, s := range steps {
		h.advance(s.after)
		if got := h.volumeState(no); got != s.want {
			t.Fatalf("+%.2f: %s, want %s", s.after, got, s.want)
		}
	}
	d := h.call("getBlockStorageInstanceDetail", "blockStorageInstanceNo", no).list(t, "blockStorageInstanceList")[0]
	if d["deviceName"] != "/dev/xvdb" || codeOf(d, "blockStorageDiskDetailType") != "HDD" {
		t.Errorf("attached: %s", jsonString(d))
	}
	l := h.call("getBlockStorageInstanceList", "serverInstanceNo", srv).list(t, "blockStorageInstanceList")
	if len(l) != 2 || codeOf(l[0], "blockStorageType") != "BASIC" || l[0]["deviceName"] != "/dev/xvda" {
		t.Errorf("server's volumes: %s", jsonString(l))
	}

	// resize: grow only, op CHNG then NULL
	h.call("changeBlockStorageVolumeSize", "blockStorageInstanceNo", no, "blockStorageSize", "50").refused(t, codeInvalid)
	h.call("changeBlockStorageVolumeSize", "blockStorageInstanceNo", no, "blockStorageSize", "200").ok(t)
	if got := h.volumeState(no); got != "ATTAC/CHNG/changingSpec" {
		t.Errorf("resizing: %s", got)
	}
	h.advance(fVolChange)
	d = h.call("getBlockStorageInstanceDetail", "blockStorageInstanceNo", no).list(t, "blockStorageInstanceList")[0]
	if d["blockStorageSize"] != float64(200*gb) || codeOf(d, "blockStorageInstanceOperation") != "NULL" {
		t.Errorf("resized: %s", jsonString(d))
	}

	// detach, re-attach, delete while attached
	h.call("detachBlockStorageInstances", "blockStorageInstanceNoList.1", no).ok(t)
	h.call("attachBlockStorageInstance", "serverInstanceNo", srv, "blockStorageInstanceNo", no).refused(t, codeInvalid)
	h.advance(fVolDetach + fSetup)
	h.call("attachBlockStorageInstance", "serverInstanceNo", srv, "blockStorageInstanceNo", no).ok(t)
	if got := h.volumeState(no); got != "INIT/ATTAC/attaching" {
		t.Errorf("attaching: %s", got)
	}
	h.advance(fVolAttach)
	h.call("deleteBlockStorageInstances", "blockStorageInstanceNoList.1", no).ok(t)
	if got := h.volumeState(no); got != "ATTAC/DETAC/detaching" {
		t.Errorf("deleting attached: %s", got)
	}
	h.advance(fVolDetach + fVolDelete)
	if got := h.volumeState(no); got != "gone" {
		t.Errorf("deleted: %s", got)
	}

	// the BASIC volume cannot be detached or deleted
	basic := l[0]["blockStorageInstanceNo"].(string)
	h.call("detachBlockStorageInstances", "blockStorageInstanceNoList.1", basic).refused(t, codeInvalid)
	h.call("deleteBlockStorageInstances", "blockStorageInstanceNoList.1", basic).refused(t, codeInvalid)
}

// TestBlockStorageKVM: a volume made with zoneCode only is detached, and
// attach without regionCode misses a volume of another region (bug #576).
func TestBlockStorageKVM(t *testing.T) {
	h := newHarness(t, nil)
	r := h.call("createServerInstances", "regionCode", "SGN", "serverImageNo", "104630229", "serverSpecCode", "s2-g3",
		"vpcNo", "76", "subnetNo", "38", "serverName", "sg-1")
	srv := r.list(t, "serverInstanceList")[0]["serverInstanceNo"].(string)
	h.advance(fInit + fCreat + fSetup + 0.01)
	h.call("createBlockStorageInstance", "regionCode", "SGN", "zoneCode", "SGN-4", "blockStorageSize", "50").refused(t, codeInvalid)
	vol := h.call("createBlockStorageInstance", "regionCode", "SGN", "zoneCode", "SGN-4", "blockStorageSize", "50",
		"blockStorageVolumeTypeCode", "CB1").list(t, "blockStorageInstanceList")[0]["blockStorageInstanceNo"].(string)
	h.advance(fVolInit)
	l := h.call("getBlockStorageInstanceDetail", "regionCode", "SGN", "blockStorageInstanceNo", vol).list(t, "blockStorageInstanceList")
	if codeOf(l[0], "blockStorageInstanceStatus") != "CREAT" || l[0]["blockStorageInstanceStatusName"] != "detached" {
		t.Fatalf("KVM volume: %s", jsonString(l[0]))
	}
	h.call("attachBlockStorageInstance", "serverInstanceNo", srv, "blockStorageInstanceNo", vol).refused(t, codeInvalid)
	h.call("attachBlockStorageInstance", "regionCode", "SGN", "serverInstanceNo", srv, "blockStorageInstanceNo", vol).ok(t)
	h.advance(fVolAttach)
	l = h.call("getBlockStorageInstanceDetail", "regionCode", "SGN", "blockStorageInstanceNo", vol).list(t, "blockStorageInstanceList")
	if l[0]["deviceName"] != "/dev/vdb" || codeOf(l[0], "blockStorageInstanceStatus") != "ATTAC" {
		t.Errorf("attached: %s", jsonString(l[0]))
	}
}

func TestMemberImages(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.running("web")
	r := h.call("createMemberServerImageInstance", "serverInstanceNo", srv, "memberServerImageName", "web-golden")
	img := r.list(t, "memberServerImageInstanceList")[0]
	no := img["memberServerImageInstanceNo"].(string)
	state := func() string {
		l := h.call("getMemberServerImageInstanceDetail", "memberServerImageInstanceNo", no).list(t, "memberServerImageInstanceList")
		if len(l) == 0 {
			return "gone"
		}
		return codeOf(l[0], "memberServerImageInstanceStatus") + "/" + codeOf(l[0], "memberServerImageInstanceOperation") + "/" + l[0]["memberServerImageInstanceStatusName"].(string)
	}
	if got := state(); got != "INIT/CREAT/creating" {
		t.Errorf("new image: %s", got)
	}
	if img["memberServerImageBlockStorageTotalSize"] != float64(50*gb) || img["originalServerImageProductCode"] != "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050" {
		t.Errorf("image: %s", jsonString(img))
	}
	// not usable until created
	h.call("createServerInstances", "memberServerImageInstanceNo", no, "vpcNo", "75", "subnetNo", "36").refused(t, codeInvalid)
	h.advance(fImage)
	if got := state(); got != "CREAT/NULL/created" {
		t.Errorf("created image: %s", got)
	}
	c := h.call("createServerInstances", "memberServerImageInstanceNo", no, "vpcNo", "75", "subnetNo", "36", "serverName", "web-2").list(t, "serverInstanceList")[0]
	if c["memberServerImageInstanceNo"] != no || c["serverImageProductCode"] != "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050" {
		t.Errorf("server from image: %s", jsonString(c))
	}
	l := h.call("getMemberServerImageInstanceList", "memberServerImageName", "web-golden").list(t, "memberServerImageInstanceList")
	if len(l) != 1 {
		t.Errorf("list by name: %d", len(l))
	}
	h.call("deleteMemberServerImageInstances", "memberServerImageInstanceNoList.1", no).ok(t)
	if got := state(); got != "CREAT/TERMT/terminating" {
		t.Errorf("deleting: %s", got)
	}
	h.advance(fImageDel)
	if got := state(); got != "gone" {
		t.Errorf("deleted: %s", got)
	}
	// KVM servers cannot be imaged; neither can a server in transition
	kvm := h.running("kvm-1", "serverImageProductCode", "", "serverImageNo", "104630229", "serverSpecCode", "s2-g3")
	h.call("createMemberServerImageInstance", "serverInstanceNo", kvm).refused(t, codeInvalid)
	h.call("stopServerInstances", "serverInstanceNoList.1", srv).ok(t)
	h.call("createMemberServerImageInstance", "serverInstanceNo", srv).refused(t, codeInProgress)
}

func TestLoginKeys(t *testing.T) {
	h := newHarness(t, nil)
	r := h.call("createLoginKey", "keyName", "prod-key")
	in := r.ok(t)
	// flat answer: the common fields, then keyName and privateKey
	var keys []string
	for k := range in {
		keys = append(keys, k)
	}
	if len(keys) != 5 || in["keyName"] != "prod-key" {
		t.Errorf("createLoginKey answer: %s", r.body)
	}
	blk, _ := pem.Decode([]byte(in["privateKey"].(string)))
	if blk == nil || blk.Type != "RSA PRIVATE KEY" {
		t.Fatalf("privateKey is not an RSA PEM block")
	}
	if _, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
		t.Errorf("privateKey: %v", err)
	}
	h.call("createLoginKey", "keyName", "prod-key").refused(t, codeInvalid)
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host"
	imp := h.call("importLoginKey", "keyName", "laptop", "publicKey", pub).list(t, "loginKeyList")[0]
	if imp["keyName"] != "laptop" || !regexpMatch(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`, imp["fingerprint"].(string)) {
		t.Errorf("import: %s", jsonString(imp))
	}
	h.call("importLoginKey", "keyName", "junk", "publicKey", "not a key").refused(t, codeInvalid)
	l := h.call("getLoginKeyList").list(t, "loginKeyList")
	if d := cmp.Diff([]string{"laptop", "prod-key"}, []string{l[0]["keyName"].(string), l[1]["keyName"].(string)}); d != "" {
		t.Error(d)
	}
	if l := h.call("getLoginKeyList", "keyName", "prod-key").list(t, "loginKeyList"); len(l) != 1 {
		t.Errorf("by name: %d", len(l))
	}
	h.running("web", "loginKeyName", "laptop")
	h.call("deleteLoginKeys", "keyNameList.1", "laptop").refused(t, codeLoginKeyUsed)
	h.call("deleteLoginKeys", "keyNameList.1", "nope").refused(t, "10406")
	h.call("deleteLoginKeys", "keyNameList.1", "prod-key").ok(t)
	if l := h.call("getLoginKeyList").list(t, "loginKeyList"); len(l) != 1 {
		t.Errorf("after delete: %d keys", len(l))
	}
}

func TestCatalog(t *testing.T) {
	h := newHarness(t, nil)
	specs := h.call("getServerSpecList", "serverSpecCodeList.1", "s2-g2-s50", "serverSpecCodeList.2", "c2-g3").list(t, "serverSpecList")
	var got []string
	for _, s := range specs {
		got = append(got, s["serverSpecCode"].(string)+"="+s["serverProductCode"].(string))
	}
	want := []string{"c2-g3=SVR.VSVR.HICPU.C002.M004.G003", "s2-g2-s50=SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("specs (-want +got):\n%s", d)
	}
	for name, tc := range map[string]struct {
		op, list string
		kv       []string
		min      int
	}{
		"KVM specs, SDK HEAD spelling": {"getServerSpecList", "serverSpecList", []string{"hypervisorTypeCodeList.1", "KVM"}, 10},
		"specs for an image":           {"getServerSpecList", "serverSpecList", []string{"serverImageNo", "16187005"}, 18},
		"products for an image":        {"getServerProductList", "productList", []string{"serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"}, 18},
		"image products":               {"getServerImageProductList", "productList", nil, 4},
		"images":                       {"getServerImageList", "serverImageList", nil, 6},
		"KVM images, v1.6.26 spelling": {"getServerImageList", "serverImageList", []string{"hypervisorCodeList.1", "KVM"}, 2},
		"regions":                      {"getRegionList", "regionList", nil, 3},
		"zones":                        {"getZoneList", "zoneList", nil, 2},
		"ACGs":                         {"getAccessControlGroupList", "accessControlGroupList", []string{"vpcNo", "75"}, 1},
		"VPCs under vserver":           {"getVpcList", "vpcList", nil, 1},
		"subnets under vserver":        {"getSubnetList", "subnetList", []string{"vpcNo", "75"}, 2},
	} {
		t.Run(name, func(t *testing.T) {
			l := h.call(tc.op, tc.kv...).list(t, tc.list)
			if len(l) < tc.min {
				t.Errorf("%d items, want at least %d: %s", len(l), tc.min, jsonString(l))
			}
		})
	}
	t.Run("VPC API path", func(t *testing.T) {
		for _, op := range []string{"getVpcList", "getSubnetList?subnetNoList.1=36", "getSubnetDetail?subnetNo=37", "getVpcDetail?vpcNo=75"} {
			r := h.do(http.MethodGet, "/vpc/v2/"+op, nil, signature.HeaderSignatureV2)
			r.ok(t)
			if r.inner["totalRows"] != 1.0 && op != "getVpcList" {
				t.Errorf("%s: %s", op, r.body)
			}
		}
		sub := h.do(http.MethodGet, "/vpc/v2/getSubnetDetail?subnetNo=36&responseFormatType=json", nil, signature.HeaderSignatureV2).list(t, "subnetList")[0]
		if sub["vpcNo"] != "75" || sub["zoneCode"] != "KR-1" {
			t.Errorf("subnet 36: %s", jsonString(sub))
		}
	})
	h.call("getServerProductList").refused(t, codeInvalid)
	h.call("getServerProductList", "serverImageProductCode", "SW.VSVR.OS.LNX64.CNTOS.0703.B100").refused(t, codeNoImage)
}

func TestGatewayPaths(t *testing.T) {
	h := newHarness(t, nil)
	tests := map[string]struct {
		uri    string
		status int
		body   string
	}{
		"unknown operation": {"/vserver/v2/getNothing?responseFormatType=json", 404, `{"error":{"errorCode":"300","message":"Not Found Exception","details":"unknown operation getNothing"}}`},
		"unknown API":       {"/vnas/v2/getNasVolumeInstanceList", 404, `{"error":{"errorCode":"300","message":"Not Found Exception","details":"no API at /vnas/v2/getNasVolumeInstanceList"}}`},
		"xml":               {"/vserver/v2/getRegionList?responseFormatType=xml", 400, "{\"responseError\": {\n  \"returnCode\": \"1100000\",\n  \"returnMessage\": \"Parameter is invalid. responseFormatType: the simulator answers json only, got \\\"xml\\\"\"\n}}"},
		"format omitted":    {"/vserver/v2/getZoneList?regionCode=JPN", 200, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := h.do(http.MethodGet, tc.uri, nil, signature.HeaderSignatureV2)
			if r.status != tc.status || (tc.body != "" && string(r.body) != tc.body) {
				t.Errorf("got %d %s", r.status, r.body)
			}
		})
	}
	if n := h.sim.Stats().Snapshot().Operations["getNothing"]; n != 1 {
		t.Errorf("unknown operation counted %d times", n)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(o *Options) { o.Dir = dir })
	no := h.running("web")
	h.call("stopServerInstances", "serverInstanceNoList.1", no).ok(t)
	h.call("createLoginKey", "keyName", "k-1").ok(t)

	// a second simulator on the same directory picks up where the first left off
	again, err := New(Options{Dir: dir, Clock: h.clock, AuthClock: h.clock, Behaviour: h.sim.Injector().Behaviour()})
	if err != nil {
		t.Fatal(err)
	}
	h.sim = again
	h.srv.Config.Handler = again
	if got := h.state(no); got != "RUN/SHTDN/shutting down" {
		t.Errorf("reloaded: %s", got)
	}
	h.advance(fStop)
	if got := h.state(no); got != "NSTOP/NULL/stopped" {
		t.Errorf("transition after reload: %s", got)
	}
	if l := h.call("getLoginKeyList").list(t, "loginKeyList"); len(l) != 1 {
		t.Errorf("keys after reload: %d", len(l))
	}
	next := h.createServer("web-2")
	if next <= no {
		t.Errorf("ids restarted: %s after %s", next, no)
	}
	if d := cmp.Diff([]string{"web", "web-2"}, names(h.call("getServerInstanceList").list(t, "serverInstanceList"))); d != "" {
		t.Errorf("order after reload (-want +got):\n%s", d)
	}
	if err := again.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClients runs creates, lists and actions from several
// goroutines; with -race it checks the locking.
func TestConcurrentClients(t *testing.T) {
	h := newHarness(t, nil)
	done := make(chan string, 4)
	for i := range 4 {
		go func() {
			name := []string{"a-web", "b-web", "c-web", "d-web"}[i]
			no := h.createServer(name)
			for range 5 {
				h.call("getServerInstanceList", "pageNo", "1", "pageSize", "2")
				h.call("getBlockStorageInstanceList", "serverInstanceNo", no)
			}
			done <- no
		}()
	}
	seen := map[string]bool{}
	for range 4 {
		seen[<-done] = true
	}
	if len(seen) != 4 {
		t.Errorf("ids %v are not distinct", seen)
	}
	if got := h.call("getServerInstanceList").ok(t)["totalRows"]; got != 4.0 {
		t.Errorf("totalRows %v", got)
	}
}

// TestStorageDuringSetup: the SETUP window after a build blocks stop but
// not adding storage.
func TestStorageDuringSetup(t *testing.T) {
	h := newHarness(t, nil)
	no := h.createServer("web")
	h.advance(fInit + fCreat + 0.01)
	if got := h.state(no); got != "RUN/SETUP/setting up" {
		t.Fatalf("server %s", got)
	}
	h.call("stopServerInstances", "serverInstanceNoList.1", no).refused(t, codeInProgress)
	h.call("createBlockStorageInstance", "serverInstanceNo", no, "blockStorageSize", "10").ok(t)
}

func TestNetworkInterfaces(t *testing.T) {
	h := newHarness(t, nil)
	a := h.createServer("web-a", "networkInterfaceList.2.networkInterfaceOrder", "1",
		"networkInterfaceList.2.subnetNo", "37", "networkInterfaceList.2.ip", "10.0.128.6",
		"networkInterfaceList.2.accessControlGroupNoList.1", "43")
	b := h.createServer("web-b")
	nics := h.call("getNetworkInterfaceList").list(t, "networkInterfaceList")
	var got []string
	for _, n := range nics {
		got = append(got, n["instanceNo"].(string)+" "+n["deviceName"].(string)+" "+n["subnetNo"].(string)+" "+
			n["ip"].(string)+" "+jsonString(n["isDefault"])+" "+codeOf(n, "networkInterfaceStatus")+" "+jsonString(n["accessControlGroupNoList"]))
	}
	want := []string{
		a + ` eth0 36 10.0.0.6 true SET ["43"]`,
		a + ` eth1 37 10.0.128.6 false SET ["43"]`,
		b + ` eth0 36 10.0.0.7 true SET ["43"]`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("NICs (-want +got):\n%s", d)
	}
	h.advance(fInit + 0.01)
	srv := h.call("getServerInstanceDetail", "serverInstanceNo", a).list(t, "serverInstanceList")[0]
	nos := srv["networkInterfaceNoList"].([]any)
	l := h.call("getNetworkInterfaceList", "networkInterfaceNoList.1", nos[1].(string)).list(t, "networkInterfaceList")
	if len(l) != 1 || l[0]["ip"] != "10.0.128.6" || codeOf(l[0], "networkInterfaceStatus") != "USED" {
		t.Errorf("by number: %s", jsonString(l))
	}
	if l := h.call("getNetworkInterfaceList", "instanceNo", b).list(t, "networkInterfaceList"); len(l) != 1 {
		t.Errorf("by server: %d", len(l))
	}
	if l := h.call("getNetworkInterfaceDetail", "networkInterfaceNo", nos[0].(string)).list(t, "networkInterfaceList"); len(l) != 1 || l[0]["ip"] != "10.0.0.6" {
		t.Errorf("detail: %s", jsonString(l))
	}
	// the same address twice, in one call or taken already
	h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "vpcNo", "75", "subnetNo", "37",
		"networkInterfaceList.1.networkInterfaceOrder", "0", "networkInterfaceList.1.ip", "10.0.128.6",
		"networkInterfaceList.1.accessControlGroupNoList.1", "43").refused(t, codeInvalid)

	// terminating frees the NICs and their addresses
	h.advance(1)
	h.call("stopServerInstances", "serverInstanceNoList.1", a).ok(t)
	h.advance(fStop)
	h.call("terminateServerInstances", "serverInstanceNoList.1", a).ok(t)
	h.advance(fTerminate)
	if l := h.call("getNetworkInterfaceList").list(t, "networkInterfaceList"); len(l) != 1 {
		t.Errorf("NICs after terminate: %d", len(l))
	}
	h.createServer("web-c", "networkInterfaceList.1.networkInterfaceOrder", "0", "networkInterfaceList.1.ip", "10.0.0.6",
		"networkInterfaceList.1.accessControlGroupNoList.1", "43")
}

// TestSubnetFull: a create that would not get all its addresses is refused whole.
func TestSubnetFull(t *testing.T) {
	h := newHarness(t, nil)
	sn := regions[0].subnet("36")
	h.sim.mu.Lock()
	for i := range sn.capacity() - 1 {
		h.sim.idx.useIP("36", "taken-"+strconv.Itoa(i))
	}
	h.sim.mu.Unlock()
	h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "vpcNo", "75", "subnetNo", "36",
		"serverName", "web", "serverCreateCount", "2").refused(t, codeInvalid)
	if l := h.call("getServerInstanceList").list(t, "serverInstanceList"); len(l) != 0 {
		t.Errorf("a refused create left %d servers", len(l))
	}
	h.createServer("web")
}

// TestDeferredSaves: once saves are slow, changes are written a moment
// later together, and Flush writes at once.
func TestDeferredSaves(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(o *Options) { o.Dir = dir })
	h.createServer("web-a") // quick: written before the answer
	reload := func() int {
		s, err := New(Options{Dir: dir, Clock: h.clock})
		if err != nil {
			t.Fatal(err)
		}
		return len(s.d.Servers)
	}
	if n := reload(); n != 1 {
		t.Fatalf("synchronous save: %d servers on disk", n)
	}
	h.sim.mu.Lock()
	h.sim.saving.limit = time.Nanosecond // every save now counts as slow
	h.sim.saving.last = time.Hour        // and the next one waits 10 hours
	h.sim.mu.Unlock()
	h.createServer("web-b")
	if n := reload(); n != 1 {
		t.Errorf("deferred save happened at once: %d servers on disk", n)
	}
	if err := h.sim.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := reload(); n != 2 {
		t.Errorf("after Flush: %d servers on disk", n)
	}
	// a short spacing writes by itself
	h.sim.mu.Lock()
	h.sim.saving.last = time.Millisecond
	h.sim.mu.Unlock()
	h.createServer("web-c")
	deadline := time.Now().Add(5 * time.Second)
	for reload() != 3 {
		if time.Now().After(deadline) {
			t.Fatal("the deferred save never came")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
