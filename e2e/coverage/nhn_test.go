package coverage

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const nhnKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0n4Vb2mW7c1y9Zr3T8uQp5LxH0dF6sJ2aN8eY4tGw nhn@fleet\n"

// nhnServer describes db for the NHN fleet files.
type nhnServer struct {
	name, typ, power string
	groups           string // YAML list body
	volumes          bool
}

// nhnFleet is the fleet file of the NHN tests: db (volume-backed, every
// create field), box (U2, local disk) and optional YAML at the end.
func nhnFleet(c *cloud, db nhnServer, extra string) string {
	f := c.sim.NHN.Fixtures()
	vols := ""
	if db.volumes {
		vols = "    volumes:\n      - { name: pgdata, size: 20, type: General SSD }\n"
	}
	return fmt.Sprintf(`version: 1
name: cov
providers:
  nhn: { type: nhncloud, region: KR1, endpoint: %q }
keypairs:
  cov-nhn: { provider: nhn, public_key_file: nhn.pub }
servers:
  %s:
    provider: nhn
    image: %s
    type: %s
    zone: kr-pub-a
    network: { subnet: %s, security_groups: [%s], ip: 10.1.2.3 }
    key: cov-nhn
    power: %s
    user_data: "#!/bin/sh\necho hello\n"
    metadata: { role: db }
    root_volume: { size: 30, type: General SSD }
%s  box:
    provider: nhn
    image: %s
    type: u2.c2m4
    network: { subnet: %s }
    key: cov-nhn
%s`, c.nhnEndpoint(), db.name, f.Image, db.typ, f.Subnet, db.groups, db.power, vols, f.Image, f.Subnet, extra)
}

// nhnServerView is the part of GET /servers/{id} the tests read back.
type nhnServerView struct {
	Server struct {
		ID             string                  `json:"id"`
		Name           string                  `json:"name"`
		Status         string                  `json:"status"`
		KeyName        string                  `json:"key_name"`
		Zone           string                  `json:"OS-EXT-AZ:availability_zone"`
		Flavor         struct{ ID string }     `json:"flavor"`
		Metadata       map[string]string       `json:"metadata"`
		SecurityGroups []struct{ Name string } `json:"security_groups"`
		Addresses      map[string][]struct {
			Addr string `json:"addr"`
		} `json:"addresses"`
		Volumes []struct{ ID string } `json:"os-extended-volumes:volumes_attached"`
	} `json:"server"`
}

