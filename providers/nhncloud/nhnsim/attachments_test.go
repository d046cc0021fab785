package nhnsim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDetachClearsAttachment follows a data volume through attach and
// detach and checks both sides of the attachment at each step: Nova and
// Cinder keep it while detaching and drop it once the volume is available.
func TestDetachClearsAttachment(t *testing.T) {
	h := newHarness(t, Options{})
	h.keypair("k")
	id := h.create(h.volumeServer("srv", map[string]any{"availability_zone": "kr-pub-a"}))
	vid := h.must(202)(h.volumeAPI("POST", "/volumes", map[string]any{"volume": map[string]any{"size": 10, "availability_zone": "kr-pub-a"}}))["volume"].(map[string]any)["id"].(string)
	h.clock.Advance(testBuild)
	attach := map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}}
	h.must(200)(h.compute("POST", "/servers/"+id+"/os-volume_attachments", attach))
	h.clock.Advance(testBuild)

	type sides struct {
		Status      string
		VolumeSees  []string // attachments[].server_id
		ServerSees  bool     // os-extended-volumes:volumes_attached lists the volume
		NovaListed  bool     // GET /servers/{id}/os-volume_attachments lists it
		NovaGetCode int      // GET /servers/{id}/os-volume_attachments/{volumeId}
	}
	look := func() sides {
		t.Helper()
		vol := h.must(200)(h.volumeAPI("GET", "/volumes/"+vid, nil))["volume"].(map[string]any)
		got := sides{Status: vol["status"].(string), VolumeSees: []string{}}
		for _, a := range vol["attachments"].([]any) {
			got.VolumeSees = append(got.VolumeSees, a.(map[string]any)["server_id"].(string))
		}
		srv := h.must(200)(h.compute("GET", "/servers/"+id, nil))["server"].(map[string]any)
		for _, ref := range srv["os-extended-volumes:volumes_attached"].([]any) {
			got.ServerSees = got.ServerSees || ref.(map[string]any)["id"] == vid
		}
		for _, a := range h.must(200)(h.compute("GET", "/servers/"+id+"/os-volume_attachments", nil))["volumeAttachments"].([]any) {
			got.NovaListed = got.NovaListed || a.(map[string]any)["volumeId"] == vid
		}
		got.NovaGetCode, _, _ = h.compute("GET", "/servers/"+id+"/os-volume_attachments/"+vid, nil)
		return got
	}
	attached := sides{Status: "in-use", VolumeSees: []string{id}, ServerSees: true, NovaListed: true, NovaGetCode: 200}
	if diff := cmp.Diff(attached, look()); diff != "" {
		t.Fatalf("attached (-want +got):\n%s", diff)
	}
	h.must(202)(h.compute("DELETE", "/servers/"+id+"/os-volume_attachments/"+vid, nil))
	attached.Status = "detaching"
	if diff := cmp.Diff(attached, look()); diff != "" {
		t.Fatalf("detaching (-want +got):\n%s", diff)
	}
	h.clock.Advance(testBuild)
	if diff := cmp.Diff(sides{Status: "available", VolumeSees: []string{}, NovaGetCode: 404}, look()); diff != "" {
		t.Fatalf("detached (-want +got):\n%s", diff)
	}
	if code, _, body := h.compute("DELETE", "/servers/"+id+"/os-volume_attachments/"+vid, nil); code != 404 {
		t.Fatalf("detaching a detached volume: %d %v, want 404", code, body)
	}
	// The freed device name is handed out again.
	again := h.must(200)(h.compute("POST", "/servers/"+id+"/os-volume_attachments", attach))["volumeAttachment"].(map[string]any)
	if again["device"] != "/dev/vdb" {
		t.Fatalf("reattached as %v, want /dev/vdb", again["device"])
	}
	h.clock.Advance(testBuild)
	if diff := cmp.Diff(sides{Status: "in-use", VolumeSees: []string{id}, ServerSees: true, NovaListed: true, NovaGetCode: 200}, look()); diff != "" {
		t.Fatalf("reattached (-want +got):\n%s", diff)
	}
}
