package nhnsim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVolumeTypes(t *testing.T) {
	h := newHarness(t, Options{})
	body := h.must(200)(h.volumeAPI("GET", "/types", nil))
	var got []string
	for _, vt := range body["volume_types"].([]any) {
		got = append(got, vt.(map[string]any)["name"].(string))
	}
	if diff := cmp.Diff([]string{"General HDD", "General SSD", "Encrypted HDD", "Encrypted SSD"}, got); diff != "" {
		t.Fatal(diff)
	}
	id := body["volume_types"].([]any)[1].(map[string]any)["id"].(string)
	if vt := h.must(200)(h.volumeAPI("GET", "/types/"+id, nil))["volume_type"].(map[string]any); vt["name"] != "General SSD" {
		t.Fatalf("type: %v", vt)
	}
}

func TestVolumeCreateValidation(t *testing.T) {
	tests := map[string]struct {
		volume map[string]any
		want   int
	}{
		"size only":                      {map[string]any{"size": 10}, 202},
		"null source_volid as the guide": {map[string]any{"size": 10, "source_volid": nil, "name": "d", "description": nil}, 202},
		"no size":                        {map[string]any{"name": "d"}, 400},
		"too big":                        {map[string]any{"size": 2001}, 400},
		"unknown type":                   {map[string]any{"size": 10, "volume_type": "Fast"}, 404},
		"encrypted without a key":        {map[string]any{"size": 10, "volume_type": "Encrypted HDD"}, 400},
		"encrypted with a key":           {map[string]any{"size": 10, "volume_type": "Encrypted HDD", "nhn_encryption": map[string]any{"skm_appkey": "a", "skm_key_id": "k"}}, 202},
		"unknown zone":                   {map[string]any{"size": 10, "availability_zone": "x"}, 400},
		"unknown snapshot":               {map[string]any{"size": 10, "snapshot_id": "x"}, 404},
		"from an image":                  {map[string]any{"size": 20, "imageRef": "9956f822-29c9-4f81-9410-0c392d9c8c24"}, 202},
		"smaller than the image":         {map[string]any{"size": 10, "imageRef": "9956f822-29c9-4f81-9410-0c392d9c8c24"}, 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			code, _, body := h.volumeAPI("POST", "/volumes", map[string]any{"volume": tc.volume})
			if code != tc.want {
				t.Fatalf("%d, want %d: %v", code, tc.want, body)
			}
		})
	}
}

func TestVolumeUploadImageAndUpdate(t *testing.T) {
	h := newHarness(t, Options{})
	v := h.must(202)(h.volumeAPI("POST", "/volumes", map[string]any{"volume": map[string]any{"size": 30,
		"imageRef": "9956f822-29c9-4f81-9410-0c392d9c8c24"}}))["volume"].(map[string]any)
	id := v["id"].(string)
	if v["status"] != "downloading" || v["bootable"] != "true" {
		t.Fatalf("new volume: %v %v", v["status"], v["bootable"])
	}
	h.clock.Advance(testBuild)
	up := h.must(202)(h.volumeAPI("POST", "/volumes/"+id+"/action", map[string]any{"os-volume_upload_image": map[string]any{
		"image_name": "golden", "disk_format": "qcow2", "container_format": "bare", "visibility": "private"}}))["os-volume_upload_image"].(map[string]any)
	if h.volumeStatus(id) != "uploading" || up["status"] != "uploading" {
		t.Fatalf("uploading: %v", up)
	}
	h.clock.Advance(testBuild)
	img := h.must(200)(h.raw("GET", "/image/v2/images/"+up["image_id"].(string), h.token, nil))
	if img["status"] != "active" || img["name"] != "golden" || img["min_disk"] != float64(30) || h.volumeStatus(id) != "available" {
		t.Fatalf("image %v, volume %s", img, h.volumeStatus(id))
	}
	got := h.must(200)(h.volumeAPI("PUT", "/volumes/"+id, map[string]any{"volume": map[string]any{"name": "renamed"}}))["volume"].(map[string]any)
	if got["name"] != "renamed" {
		t.Fatalf("update: %v", got["name"])
	}
	list := h.must(200)(h.raw("GET", "/image/v2/images?name=golden", h.token, nil))
	if imgs := list["images"].([]any); len(imgs) != 1 {
		t.Fatalf("images named golden: %v", imgs)
	}
	if code, _, _ := h.raw("GET", "/image/v2/images/nope", h.token, nil); code != 404 {
		t.Fatalf("unknown image: %d", code)
	}
	if code, _, _ := h.volumeAPI("GET", "/volumes/detail?marker=nope", nil); code != 404 {
		t.Fatalf("unknown volume marker: %d", code)
	}
}
