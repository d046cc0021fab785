package nhncloud

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// TestInventory also asks with KnownLater (plan reads its state while the
// lists are out): the same untagged resources are picked out of the pages.
func TestInventory(t *testing.T) {
	for _, later := range []bool{false, true} {
		t.Run(fmt.Sprintf("known later %v", later), func(t *testing.T) { testInventory(t, later) })
	}
}

func testInventory(t *testing.T, later bool) {
	f := newFake(t)
	web1 := serverJSON("s1", "web-1", "ACTIVE", "", flavorM2C4M8, map[string]string{
		"fleet": "shop", "fleet-address": "server/web-1", "role": "web", "os_distro": "ubuntu", "image_name": "Ubuntu 24.04", "login_username": "ubuntu"})
	other := serverJSON("s2", "web-1", "ACTIVE", "", flavorM2C4M8, map[string]string{"fleet": "other", "fleet-address": "server/web-1"})
	untagged := serverJSON("s3", "hand-made", "ACTIVE", "", flavorM2C4M8, map[string]string{"os_distro": "ubuntu"})
	db := serverJSON("s0", "db-1", "SHUTOFF", "", flavorM2C8M16, map[string]string{"fleet": "shop", "fleet-address": "server/db-1", "fleet-protect": "true"})
	f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("limit") != "1000" {
			t.Errorf("servers/detail without limit=1000: %s", r.URL.RawQuery)
		}
		switch q.Get("marker") {
		case "":
			reply(w, http.StatusOK, `{"servers": [`+web1+`, `+other+`], "servers_links": [{"rel": "next", "href": "`+
				f.srv.URL+computePath("/servers/detail")+`?limit=1000&marker=s2"}]}`)
		case "s2":
			reply(w, http.StatusOK, `{"servers": [`+untagged+`, `+db+`]}`)
		default:
			t.Errorf("unexpected marker %q", q.Get("marker"))
		}
	}))
	f.handle("GET "+volumePath("/volumes/detail"), "", http.StatusOK, `{"volumes": [
	  {"id": "vol-root", "name": "", "status": "in-use", "size": 50, "volume_type": "General SSD", "availability_zone": "kr-pub-a", "bootable": "true",
	   "metadata": {}, "volume_image_metadata": {"image_id": "img-ubuntu"}, "attachments": [{"server_id": "s1", "device": "/dev/vda", "id": "vol-root"}]},
	  {"id": "vol-data", "name": "web-1-data", "status": "in-use", "size": 100, "volume_type": "General HDD", "availability_zone": "kr-pub-a", "bootable": "false",
	   "metadata": {"fleet": "shop", "fleet-address": "volume/web-1/data"}, "attachments": [{"server_id": "s1", "device": "/dev/vdb", "id": "vol-data"}]},
	  {"id": "vol-x", "name": "scratch", "status": "available", "size": 10, "volume_type": "General HDD", "availability_zone": "kr-pub-a", "bootable": "false",
	   "metadata": {}, "attachments": []}]}`)
	f.handle("GET "+computePath("/os-keypairs"), "", http.StatusOK,
		`{"keypairs": [{"keypair": {"name": "zeta", "public_key": "ssh-rsa B", "fingerprint": "SHA256:z"}}, {"keypair": {"name": "access-key", "public_key": "ssh-rsa A", "fingerprint": "SHA256:a"}}]}`)
	f.handle("GET /image/v2/images", "", http.StatusOK, `{"images": [
	  {"id": "img-ubuntu", "name": "Ubuntu Server 24.04", "status": "active", "visibility": "public"},
	  {"id": "img-9", "name": "web-golden", "status": "saving", "visibility": "private", "fleet": "shop", "fleet-address": "image/web-golden", "fleet-source-server": "s1"}]}`)

	p := f.provider(t)
	// s3 and vol-x carry no tag, but the state knows them (fleet import).
	known := []providers.Known{{Kind: addrs.KindServer, ID: "s3"}, {Kind: addrs.KindVolume, ID: "vol-x"}, {Kind: addrs.KindImage, ID: "img-gone"}}
	req := providers.InventoryRequest{Fleet: "shop", Known: known}
	if later {
		req = providers.InventoryRequest{Fleet: "shop", KnownLater: func() []providers.Known { return known }}
	}
	got, err := p.Inventory(context.Background(), req)
	if err != nil {
		t.Fatalf("inventory: %v", err)
	}
	// Nova's created, as every fixture server reports it.
	created := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	want := providers.InventoryResponse{
		Servers: []providers.Server{ // sorted by owner address: the untagged one first
			{ID: "s3", Name: "hand-made", Type: "m2.c4m8", Zone: "kr-pub-a", SecurityGroups: []string{"default", "web"}, IP: "192.168.0.10",
				Key: "access-key", Power: "running", Status: "ACTIVE", Attached: []string{"vol-data", "vol-root"}, Created: created},
			{ID: "s0", Name: "db-1", Owner: providers.Owner{Fleet: "shop", Address: "server/db-1"}, Type: "m2.c8m16", Zone: "kr-pub-a",
				SecurityGroups: []string{"default", "web"}, IP: "192.168.0.10", Key: "access-key", Power: "stopped", Status: "SHUTOFF", Protect: true,
				Attached: []string{"vol-data", "vol-root"}, Created: created},
			{ID: "s1", Name: "web-1", Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"}, Image: "img-ubuntu", Type: "m2.c4m8", Zone: "kr-pub-a",
				SecurityGroups: []string{"default", "web"}, IP: "192.168.0.10", Key: "access-key", Power: "running", Status: "ACTIVE",
				RootVolume: &providers.RootVolume{Size: 50, Type: "General SSD"}, Metadata: map[string]string{"role": "web"}, Attached: []string{"vol-data"}, Created: created},
		},
		Volumes: []providers.Volume{{ID: "vol-x", Name: "scratch", Size: 10, Type: "General HDD", Zone: "kr-pub-a", Status: "available"},
			{ID: "vol-data", Name: "web-1-data", Owner: providers.Owner{Fleet: "shop", Address: "volume/web-1/data"},
				Size: 100, Type: "General HDD", Zone: "kr-pub-a", ServerID: "s1", Status: "in-use"}},
		Images: []providers.Image{{ID: "img-9", Name: "web-golden", Owner: providers.Owner{Fleet: "shop", Address: "image/web-golden"},
			SourceServerID: "s1", Status: "saving"}},
		Keypairs: []providers.Keypair{{Name: "access-key", Fingerprint: "SHA256:a"}, {Name: "zeta", Fingerprint: "SHA256:z"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inventory (-want +got):\n%s", diff)
	}
	calls := 0
	for k, n := range f.calls {
		if k != "POST /identity/v2.0/tokens" && k != "GET /image/" {
			calls += n
		}
	}
	if calls != 6 {
		t.Errorf("inventory made %d calls, want 6 (flavors, 2 server pages, volumes, keypairs, images): %v", calls, f.calls)
	}
}
