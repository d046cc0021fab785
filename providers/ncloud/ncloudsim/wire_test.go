package ncloudsim

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/wire.golden")

// TestWireGolden pins the answers' bytes (status, headers, body) for lists
// of several records of every kind, single reads, a change and refusals,
// so a change in how answers are rendered cannot change what clients read.
func TestWireGolden(t *testing.T) {
	h := newHarness(t, nil)
	var out bytes.Buffer
	record := func(op string, kv ...string) response {
		t.Helper()
		r := h.call(op, kv...)
		fmt.Fprintf(&out, "### %s %q\n%d\n", op, kv, r.status)
		for _, k := range []string{"Content-Type", "Content-Length", "Retry-After"} {
			if v := r.header.Get(k); v != "" {
				fmt.Fprintf(&out, "%s: %s\n", k, v)
			}
		}
		out.Write(r.body)
		out.WriteString("\n\n")
		return r
	}
	// Several servers, each with its volume and NIC; one with an extra
	// volume, a partition list, a public IP and a second NIC; one stopped;
	// one still building.
	a := h.running("wire-a", "blockDevicePartitionList.1.mountPoint", "/", "blockDevicePartitionList.1.partitionSize", "50")
	b := h.running("wire-b")
	h.stopped("wire-c")
	vol := h.call("createBlockStorageInstance", "serverInstanceNo", a, "blockStorageSize", "10", "blockStorageName", "wire-data").
		list(t, "blockStorageInstanceList")[0]["blockStorageInstanceNo"].(string)
	pip := h.call("createPublicIpInstance", "publicIpDescription", `fleet:wire <server/wire-a> & "quoted"`).
		list(t, "publicIpInstanceList")[0]["publicIpInstanceNo"].(string)
	h.call("associatePublicIpWithServerInstance", "publicIpInstanceNo", pip, "serverInstanceNo", a).ok(t)
	nic := h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43",
		"networkInterfaceDescription", "second <nic>\u2028\u00e9\ttab\x01").list(t, "networkInterfaceList")[0]["networkInterfaceNo"].(string)
	h.call("attachNetworkInterface", "serverInstanceNo", b, "networkInterfaceNo", nic, "subnetNo", "36").ok(t)
	h.call("createNetworkInterface", "vpcNo", "75", "subnetNo", "36", "accessControlGroupNoList.1", "43").ok(t)
	h.advance(fVolInit + fVolAttach + fPublicIP + 1)
	h.createServer("wire-d")

	for _, op := range []string{"getServerInstanceList", "getBlockStorageInstanceList", "getNetworkInterfaceList"} {
		record(op)
		record(op, "pageNo", "2", "pageSize", "2")
	}
	record("getServerInstanceList", "sortedBy", "serverName", "sortingOrder", "DESC")
	record("getServerInstanceList", "serverInstanceStatusCode", "RUN")
	record("getServerInstanceDetail", "serverInstanceNo", a)
	record("getServerInstanceDetail", "serverInstanceNo", "999999")
	record("getBlockStorageInstanceDetail", "blockStorageInstanceNo", vol)
	record("getNetworkInterfaceList", "instanceNo", b)
	// Filters on rendered fields, and one on a stored field, with paging.
	record("getNetworkInterfaceList", "isDefault", "false")
	record("getNetworkInterfaceList", "deviceName", "eth0", "pageNo", "2", "pageSize", "1")
	record("getNetworkInterfaceList", "networkInterfaceStatusCode", "NOTUSED")
	record("getNetworkInterfaceList", "networkInterfaceName", "nic-"+nic)
	record("getNetworkInterfaceList", "serverName", "wire-b", "isDefault", "true")
	record("getPublicIpInstanceList")
	record("getLoginKeyList")
	record("getMemberServerImageInstanceList")
	record("getServerImageProductList")
	record("getServerSpecList", "serverSpecCodeList.1", "s2-g2-s50")
	record("getZoneList")
	record("getSubnetList")
	record("getAccessControlGroupList")
	record("changeServerInstanceName", "serverInstanceNo", b, "serverName", "wire-b2")
	record("stopServerInstances", "serverInstanceNoList.1", a, "serverInstanceNoList.2", b)
	record("importLoginKey", "keyName", "wire-key", "publicKey",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host")
	// Refusals: a service error, a parameter error, a gateway error.
	record("stopServerInstances", "serverInstanceNoList.1", a)
	record("getServerInstanceList", "sortingOrder", "sideways")
	record("noSuchOperation")
	record("getServerInstanceList", "responseFormatType", "xml")

	golden := filepath.Join("testdata", "wire.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestWireGolden -update)", err)
	}
	if d := cmp.Diff(string(want), out.String()); d != "" {
		t.Errorf("answers differ from %s (-want +got):\n%s", golden, d)
	}
}
