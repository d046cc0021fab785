package coverage

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type nicItem struct {
	NetworkInterfaceNo       string                `json:"networkInterfaceNo"`
	InstanceNo               string                `json:"instanceNo"`
	IP                       string                `json:"ip"`
	DeviceName               string                `json:"deviceName"`
	AccessControlGroupNoList []string              `json:"accessControlGroupNoList"`
	Status                   struct{ Code string } `json:"networkInterfaceStatus"`
}

func (c *cloud) ncpNIC(op string, params url.Values) nicItem {
	c.t.Helper()
	var out struct {
		NetworkInterfaceList []nicItem `json:"networkInterfaceList"`
	}
	c.ncp(op, params, &out)
	return one(c.t, op, out.NetworkInterfaceList)
}

// TestNCPExistingInterfaces applies a server that takes two network
// interfaces made beforehand (seed 000: networkInterfaceList.N.networkInterfaceNo),
// plans again without changes, replaces it keeping them, and destroys it:
// the interfaces, which fleet does not own, are left unattached.
func TestNCPExistingInterfaces(t *testing.T) {
	c := newCloud(t)
	eth0 := c.ncpNIC("createNetworkInterface", url.Values{"vpcNo": {"75"}, "subnetNo": {"36"},
		"accessControlGroupNoList.1": {"43"}, "ip": {"10.0.0.88"}})
	eth1 := c.ncpNIC("createNetworkInterface", url.Values{"vpcNo": {"75"}, "subnetNo": {"37"},
		"accessControlGroupNoList.1": {"43"}})
	file := fmt.Sprintf(`version: 1
name: cov
providers:
  ncp: { type: ncloud, region: KR, endpoint: %q }
servers:
  nic:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", interfaces: [%q, %q] }
`, c.ncpEndpoint(), eth0.NetworkInterfaceNo, eth1.NetworkInterfaceNo)
	c.apply(file)

	create := one(t, "createServerInstances", c.ncpCalls("createServerInstances"))
	fields(t, "create nic", create, map[string]string{
		"networkInterfaceList.1.networkInterfaceOrder": "0",
		"networkInterfaceList.1.networkInterfaceNo":    eth0.NetworkInterfaceNo,
		"networkInterfaceList.2.networkInterfaceOrder": "1",
		"networkInterfaceList.2.networkInterfaceNo":    eth1.NetworkInterfaceNo,
		// The interfaces keep their own ACGs and addresses: no default ACG.
		"networkInterfaceList.1.accessControlGroupNoList.1": "",
		"networkInterfaceList.1.ip":                         "",
	})
	id := c.stateID("server/nic")
	srv := c.ncpServer(id)
	if got := strings.Join(srv.NetworkInterfaceNoList, ","); got != eth0.NetworkInterfaceNo+","+eth1.NetworkInterfaceNo {
		t.Errorf("server's interfaces %s, want %s,%s", got, eth0.NetworkInterfaceNo, eth1.NetworkInterfaceNo)
	}
	for _, want := range []struct {
		no, dev, ip string
	}{{eth0.NetworkInterfaceNo, "eth0", "10.0.0.88"}, {eth1.NetworkInterfaceNo, "eth1", eth1.IP}} {
		got := c.ncpNIC("getNetworkInterfaceDetail", url.Values{"networkInterfaceNo": {want.no}})
		if got.InstanceNo != id || got.DeviceName != want.dev || got.IP != want.ip || got.Status.Code != "USED" {
			t.Errorf("interface %s: %+v, want %s of %s with %s", want.no, got, want.dev, id, want.ip)
		}
	}

	if code, out, errs := c.run(file, "plan", "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after apply: exit %d, want 0 (no changes)\n%s%s", code, out, errs)
	}
	// Another interface replaces the server.
	eth0b := c.ncpNIC("createNetworkInterface", url.Values{"vpcNo": {"75"}, "subnetNo": {"36"}, "accessControlGroupNoList.1": {"43"}})
	changed := strings.Replace(file, fmt.Sprintf("[%q, %q]", eth0.NetworkInterfaceNo, eth1.NetworkInterfaceNo),
		fmt.Sprintf("[%q]", eth0b.NetworkInterfaceNo), 1)
	if code, out, errs := c.run(changed, "plan", "--detailed-exitcode"); code != 2 || !strings.Contains(out, "network.interfaces") {
		t.Errorf("plan with another interface: exit %d, want 2 and a network.interfaces change\n%s%s", code, out, errs)
	}

	// Another image replaces the server with the same interfaces: the old
	// server goes first, as an interface attaches to one server at a time.
	reimaged := strings.Replace(file, "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "SW.VSVR.OS.LNX64.CNTOS.0708.B050", 1)
	c.apply(reimaged)
	if id2 := c.stateID("server/nic"); id2 == id {
		t.Errorf("the server was not replaced: still %s", id)
	} else if got := strings.Join(c.ncpServer(id2).NetworkInterfaceNoList, ","); got != eth0.NetworkInterfaceNo+","+eth1.NetworkInterfaceNo {
		t.Errorf("replacement's interfaces %s, want %s,%s", got, eth0.NetworkInterfaceNo, eth1.NetworkInterfaceNo)
	}
	if code, out, errs := c.run(reimaged, "plan", "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after the replacement: exit %d, want 0 (no changes)\n%s%s", code, out, errs)
	}
	file = reimaged

	if code, out, errs := c.run(file, "destroy", "--auto-approve"); code != 0 {
		t.Fatalf("destroy: exit %d\n%s%s", code, out, errs)
	}
	for _, no := range []string{eth0.NetworkInterfaceNo, eth1.NetworkInterfaceNo} {
		if got := c.ncpNIC("getNetworkInterfaceDetail", url.Values{"networkInterfaceNo": {no}}); got.Status.Code != "NOTUSED" || got.InstanceNo != "" {
			t.Errorf("interface %s after destroy: %+v, want NOTUSED", no, got)
		}
	}
}
