package nhncloud

import (
	"context"
	"net/http"
	"testing"

	"github.com/fleet-iac/fleet/providers"
)

var goldenOwner = providers.Owner{Fleet: "shop", Address: "image/web-golden"}

// A U2 server is imaged with createImage, answered with 202, no body and a
// Location header only.
func TestCreateImageOfU2ServerReadsLocation(t *testing.T) {
	f := newFake(t)
	f.handle("GET "+computePath("/servers/s1"), "", http.StatusOK, `{"server": `+serverJSON("s1", "web-1", "ACTIVE", "", flavorU2C2M4, nil)+`}`)
	f.mux.HandleFunc("POST "+computePath("/servers/s1/action"), f.check(
		`{"createImage": {"name": "web-golden", "metadata": {"fleet": "shop", "fleet-address": "image/web-golden"}}}`,
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", f.srv.URL+"/image/v2/images/8c2b9a4e-1f0a-4f43-9d0e-3e7b3b0a6a11")
			w.WriteHeader(http.StatusAccepted)
		}))
	p := f.provider(t)
	res, err := p.Create(context.Background(), providers.CreateRequest{Owner: goldenOwner, Image: &providers.ImageCreate{Name: "web-golden", ServerID: "s1"}})
	if err != nil || res.ID != "8c2b9a4e-1f0a-4f43-9d0e-3e7b3b0a6a11" {
		t.Fatalf("create image = %+v, %v", res, err)
	}
}

// Any other server boots from a volume: its root volume is uploaded with
// os-volume_upload_image and the image tagged with a Glance PATCH.
func TestCreateImageOfVolumeBackedServer(t *testing.T) {
	f := newFake(t)
	f.handle("GET "+computePath("/servers/s1"), "", http.StatusOK, `{"server": `+serverJSON("s1", "web-1", "ACTIVE", "", flavorM2C4M8, nil)+`}`)
	f.handle("GET "+computePath("/servers/s1/os-volume_attachments"), "", http.StatusOK,
		`{"volumeAttachments": [{"id": "vol-data", "volumeId": "vol-data", "serverId": "s1", "device": "/dev/vdb"},
		  {"id": "vol-root", "volumeId": "vol-root", "serverId": "s1", "device": "/dev/vda"}]}`)
	f.handle("POST "+volumePath("/volumes/vol-root/action"),
		`{"os-volume_upload_image": {"image_name": "web-golden", "force": true, "disk_format": "qcow2", "container_format": "bare", "visibility": "private"}}`,
		http.StatusAccepted, `{"os-volume_upload_image": {"id": "vol-root", "status": "uploading", "image_id": "img-9", "image_name": "web-golden", "size": 20}}`)
	f.mux.HandleFunc("PATCH /image/v2/images/img-9", f.check(
		`[{"op": "add", "path": "/fleet", "value": "shop"}, {"op": "add", "path": "/fleet-address", "value": "image/web-golden"},
		  {"op": "add", "path": "/fleet-source-server", "value": "s1"}]`,
		func(w http.ResponseWriter, r *http.Request) {
			if ct := r.Header.Get("Content-Type"); ct != "application/openstack-images-v2.1-json-patch" {
				t.Errorf("Content-Type = %q", ct)
			}
			reply(w, http.StatusOK, `{"id": "img-9", "name": "web-golden", "status": "queued", "fleet": "shop", "fleet-address": "image/web-golden", "fleet-source-server": "s1"}`)
		}))
	p := f.provider(t)
	res, err := p.Create(context.Background(), providers.CreateRequest{Owner: goldenOwner, Image: &providers.ImageCreate{Name: "web-golden", ServerID: "s1"}})
	if err != nil || res.ID != "img-9" {
		t.Fatalf("create image = %+v, %v", res, err)
	}
}