func (v nhnServerView) groups() string {
	var out []string
	for _, g := range v.Server.SecurityGroups {
		out = append(out, g.Name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestNHNCreateBody applies a fleet whose servers use every field of
// POST /servers that a fleet file exposes, and checks the body fleet sent
// and the server the simulator reports.
func TestNHNCreateBody(t *testing.T) {
	c := newCloud(t)
	c.writeFile("nhn.pub", nhnKey)
	c.apply(nhnFleet(c, nhnServer{name: "db", typ: "m2.c4m8", power: "running", groups: "default, web", volumes: true}, ""))
	f := c.sim.NHN.Fixtures()

	kp := one(t, "POST /os-keypairs", c.nhnCalls("POST", "os-keypairs", "keypair"))
	if d := cmp.Diff(map[string]any{"keypair": map[string]any{"name": "cov-nhn", "public_key": strings.TrimSpace(nhnKey)}}, trimmed(kp)); d != "" {
		t.Errorf("keypair import body (-want +got):\n%s", d)
	}
	if len(c.nhnCalls("GET", "flavors/detail", "")) == 0 {
		t.Error("the flavor name was not resolved through GET /flavors/detail")
	}
	for _, list := range []string{"os-keypairs", "servers/detail"} {
		if len(c.nhnCalls("GET", list, "")) == 0 {
			t.Errorf("the refresh did not list GET /%s", list)
		}
	}
	if len(c.nhnCalls("GET", "os-availability-zone", "")) == 0 {
		t.Error("the plan did not check the zone against GET /os-availability-zone")
	}

	var db, box map[string]any
	for _, b := range c.nhnCalls("POST", "servers", "server") {
		srv := b["server"].(map[string]any)
		switch srv["name"] {
		case "db":
			db = srv
		case "box":
			box = srv
		}
	}
	if db == nil || box == nil {
		t.Fatalf("POST /servers bodies: db %v, box %v", db, box)
	}
	userData, _ := base64.StdEncoding.DecodeString(db["user_data"].(string))
	md := db["metadata"].(map[string]any)
	want := map[string]any{
		"imageRef": f.Image, "flavorRef": "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d", "availability_zone": "kr-pub-a",
		"key_name": "cov-nhn", "min_count": float64(1), "max_count": float64(1),
		"networks":        []any{map[string]any{"subnet": f.Subnet, "fixed_ip": "10.1.2.3"}},
		"security_groups": []any{map[string]any{"name": "default"}, map[string]any{"name": "web"}},
		"block_device_mapping_v2": []any{map[string]any{
			"source_type": "image", "uuid": f.Image, "boot_index": float64(0), "destination_type": "volume",
			"volume_size": float64(30), "volume_type": "General SSD", "delete_on_termination": true,
		}},
	}
	for k, w := range want {
		if d := cmp.Diff(w, db[k]); d != "" {
			t.Errorf("db body %s (-want +got):\n%s", k, d)
		}
	}
	if string(userData) != "#!/bin/sh\necho hello\n" {
		t.Errorf("db user_data decodes to %q", userData)
	}
	if md["role"] != "db" {
		t.Errorf("db metadata %v: user key role missing", md)
	}
	if d := cmp.Diff([]any{map[string]any{"subnet": f.Subnet}}, box["networks"]); d != "" {
		t.Errorf("box networks (-want +got):\n%s", d)
	}
	if _, ok := box["block_device_mapping_v2"]; ok {
		t.Errorf("box (U2, local disk) sent block_device_mapping_v2: %v", box["block_device_mapping_v2"])
	}

	// Read back through GET /servers/{id} and the attachment list.
	sc := c.nhnCompute()
	var v nhnServerView
	dbID := c.stateID("server/db")
	c.nhnGet(sc, "servers/"+dbID, &v)
	if v.Server.Status != "ACTIVE" || v.Server.KeyName != "cov-nhn" || v.Server.Zone != "kr-pub-a" ||
		v.Server.Flavor.ID != "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d" || v.Server.Metadata["role"] != "db" || v.groups() != "default,web" {
		t.Errorf("db as the simulator reports it: %+v", v.Server)
	}
	var ips []string
	for _, as := range v.Server.Addresses {
		for _, a := range as {
			ips = append(ips, a.Addr)
		}
	}
	if strings.Join(ips, ",") != "10.1.2.3" {
		t.Errorf("db addresses %v, want the fixed IP 10.1.2.3", ips)
	}
	att := one(t, "POST os-volume_attachments", c.nhnCalls("POST", "servers/*/os-volume_attachments", "volumeAttachment"))
	volID := c.stateID("volume/db/pgdata")
	if d := cmp.Diff(map[string]any{"volumeAttachment": map[string]any{"volumeId": volID}}, att); d != "" {
		t.Errorf("attach body (-want +got):\n%s", d)
	}
	var list struct {
		VolumeAttachments []struct {
			VolumeID string `json:"volumeId"`
			Device   string `json:"device"`
		} `json:"volumeAttachments"`
	}
	c.nhnGet(sc, "servers/"+dbID+"/os-volume_attachments", &list)
	found := false
	for _, a := range list.VolumeAttachments {
		found = found || a.VolumeID == volID
	}
	if !found {
		t.Errorf("GET os-volume_attachments of db: %+v, want %s attached", list.VolumeAttachments, volID)
	}
}

// trimmed strips trailing whitespace from string leaves (public keys).
func trimmed(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			out[k] = trimmed(x)
		case string:
			out[k] = strings.TrimSpace(x)
		default:
			out[k] = v
		}
	}
	return out
}

// TestNHNLifecycle changes an applied fleet step by step and checks that
// each change reaches the cloud through the seed's operation: security
// groups in place, resize, stop, shelve, unshelve, rename through moved
// (same server id), detach, createImage of a U2 server, delete of servers
// and keypairs.
func TestNHNLifecycle(t *testing.T) {
	c := newCloud(t)
	c.writeFile("nhn.pub", nhnKey)
	base := nhnServer{name: "db", typ: "m2.c4m8", power: "running", groups: "default, web", volumes: true}
	c.apply(nhnFleet(c, base, ""))
	dbID := c.stateID("server/db")
	sc := c.nhnCompute()
	view := func(id string) nhnServerView {
		var v nhnServerView
		c.nhnGet(sc, "servers/"+id, &v)
		return v
	}

	// Security groups change in place: add test, remove web; same server.
	step := base
	step.groups = "default, test"
	c.apply(nhnFleet(c, step, ""))
	if got := view(dbID); got.Server.ID != dbID || got.groups() != "default,test" {
		t.Errorf("after security_groups change: id %s groups %s", got.Server.ID, got.groups())
	}
	add := one(t, "addSecurityGroup", c.nhnCalls("POST", "servers/*/action", "addSecurityGroup"))
	rm := one(t, "removeSecurityGroup", c.nhnCalls("POST", "servers/*/action", "removeSecurityGroup"))
	if d := cmp.Diff(map[string]any{"addSecurityGroup": map[string]any{"name": "test"}}, add); d != "" {
		t.Errorf("addSecurityGroup body (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]any{"removeSecurityGroup": map[string]any{"name": "web"}}, rm); d != "" {
		t.Errorf("removeSecurityGroup body (-want +got):\n%s", d)
	}
	if n := len(c.nhnCalls("DELETE", "servers/*", "")); n != 0 {
		t.Errorf("a security group change deleted %d servers", n)
	}

	// Resize: flavorRef is the id of the new flavor name; same server.
	step.typ = "m2.c8m16"
	c.apply(nhnFleet(c, step, ""))
	rs := one(t, "resize", c.nhnCalls("POST", "servers/*/action", "resize"))
	if d := cmp.Diff(map[string]any{"resize": map[string]any{"flavorRef": "b5f1c148-732c-417d-9d1b-1dffca105dbe"}}, rs); d != "" {
		t.Errorf("resize body (-want +got):\n%s", d)
	}
	if got := view(dbID); got.Server.Flavor.ID != "b5f1c148-732c-417d-9d1b-1dffca105dbe" || got.Server.Status != "ACTIVE" {
		t.Errorf("after resize: flavor %s status %s", got.Server.Flavor.ID, got.Server.Status)
	}

	// Power: stopped (os-stop), running (os-start), shelved (shelve),
	// running (unshelve). Counted per step: the resize stopped db too.
	for _, p := range []struct{ power, action, status string }{
		{"stopped", "os-stop", "SHUTOFF"},
		{"running", "os-start", "ACTIVE"},
		{"shelved", "shelve", "SHELVED_OFFLOADED"},
		{"running", "unshelve", "ACTIVE"},
	} {
		before := len(c.nhnCalls("POST", "servers/*/action", p.action))
		step.power = p.power
		c.apply(nhnFleet(c, step, ""))
		if n := len(c.nhnCalls("POST", "servers/*/action", p.action)) - before; n != 1 {
			t.Errorf("power: %s sent %d %s actions, want 1", p.power, n, p.action)
		}
		if got := view(dbID).Server.Status; got != p.status {
			t.Errorf("power: %s: status %s, want %s", p.power, got, p.status)
		}
	}

	// moved renames db to main: PUT /servers/{id}, the server keeps its id.
	step.name = "main"
	c.apply(nhnFleet(c, step, `moved:
  - { from: server/db, to: server/main }
`))
	put := one(t, "PUT /servers/{id}", c.nhnCalls("PUT", "servers/"+dbID, "server"))
	if d := cmp.Diff(map[string]any{"server": map[string]any{"name": "main"}}, put); d != "" {
		t.Errorf("rename body (-want +got):\n%s", d)
	}
	if got := c.stateID("server/main"); got != dbID {
		t.Errorf("server/main is %s in the state, want the renamed %s", got, dbID)
	}
	if got := view(dbID).Server.Name; got != "main" {
		t.Errorf("renamed server is called %q", got)
	}

	// Dropping the volume detaches it (and deletes it).
	step.volumes = false
	volID := c.stateID("volume/main/pgdata")
	c.apply(nhnFleet(c, step, `moved:
  - { from: server/db, to: server/main }
`))
	if n := len(c.nhnCalls("DELETE", "servers/"+dbID+"/os-volume_attachments/"+volID, "")); n != 1 {
		t.Errorf("dropping the volume sent %d detaches, want 1", n)
	}

	// images: from the U2 server uses createImage.
	c.apply(nhnFleet(c, step, `moved:
  - { from: server/db, to: server/main }
images:
  box-golden: { from: box }
  main-golden: { from: main }
`))
	ci := one(t, "createImage", c.nhnCalls("POST", "servers/*/action", "createImage"))
	body := ci["createImage"].(map[string]any)
	if body["name"] != "box-golden" || body["metadata"] == nil {
		t.Errorf("createImage body %v", ci)
	}
	c.stateID("image/box-golden")
	// A volume-backed server's image is its root volume's, found in the
	// server's attachment list.
	if len(c.nhnCalls("GET", "servers/"+dbID+"/os-volume_attachments", "")) == 0 {
		t.Error("main-golden did not list main's volume attachments")
	}
	c.stateID("image/main-golden")

	// An empty fleet deletes the servers, the images and the keypair.
	empty := fmt.Sprintf("version: 1\nname: cov\nproviders:\n  nhn: { type: nhncloud, region: KR1, endpoint: %q }\n", c.nhnEndpoint())
	c.apply(empty)
	if n := len(c.nhnCalls("DELETE", "servers/*", "")); n != 2 {
		t.Errorf("deleting the fleet sent %d DELETE /servers/{id}, want 2", n)
	}
	if n := len(c.nhnCalls("DELETE", "images/*", "")); n != 2 {
		t.Errorf("deleting the fleet sent %d DELETE /v2/images/{id}, want 2", n)
	}
	if n := len(c.nhnCalls("DELETE", "os-keypairs/cov-nhn", "")); n != 1 {
		t.Errorf("deleting the fleet sent %d DELETE /os-keypairs/cov-nhn, want 1", n)
	}
}

// TestNHNPlanRefusesUnknownNames plans against the simulator's catalog: a
// flavor name or zone that does not exist is refused before anything is
// created, and the message lists the close ones.
func TestNHNPlanRefusesUnknownNames(t *testing.T) {
	tests := map[string]struct {
		typ, zone string
		want      []string
	}{
		"flavor": {typ: "m2.c4m9", zone: "kr-pub-a", want: []string{"m2.c4m9", "m2.c4m8"}},
		"zone":   {typ: "m2.c4m8", zone: "kr-pub-z", want: []string{"kr-pub-z", "kr-pub-a"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCloud(t)
			c.writeFile("nhn.pub", nhnKey)
			file := strings.Replace(nhnFleet(c, nhnServer{name: "db", typ: tc.typ, power: "running", groups: "default"}, ""),
				"zone: kr-pub-a", "zone: "+tc.zone, 1)
			code, out, errs := c.run(file, "plan")
			if code != 1 {
				t.Fatalf("plan: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out+errs, w) {
					t.Errorf("plan output does not mention %q:\n%s%s", w, out, errs)
				}
			}
			if n := len(c.nhnCalls("POST", "servers", "server")); n != 0 {
				t.Errorf("a refused plan created %d servers", n)
			}
		})
	}
}
