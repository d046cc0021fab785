package tfstate

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		data    string
		version int // of the VersionError; 0: another error or none
		err     bool
	}{
		"version 4":     {data: `{"version": 4, "resources": []}`},
		"version 3":     {data: `{"version": 3, "modules": []}`, version: 3, err: true},
		"version 5":     {data: `{"version": 5}`, version: 5, err: true},
		"no version":    {data: `{"resources": []}`, err: true},
		"not json":      {data: `resource "x" "y" {}`, err: true},
		"bad resources": {data: `{"version": 4, "resources": {}}`, err: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("terraform.tfstate", []byte(tc.data))
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			var ve *VersionError
			if got := errors.As(err, &ve); got != (tc.version != 0) || (got && ve.Version != tc.version) {
				t.Errorf("err = %v, want a version %d error", err, tc.version)
			}
		})
	}
}

// TestMap: count and for_each instances and modules get Terraform's
// addresses; volumes find their server through an attachment; what fleet
// does not model is reported with the reason; data sources are skipped.
func TestMap(t *testing.T) {
	st, err := Parse("t", []byte(`{"version": 4, "resources": [
	  {"mode": "managed", "type": "ncloud_server", "name": "web", "instances": [
	    {"index_key": 0, "attributes": {"id": "101", "name": "web-1"}},
	    {"index_key": 1, "attributes": {"id": "102", "name": "web-2"}}]},
	  {"module": "module.db", "mode": "managed", "type": "openstack_compute_instance_v2", "name": "db", "instances": [
	    {"index_key": "primary", "attributes": {"id": "u-1", "name": "db"}}]},
	  {"mode": "managed", "type": "openstack_blockstorage_volume_v2", "name": "data", "instances": [
	    {"attributes": {"id": "v-1", "attachment": []}}]},
	  {"mode": "managed", "type": "openstack_compute_volume_attach_v2", "name": "data", "instances": [
	    {"attributes": {"id": "u-1/v-1", "instance_id": "u-1", "volume_id": "v-1"}}]},
	  {"mode": "managed", "type": "ncloud_public_ip", "name": "ip", "instances": [
	    {"index_key": 0, "attributes": {"id": "9", "public_ip_no": "9", "server_instance_no": "101"}},
	    {"index_key": 1, "attributes": {"id": "10", "server_instance_no": ""}}]},
	  {"mode": "managed", "type": "openstack_networking_floatingip_v2", "name": "fip", "instances": [{"attributes": {"id": "f"}}]},
	  {"mode": "managed", "type": "ncloud_vpc", "name": "main", "instances": [{"attributes": {"id": "75"}}]},
	  {"mode": "data", "type": "ncloud_server_images", "name": "all", "instances": [{"attributes": {"id": "x"}}]}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	m := Map(st)
	want := Mapping{
		Servers: []Ref{
			{Addr: `module.db.openstack_compute_instance_v2.db["primary"]`, Cloud: NHNCloud, ID: "u-1"},
			{Addr: "ncloud_server.web[0]", Cloud: NCloud, ID: "101"},
			{Addr: "ncloud_server.web[1]", Cloud: NCloud, ID: "102"},
		},
		Volumes:   []Ref{{Addr: "openstack_blockstorage_volume_v2.data", Cloud: NHNCloud, ID: "v-1", ServerID: "u-1"}},
		PublicIPs: []Ref{{Addr: "ncloud_public_ip.ip[0]", Cloud: NCloud, ID: "9", ServerID: "101"}},
		Attaches:  []Ref{{Addr: "openstack_compute_volume_attach_v2.data", Cloud: NHNCloud, ID: "v-1", ServerID: "u-1"}},
		Unmapped: []Unmapped{
			{"ncloud_public_ip.ip[1]", "a public IP assigned to no server: fleet models public IPs only as a server's public_ip"},
			{"ncloud_vpc.main", "fleet does not manage ncloud_vpc"},
			{"openstack_networking_floatingip_v2.fip", "fleet does not model NHN floating IPs yet: leave it in Terraform, where it stays associated"},
		},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("mapping (-want +got):\n%s", diff)
	}
	if got := m.Belonging(map[string]bool{"102": true}, nil); len(got) != 0 {
		t.Errorf("handed over for a server without IP or attachment: %v", got)
	}
}

func TestRemoveCommands(t *testing.T) {
	got := RemoveCommands([]string{`openstack_compute_instance_v2.web["it's"]`, "ncloud_server.web[0]"})
	want := []string{
		`terraform state rm 'ncloud_server.web[0]' 'openstack_compute_instance_v2.web["it'\''s"]'`,
		`tofu state rm 'ncloud_server.web[0]' 'openstack_compute_instance_v2.web["it'\''s"]'`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
