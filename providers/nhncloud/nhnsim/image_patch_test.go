package nhnsim

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// uploadedImage makes an image the way fleet images a volume-backed
// server: a volume from the catalog image, uploaded to Glance.
func uploadedImage(t *testing.T, g *gc, name string) string {
	t.Helper()
	ctx := context.Background()
	vol, err := volumes.Create(ctx, g.block, volumes.CreateOpts{Size: 20, ImageID: g.h.sim.Fixtures().Image}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	g.settle()
	up, err := volumes.UploadImage(ctx, g.block, vol.ID, volumes.UploadImageOpts{ImageName: name, Force: true,
		DiskFormat: "qcow2", ContainerFormat: "bare", Visibility: "private"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	g.settle()
	return up.ImageID
}

// snapshotImage makes an image with createImage on a U2 server.
func snapshotImage(t *testing.T, g *gc, name string) string {
	t.Helper()
	ctx := context.Background()
	fx := g.h.sim.Fixtures()
	s, err := servers.Create(ctx, g.compute, keypairs.CreateOptsExt{KeyName: "k", CreateOptsBuilder: servers.CreateOpts{
		Name: name, ImageRef: fx.Image, FlavorRef: flavorID("u2.c2m4"), Networks: []servers.Network{{UUID: fx.Network}}}}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	g.settle()
	res := servers.CreateImage(ctx, g.compute, s.ID, servers.CreateImageOpts{Name: name})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	g.settle()
	loc := res.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

func TestImagePatchWithGophercloud(t *testing.T) {
	h := newHarness(t, Options{})
	g := newGC(t, h)
	ctx := context.Background()
	id := uploadedImage(t, g, "golden")

	// What fleet sends after os-volume_upload_image, plus every typed update gophercloud has.
	img, err := images.Update(ctx, g.image, id, images.UpdateOpts{
		images.UpdateImageProperty{Op: images.AddOp, Name: "fleet-fleet", Value: "prod"},
		images.UpdateImageProperty{Op: images.AddOp, Name: "fleet-address", Value: "image/golden"},
		images.UpdateImageProperty{Op: images.AddOp, Name: "fleet-source-server", Value: "s1"},
		images.UpdateImageProperty{Op: images.ReplaceOp, Name: "fleet-source-server", Value: "s2"},
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "image_name"},
		images.ReplaceImageName{NewName: "golden-2"},
		images.ReplaceImageTags{NewTags: []string{"web", "base", "web"}},
		images.ReplaceImageMinDisk{NewMinDisk: 40},
		images.ReplaceImageMinRam{NewMinRam: 2048},
		images.ReplaceImageProtected{NewProtected: true},
		images.UpdateVisibility{Visibility: images.ImageVisibilityShared},
	}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	got, err := images.Get(ctx, g.image, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Name, Status, Visibility string
		Tags                     []string
		MinDisk, MinRAM          int
		Protected                bool
		Props                    map[string]any
	}
	viewOf := func(i *images.Image) view {
		props := map[string]any{}
		for _, k := range []string{"fleet-fleet", "fleet-address", "fleet-source-server", "image_name"} {
			if v, ok := i.Properties[k]; ok {
				props[k] = v
			}
		}
		return view{i.Name, string(i.Status), string(i.Visibility), i.Tags, i.MinDiskGigabytes, i.MinRAMMegabytes, i.Protected, props}
	}
	want := view{Name: "golden-2", Status: "active", Visibility: "shared", Tags: []string{"base", "web"}, MinDisk: 40, MinRAM: 2048, Protected: true,
		Props: map[string]any{"fleet-fleet": "prod", "fleet-address": "image/golden", "fleet-source-server": "s2"}}
	for name, i := range map[string]*images.Image{"PATCH answer": img, "GET": got} {
		if diff := cmp.Diff(want, viewOf(i)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}

	// A failing operation leaves the image as it was, earlier operations included.
	_, err = images.Update(ctx, g.image, id, images.UpdateOpts{
		images.ReplaceImageName{NewName: "never"},
		images.UpdateImageProperty{Op: images.ReplaceOp, Name: "no-such-property", Value: "x"},
	}).Extract()
	wantCode(t, err, http.StatusConflict)
	if got, err := images.Get(ctx, g.image, id).Extract(); err != nil || got.Name != "golden-2" {
		t.Fatalf("after a refused patch: %v %v", got.Name, err)
	}

	// Hidden images leave the default list.
	if _, err := images.Update(ctx, g.image, id, images.UpdateOpts{images.ReplaceImageHidden{NewHidden: true}}).Extract(); err != nil {
		t.Fatal(err)
	}
	for _, hidden := range []bool{false, true} {
		pages, err := images.List(g.image, images.ListOpts{Hidden: hidden}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, err := images.ExtractImages(pages)
		if err != nil {
			t.Fatal(err)
		}
		if listed := slices.ContainsFunc(all, func(i images.Image) bool { return i.ID == id }); listed != hidden {
			t.Errorf("os_hidden=%v: the hidden image listed: %v", hidden, listed)
		}
	}
}

// TestImagePatchRefusals sends what gophercloud would not, to check
// Glance's answers.
func TestImagePatchRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	g := newGC(t, h)
	id := uploadedImage(t, g, "golden")
	public := h.sim.Fixtures().Image
	tests := map[string]struct {
		image, contentType, body string
		want                     int
	}{
		"v2.1 patch":             {id, patchMediaType, `[{"op":"add","path":"/k","value":"v"}]`, 200},
		"escaped pointer":        {id, patchMediaType, `[{"op":"add","path":"/a~1b~0c","value":"v"}]`, 200},
		"null name":              {id, patchMediaType, `[{"op":"replace","path":"/name","value":null}]`, 200},
		"plain json":             {id, "application/json", `[{"op":"add","path":"/k","value":"v"}]`, 415},
		"v2.0 form":              {id, "application/openstack-images-v2.0-json-patch", `[{"add":"/k","value":"v"}]`, 415},
		"not an array":           {id, patchMediaType, `{"op":"add","path":"/k","value":"v"}`, 400},
		"not json":               {id, patchMediaType, `[{`, 400},
		"not an object":          {id, patchMediaType, `["add"]`, 400},
		"unknown op":             {id, patchMediaType, `[{"op":"move","path":"/k","value":"v"}]`, 400},
		"no value":               {id, patchMediaType, `[{"op":"add","path":"/k"}]`, 400},
		"nested path":            {id, patchMediaType, `[{"op":"add","path":"/a/b","value":"v"}]`, 400},
		"bad escape":             {id, patchMediaType, `[{"op":"add","path":"/a~2","value":"v"}]`, 400},
		"no slash":               {id, patchMediaType, `[{"op":"add","path":"k","value":"v"}]`, 400},
		"extra property number":  {id, patchMediaType, `[{"op":"add","path":"/k","value":1}]`, 400},
		"min_disk string":        {id, patchMediaType, `[{"op":"replace","path":"/min_disk","value":"1"}]`, 400},
		"negative min_ram":       {id, patchMediaType, `[{"op":"replace","path":"/min_ram","value":-1}]`, 400},
		"protected null":         {id, patchMediaType, `[{"op":"replace","path":"/protected","value":null}]`, 400},
		"unknown visibility":     {id, patchMediaType, `[{"op":"replace","path":"/visibility","value":"everyone"}]`, 400},
		"read-only status":       {id, patchMediaType, `[{"op":"replace","path":"/status","value":"active"}]`, 403},
		"reserved deleted":       {id, patchMediaType, `[{"op":"add","path":"/deleted","value":"true"}]`, 403},
		"owner":                  {id, patchMediaType, `[{"op":"replace","path":"/owner","value":"x"}]`, 403},
		"publicize":              {id, patchMediaType, `[{"op":"replace","path":"/visibility","value":"public"}]`, 403},
		"remove a base property": {id, patchMediaType, `[{"op":"remove","path":"/name"}]`, 403},
		"remove a missing one":   {id, patchMediaType, `[{"op":"remove","path":"/nope"}]`, 409},
		"the public catalog":     {public, patchMediaType, `[{"op":"add","path":"/k","value":"v"}]`, 403},
		"missing image":          {"00000000-0000-4000-8000-000000000000", patchMediaType, `[]`, 404},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPatch, h.srv.URL+h.sim.opts.Prefix+"/image/v2/images/"+tc.image, bytes.NewReader([]byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Auth-Token", h.token)
			req.Header.Set("Content-Type", tc.contentType)
			resp, err := h.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("%d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func TestImageDelete(t *testing.T) {
	h := newHarness(t, Options{})
	h.keypair("k")
	g := newGC(t, h)
	ctx := context.Background()
	uploaded := uploadedImage(t, g, "golden")
	snapshot := snapshotImage(t, g, "snap")
	protected := uploadedImage(t, g, "kept")
	if _, err := images.Update(ctx, g.image, protected, images.UpdateOpts{images.ReplaceImageProtected{NewProtected: true}}).Extract(); err != nil {
		t.Fatal(err)
	}
	tests := []struct { // in order: the second delete of an image finds it gone
		name, id string
		want     int
	}{
		{"os-volume_upload_image", uploaded, 204},
		{"createImage", snapshot, 204},
		{"again", uploaded, 404},
		{"missing", "00000000-0000-4000-8000-000000000000", 404},
		{"public catalog", h.sim.Fixtures().Image, 403},
		{"protected", protected, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := images.Delete(ctx, g.image, tc.id).ExtractErr()
			if tc.want == 204 {
				if err != nil {
					t.Fatal(err)
				}
				_, err = images.Get(ctx, g.image, tc.id).Extract()
				wantCode(t, err, 404)
				return
			}
			wantCode(t, err, tc.want)
			if _, err := images.Get(ctx, g.image, tc.id).Extract(); (err == nil) != (tc.want == 403) {
				t.Fatalf("GET after a refused delete: %v", err)
			}
		})
	}
	if code, _, _ := h.raw("GET", "/image/v2/images/"+protected, h.token, nil); code != 200 {
		t.Fatalf("protected image after delete: %d", code)
	}

	// A volume keeps the metadata of the image it came from, as Cinder copies it.
	base := snapshotImage(t, g, "base")
	child, err := volumes.Create(ctx, g.block, volumes.CreateOpts{Size: 30, ImageID: base}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	g.settle()
	if err := images.Delete(ctx, g.image, base).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	meta := h.must(200)(h.volumeAPI("GET", "/volumes/"+child.ID, nil))["volume"].(map[string]any)["volume_image_metadata"]
	if diff := cmp.Diff(map[string]any{"image_id": base, "image_name": "base"}, meta); diff != "" {
		t.Errorf("volume image metadata after the image is deleted (-want +got):\n%s", diff)
	}
}
