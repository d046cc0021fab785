package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// legacy is an account that already runs servers fleet did not make, built
// through the clouds' own APIs as a console or a script would: on NCP two
// alike servers app-1 and app-2 and a db with a volume; on NHN two alike
// servers web-1 and web-2 with a volume each and a lone cache; plus an NHN
// server another fleet owns, which must never be taken.
type legacy struct {
	w        *world
	compute  *gophercloud.ServiceClient
	volume   *gophercloud.ServiceClient
	ncpIDs   map[string]string // server name → id
	nhnIDs   map[string]string
	otherID  string            // the server fleet "other" owns
	volumeID map[string]string // volume name → id
}

func newLegacy(t *testing.T, w *world) *legacy {
	t.Helper()
	l := &legacy{w: w, ncpIDs: map[string]string{}, nhnIDs: map[string]string{}, volumeID: map[string]string{}}
	ctx := context.Background()
	user, pass, tenant := w.sim.NHN.Credentials()
	auth := w.envValue("OS_AUTH_URL")
	pc, err := openstack.NewClient(auth)
	if err != nil {
		t.Fatal(err)
	}
	if err := openstack.Authenticate(ctx, pc, gophercloud.AuthOptions{IdentityEndpoint: auth, Username: user, Password: pass, TenantID: tenant}); err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	eo := gophercloud.EndpointOpts{Region: w.envValue("OS_REGION_NAME")}
	if l.compute, err = openstack.NewComputeV2(pc, eo); err != nil {
		t.Fatal(err)
	}
	if l.volume, err = openstack.NewBlockStorageV2(pc, eo); err != nil {
		t.Fatal(err)
	}

	// NCP, by signed GETs as the SDK sends them.
	l.ncp("createLoginKey", url.Values{"keyName": {"legacy-key"}})
	for _, name := range []string{"app-1", "app-2", "dbs"} {
		spec := w.envValue("FLEET_SIM_NCP_SPEC")
		var out struct {
			ServerInstanceList []struct{ ServerInstanceNo string } `json:"serverInstanceList"`
		}
		l.ncpInto("createServerInstances", url.Values{
			"serverName": {name}, "serverImageProductCode": {w.envValue("FLEET_SIM_NCP_IMAGE")}, "serverSpecCode": {spec},
			"vpcNo": {w.envValue("FLEET_SIM_NCP_VPC")}, "subnetNo": {w.envValue("FLEET_SIM_NCP_SUBNET")}, "loginKeyName": {"legacy-key"},
			"networkInterfaceList.1.networkInterfaceOrder":      {"0"},
			"networkInterfaceList.1.accessControlGroupNoList.1": {w.envValue("FLEET_SIM_NCP_ACG")},
		}, &out)
		l.ncpIDs[name] = out.ServerInstanceList[0].ServerInstanceNo
	}
	l.waitNCP(t)
	var vol struct {
		BlockStorageInstanceList []struct{ BlockStorageInstanceNo string } `json:"blockStorageInstanceList"`
	}
	l.ncpInto("createBlockStorageInstance", url.Values{"blockStorageName": {"dbs-data"}, "blockStorageSize": {"50"},
		"blockStorageDiskDetailTypeCode": {"SSD"}, "serverInstanceNo": {l.ncpIDs["dbs"]}}, &vol)
	l.volumeID["dbs-data"] = vol.BlockStorageInstanceList[0].BlockStorageInstanceNo

	// NHN, through gophercloud as any OpenStack tool would.
	if _, err := keypairs.Create(ctx, l.compute, keypairs.CreateOpts{Name: "legacy-key"}).Extract(); err != nil {
		t.Fatalf("create keypair: %v", err)
	}
	flavorID := ""
	pages, err := flavors.ListDetail(l.compute, nil).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := flavors.ExtractFlavors(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fl {
		if f.Name == w.envValue("FLEET_SIM_NHN_FLAVOR") {
			flavorID = f.ID
		}
	}
	create := func(name string, md map[string]string) string {
		s, err := servers.Create(ctx, l.compute, nhnSubnet{keypairs.CreateOptsExt{CreateOptsBuilder: servers.CreateOpts{
			Name: name, ImageRef: w.envValue("FLEET_SIM_NHN_IMAGE"), FlavorRef: flavorID,
			AvailabilityZone: w.envValue("FLEET_SIM_NHN_ZONE"), Metadata: md,
		}, KeyName: "legacy-key"}, w.envValue("FLEET_SIM_NHN_SUBNET")}, nil).Extract()
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return s.ID
	}
	for _, name := range []string{"web-1", "web-2", "cache"} {
		l.nhnIDs[name] = create(name, nil)
	}
	l.otherID = create("theirs", map[string]string{"fleet": "other", "fleet-address": "server/theirs"})
	l.nhnIDs["theirs"] = l.otherID // waited for like the others
	for _, name := range []string{"web-1", "web-2"} {
		v, err := volumes.Create(ctx, l.volume, volumes.CreateOpts{Name: name + "-data", Size: 100, VolumeType: "General SSD", AvailabilityZone: w.envValue("FLEET_SIM_NHN_ZONE")}, nil).Extract()
		if err != nil {
			t.Fatalf("create volume: %v", err)
		}
		l.volumeID[name+"-data"] = v.ID
	}
	l.waitNHN(t)
	for _, name := range []string{"web-1", "web-2"} {
		if _, err := volumeattach.Create(ctx, l.compute, l.nhnIDs[name], volumeattach.CreateOpts{VolumeID: l.volumeID[name+"-data"]}).Extract(); err != nil {
			t.Fatalf("attach %s: %v", name, err)
		}
	}
	l.waitAttached(t)
	return l
}

// nhnSubnet places a server's NIC in a subnet, NHN's extension of
// networks[] that gophercloud does not model, and boots it from a volume.
type nhnSubnet struct {
	servers.CreateOptsBuilder
	subnet string
}

func (o nhnSubnet) ToServerCreateMap() (map[string]any, error) {
	m, err := o.CreateOptsBuilder.ToServerCreateMap()
	if err != nil {
		return nil, err
	}
	srv := m["server"].(map[string]any)
	srv["networks"] = []map[string]string{{"subnet": o.subnet}}
	// NHN boots from a volume made from the image.
	srv["block_device_mapping_v2"] = []map[string]any{{"boot_index": 0, "uuid": srv["imageRef"], "source_type": "image",
		"destination_type": "volume", "volume_size": 50, "delete_on_termination": true}}
	return m, nil
}

// ncp calls an NCP operation with a signed GET and fails the test on error.
func (l *legacy) ncp(op string, params url.Values) { l.ncpInto(op, params, nil) }

func (l *legacy) ncpInto(op string, params url.Values, out any) {
	t := l.w.t
	t.Helper()
	params.Set("responseFormatType", "json")
	uri := "/vserver/v2/" + op + "?" + params.Encode()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	ak, sk := l.w.sim.NCP.Credentials()
	req, err := http.NewRequest(http.MethodGet, l.w.sim.URL+uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", ak)
	req.Header.Set("x-ncp-apigw-signature-v2", signature.Sign(http.MethodGet, uri, ts, ak, sk))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", op, resp.StatusCode, body)
	}
	if out == nil {
		return
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	if err := json.Unmarshal(env[op+"Response"], out); err != nil {
		t.Fatalf("%s: %v in %s", op, err, body)
	}
}

// waitNCP waits until every NCP server runs, asking the API (the
// simulator moves a resource on when it is read).
func (l *legacy) waitNCP(t *testing.T) {
	t.Helper()
	l.until(t, "NCP servers running", func() bool {
		var out struct {
			ServerInstanceList []struct {
				ServerInstanceStatus struct{ Code string } `json:"serverInstanceStatus"`
			} `json:"serverInstanceList"`
		}
		l.ncpInto("getServerInstanceList", url.Values{}, &out)
		for _, s := range out.ServerInstanceList {
			if s.ServerInstanceStatus.Code != "RUN" {
				return false
			}
		}
		return len(out.ServerInstanceList) > 0
	})
}

// waitNHN waits until every NHN server is active and volume available.
func (l *legacy) waitNHN(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	l.until(t, "NHN servers active and volumes available", func() bool {
		for _, id := range l.nhnIDs {
			if s, err := servers.Get(ctx, l.compute, id).Extract(); err != nil || s.Status != "ACTIVE" {
				return false
			}
		}
		for _, id := range l.volumeID {
			if v, err := volumes.Get(ctx, l.volume, id).Extract(); err == nil && v.Status != "available" && v.Status != "in-use" {
				return false
			}
		}
		return true
	})
}

// waitAttached waits until the NHN volumes are in use.
func (l *legacy) waitAttached(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	l.until(t, "volumes attached", func() bool {
		for _, name := range []string{"web-1-data", "web-2-data"} {
			if v, err := volumes.Get(ctx, l.volume, l.volumeID[name]).Extract(); err != nil || v.Status != "in-use" {
				return false
			}
		}
		return true
	})
}

func (l *legacy) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFor(ctx, cond) {
		t.Fatalf("timed out waiting for %s: %v", what, l.w.cloud())
	}
}

// writeProvidersOnly writes a fleet file that declares the providers and no
// server: the state of a team about to adopt what it runs.
func (w *world) writeProvidersOnly() {
	w.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: %s\n\nproviders:\n", fleetName)
	fmt.Fprintf(&b, "  ncp:\n    type: ncloud\n    region: KR\n    endpoint: %s\n", w.sim.URL)
	fmt.Fprintf(&b, "  nhn:\n    type: nhncloud\n    region: KR1\n    endpoint: %s\n", w.envValue("OS_AUTH_URL"))
	if err := os.WriteFile(filepath.Join(w.dir, "fleet.yaml"), []byte(b.String()), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// TestImportDiscover takes over both accounts: the alike servers become
// count groups, the rest one entry each, volumes and keys included; the
// server another fleet owns is left alone; the next plan says "No changes",
// and every NHN resource carries the owner tag.
func TestImportDiscover(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	l := newLegacy(t, w)
	w.writeProvidersOnly()

	r := w.run(2*time.Minute, "import", "-f", ".", "--discover")
	if r.code != 1 || !strings.Contains(r.stdout, "Plan: 9 to import, 5 to tag.") || !strings.Contains(r.stderr, "import needs --auto-approve") {
		t.Fatalf("discover without approval: %s", r)
	}
	if strings.Contains(r.stdout, "theirs") {
		t.Errorf("the plan lists a server another fleet owns: %s", r)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "fleet.lock")); err == nil {
		t.Fatalf("an unapproved import wrote the state")
	}

	r = w.run(2*time.Minute, "import", "-f", ".", "--discover", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Imported 9 resource(s), tagged 5.") {
		t.Fatalf("discover: %s", r)
	}
	if !strings.Contains(r.stdout, `Note: provider "ncp" cannot put an owner tag on an existing resource`) {
		t.Errorf("discover does not say NCP's servers stay untagged: %s", r)
	}
	l.assertTakenOver(t)
	frag, err := os.ReadFile(filepath.Join(w.dir, "discovered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  app:\n    count: 2\n", "  web:\n    count: 2\n", "  dbs:\n", "  cache:\n", "key: legacy-key", "- {name: data, size: 50, type: SSD}", "- {name: data, size: 100, type: General SSD}"} {
		if !strings.Contains(string(frag), want) {
			t.Errorf("discovered.yaml lacks %q:\n%s", want, frag)
		}
	}
	if r := w.run(2*time.Minute, "plan", "-f", ".", "--detailed-exitcode"); r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("plan after discover: %s\n%s", r, frag)
	}
	if r := w.run(time.Minute, "import", "-f", ".", "--discover", "--auto-approve"); r.code != 0 || !strings.Contains(r.stdout, "Nothing to import") {
		t.Errorf("a second discover: %s", r)
	}

	// A server made later under a name the fragment's group already gives
	// (NHN web-1, taken over above) is a problem: taking it would write a
	// second web-1 and replace NHN web-1's entry in the state.
	l.ncp("createServerInstances", url.Values{
		"serverName": {"web-1"}, "serverImageProductCode": {w.envValue("FLEET_SIM_NCP_IMAGE")}, "serverSpecCode": {w.envValue("FLEET_SIM_NCP_SPEC")},
		"vpcNo": {w.envValue("FLEET_SIM_NCP_VPC")}, "subnetNo": {w.envValue("FLEET_SIM_NCP_SUBNET")}, "loginKeyName": {"legacy-key"},
		"networkInterfaceList.1.networkInterfaceOrder":      {"0"},
		"networkInterfaceList.1.accessControlGroupNoList.1": {w.envValue("FLEET_SIM_NCP_ACG")},
	})
	l.waitNCP(t)
	r = w.run(time.Minute, "import", "-f", ".", "--discover", "--auto-approve")
	if r.code != 1 || !strings.Contains(r.stderr, "Problem: servers.web-1: the fleet already declares web-1 at discovered.yaml") ||
		!strings.Contains(r.stderr, "Problem: server/web-1: the state records it already, as id "+l.nhnIDs["web-1"]+" of provider nhn") {
		t.Errorf("discover of a server named like a member taken over before: %s", r)
	}
	after, err := os.ReadFile(filepath.Join(w.dir, "discovered.yaml"))
	if err != nil || string(after) != string(frag) {
		t.Errorf("the refused discover changed discovered.yaml (%v):\n%s", err, after)
	}
	l.assertTakenOver(t)
	w.assertNoChangesIn(".")
}

// assertTakenOver checks the state records each server and volume once
// under the address its name gives, and that NHN's carry the owner tag.
func (l *legacy) assertTakenOver(t *testing.T) {
	t.Helper()
	st := l.w.readState()
	want := map[string]string{
		"server/app-1": l.ncpIDs["app-1"], "server/app-2": l.ncpIDs["app-2"], "server/dbs": l.ncpIDs["dbs"], "volume/dbs/data": l.volumeID["dbs-data"],
		"server/web-1": l.nhnIDs["web-1"], "server/web-2": l.nhnIDs["web-2"], "server/cache": l.nhnIDs["cache"],
		"volume/web-1/data": l.volumeID["web-1-data"], "volume/web-2/data": l.volumeID["web-2-data"],
	}
	got := map[string]string{}
	for _, r := range st.Resources {
		if _, dup := got[r.Address.String()]; dup {
			t.Errorf("%s twice in the state", r.Address)
		}
		got[r.Address.String()] = r.ID
	}
	for addr, id := range want {
		if got[addr] != id {
			t.Errorf("state %s = %q, want %q", addr, got[addr], id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("state has %d resources, want %d: %v", len(got), len(want), got)
	}
	addrOf := map[string]string{}
	for addr, id := range want {
		addrOf[id] = addr
	}
	for _, r := range l.w.cloud() {
		switch {
		case r.id == l.otherID:
			if r.fleet != "other" {
				t.Errorf("the other fleet's server was re-tagged: %v", r)
			}
		case r.cloud == "nhncloud" && (r.fleet != fleetName || r.addr != addrOf[r.id]):
			t.Errorf("not tagged as %s's %s: %v", fleetName, addrOf[r.id], r)
		}
	}
}

// TestImportDiscoverKilledWhileTagging kills the import while it tags: the
// re-run records nothing twice, tags what is left, and the plan is empty.
func TestImportDiscoverKilledWhileTagging(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	l := newLegacy(t, w)
	w.writeProvidersOnly()
	w.sim.SetBehaviour(simcore.Behaviour{BuildTime: 200 * time.Millisecond, Latency: 150 * time.Millisecond})
	c := w.start("import", "-f", ".", "--discover", "--auto-approve")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tagging := waitFor(ctx, func() bool {
		for _, r := range w.cloud() {
			if r.cloud == "nhncloud" && r.fleet == fleetName {
				return true
			}
		}
		return false
	})
	if !c.Kill() || !tagging {
		t.Fatalf("import was not killed while tagging:\n%s", tail(c.Stdout.String()))
	}
	// A tag call sent just before the kill may still land in the simulator
	// (it answers after its latency): count once the count has settled.
	tagged := settled(func() int {
		n := 0
		for _, r := range w.cloud() {
			if r.cloud == "nhncloud" && r.fleet == fleetName {
				n++
			}
		}
		return n
	}, time.Second)
	if tagged == 5 {
		t.Fatalf("every resource was tagged before the kill: the test proves nothing")
	}
	t.Logf("killed after tagging %d of 5", tagged)
	w.sim.SetBehaviour(simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	r := w.run(2*time.Minute, "import", "-f", ".", "--discover", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Plan: 0 to import, "+strconv.Itoa(5-tagged)+" to tag.") {
		t.Fatalf("re-run after the kill (%d tagged before it): %s", tagged, r)
	}
	l.assertTakenOver(t)
	w.assertNoChangesIn(".")
}

// settled returns count() once it has not changed for quiet.
func settled(count func() int, quiet time.Duration) int {
	n, since := count(), time.Now()
	for time.Since(since) < quiet {
		time.Sleep(100 * time.Millisecond)
		if m := count(); m != n {
			n, since = m, time.Now()
		}
	}
	return n
}

// assertNoChangesIn is assertNoChanges for a fleet given with -f.
func (w *world) assertNoChangesIn(file string) {
	w.t.Helper()
	r := w.run(2*time.Minute, "plan", "-f", file, "--detailed-exitcode")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		w.t.Fatalf("final plan is not empty: %s", r)
	}
}

// TestImportTagsServer: fleet import ADDR ID puts the owner tag on the
// server it records, and refuses a server another fleet owns.
func TestImportTagsServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	l := newLegacy(t, w)
	w.writeProvidersOnly()
	decl := fmt.Sprintf("servers:\n  cache: &s\n    provider: nhn\n    image: %s\n    type: %s\n    zone: %s\n    network: { subnet: %s }\n    key: legacy-key\n  theirs: *s\n",
		w.envValue("FLEET_SIM_NHN_IMAGE"), w.envValue("FLEET_SIM_NHN_FLAVOR"), w.envValue("FLEET_SIM_NHN_ZONE"), w.envValue("FLEET_SIM_NHN_SUBNET"))
	if err := os.WriteFile(filepath.Join(w.dir, "servers.yaml"), []byte(decl), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := w.run(time.Minute, "import", "-f", ".", "server/theirs", l.otherID); r.code != 1 || !strings.Contains(r.stderr, `belongs to fleet "other"`) {
		t.Errorf("import of another fleet's server: %s", r)
	}
	if r := w.run(time.Minute, "import", "-f", ".", "server/cache", l.nhnIDs["cache"]); r.code != 0 {
		t.Fatalf("import: %s", r)
	}
	for _, res := range w.cloud() {
		if res.id == l.nhnIDs["cache"] && (res.fleet != fleetName || res.addr != "server/cache") {
			t.Errorf("imported server not tagged: %v", res)
		}
		if res.id == l.otherID && res.fleet != "other" {
			t.Errorf("the other fleet's server was re-tagged: %v", res)
		}
	}
	if r := w.run(time.Minute, "state", "list", "-f", "."); r.code != 0 || strings.Contains(r.stdout, "theirs") || !strings.Contains(r.stdout, "server/cache") {
		t.Errorf("state list: %s", r)
	}

	// A run that stopped between recording and tagging leaves the server
	// recorded and untagged: the same import again tags it.
	for _, k := range []string{"fleet", "fleet-address"} {
		if err := servers.DeleteMetadatum(context.Background(), l.compute, l.nhnIDs["cache"], k).ExtractErr(); err != nil {
			t.Fatalf("untag: %v", err)
		}
	}
	if r := w.run(time.Minute, "import", "-f", ".", "server/cache", l.nhnIDs["cache"]); r.code != 0 || !strings.Contains(r.stdout, "in the state already; 1 owner tag(s) put on now.") {
		t.Fatalf("the same import again: %s", r)
	}
	for _, res := range w.cloud() {
		if res.id == l.nhnIDs["cache"] && (res.fleet != fleetName || res.addr != "server/cache") {
			t.Errorf("the same import again did not tag: %v", res)
		}
	}
}
