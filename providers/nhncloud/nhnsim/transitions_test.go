package nhnsim

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// obs is what GET /servers/{id} shows at an offset from the action.
type obs struct {
	At     time.Duration
	Status string
	VM     string
	Task   string
	Power  int
}

func TestServerTransitions(t *testing.T) {
	q := testBuild / 4
	tests := map[string]struct {
		behaviour simcore.Behaviour
		window    time.Duration
		setup     []string // actions to settle before the one observed
		act       map[string]any
		want      []obs
	}{
		"build": {act: nil, want: []obs{
			{0, "BUILD", "building", "scheduling", 0},
			{testBuild / 5, "BUILD", "building", "networking", 0},
			{2 * testBuild / 5, "BUILD", "building", "block_device_mapping", 0},
			{3 * testBuild / 5, "BUILD", "building", "spawning", 0},
			{testBuild, "ACTIVE", "active", "", 1},
		}},
		"build that fails": {behaviour: simcore.Behaviour{FailBuild: []string{"srv*"}}, want: []obs{
			{3 * testBuild / 5, "BUILD", "building", "spawning", 0},
			{testBuild, "ERROR", "error", "", 0},
		}},
		"build that never ends": {behaviour: simcore.Behaviour{StuckBuild: []string{"srv"}}, want: []obs{
			{100 * testBuild, "BUILD", "building", "spawning", 0},
		}},
		"stop": {act: map[string]any{"os-stop": nil}, want: []obs{
			{0, "ACTIVE", "active", "powering-off", 1},
			{q, "SHUTOFF", "stopped", "", 4},
		}},
		"start": {setup: []string{"os-stop"}, act: map[string]any{"os-start": nil}, want: []obs{
			{0, "SHUTOFF", "stopped", "powering-on", 4},
			{q, "ACTIVE", "active", "", 1},
		}},
		"soft reboot": {act: map[string]any{"reboot": map[string]any{"type": "SOFT"}}, want: []obs{
			{0, "REBOOT", "active", "rebooting", 1},
			{q, "ACTIVE", "active", "", 1},
		}},
		"hard reboot of a stopped server": {setup: []string{"os-stop"}, act: map[string]any{"reboot": map[string]any{"type": "HARD"}}, want: []obs{
			{0, "SHUTOFF", "stopped", "rebooting_hard", 4},
			{q, "ACTIVE", "active", "", 1},
		}},
		"shelve": {act: map[string]any{"shelve": nil}, want: []obs{
			{0, "ACTIVE", "active", "shelving", 1},
			{q, "ACTIVE", "active", "shelving_offloading", 4},
			{2 * q, "SHELVED_OFFLOADED", "shelved_offloaded", "", 0},
		}},
		"unshelve": {setup: []string{"shelve"}, act: map[string]any{"unshelve": nil}, want: []obs{
			{0, "SHELVED_OFFLOADED", "shelved_offloaded", "unshelving", 0},
			{2 * q, "ACTIVE", "active", "", 1},
		}},
		"resize, auto-confirmed after the window": {window: 3 * testBuild, act: map[string]any{"resize": map[string]any{"flavorRef": flavorID("m2.c4m8")}}, want: []obs{
			{0, "RESIZE", "active", "resize_prep", 1},
			{q, "RESIZE", "active", "resize_migrating", 1},
			{2 * q, "RESIZE", "active", "resize_migrated", 1},
			{3 * q, "RESIZE", "active", "resize_finish", 1},
			{testBuild, "VERIFY_RESIZE", "resized", "", 1},
			{testBuild + 3*testBuild - time.Second, "VERIFY_RESIZE", "resized", "", 1},
			{4 * testBuild, "ACTIVE", "active", "", 1},
		}},
		"resize of a stopped server ends SHUTOFF": {setup: []string{"os-stop"}, act: map[string]any{"resize": map[string]any{"flavorRef": flavorID("c2.c8m16")}}, want: []obs{
			{0, "RESIZE", "stopped", "resize_prep", 4},
			{testBuild, "VERIFY_RESIZE", "resized", "", 4},
			{2 * testBuild, "SHUTOFF", "stopped", "", 4},
		}},
		"resize whose VERIFY_RESIZE is never seen": {window: -1, act: map[string]any{"resize": map[string]any{"flavorRef": flavorID("m2.c4m8")}}, want: []obs{
			{3 * q, "RESIZE", "active", "resize_finish", 1},
			{testBuild, "ACTIVE", "active", "", 1},
		}},
		"delete keeps the status until the server is gone": {setup: []string{"os-stop"}, act: map[string]any{"DELETE": nil}, want: []obs{
			{0, "SHUTOFF", "stopped", "deleting", 4},
			{q, "gone", "", "", 0},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{Behaviour: tc.behaviour, ResizeConfirmWindow: tc.window})
			h.keypair("k")
			id := h.create(h.volumeServer("srv", nil))
			if tc.act != nil {
				h.clock.Advance(testBuild)
				for _, a := range tc.setup {
					h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{a: nil}))
					h.clock.Advance(testBuild)
				}
				if _, del := tc.act["DELETE"]; del {
					h.must(204)(h.compute("DELETE", "/servers/"+id, nil))
				} else {
					h.must(202)(h.compute("POST", "/servers/"+id+"/action", tc.act))
				}
			}
			start := h.clock.Now()
			var got []obs
			for _, w := range tc.want {
				h.clock.Advance(start.Add(w.At).Sub(h.clock.Now()))
				if code, _, _ := h.compute("GET", "/servers/"+id, nil); code == 404 {
					got = append(got, obs{w.At, "gone", "", "", 0})
					continue
				}
				st, vm, task, power := h.state(id)
				got = append(got, obs{w.At, st, vm, task, power})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFailedBuildHasFault(t *testing.T) {
	h := newHarness(t, Options{Behaviour: simcore.Behaviour{FailBuild: []string{"bad-*"}}})
	h.keypair("k")
	id := h.create(h.volumeServer("bad-1", nil))
	h.clock.Advance(testBuild)
	s := h.must(200)(h.compute("GET", "/servers/"+id, nil))["server"].(map[string]any)
	f, ok := s["fault"].(map[string]any)
	if !ok || f["code"].(float64) != 500 || !strings.Contains(f["message"].(string), "No valid host") || f["created"] == "" {
		t.Fatalf("fault: %v", s["fault"])
	}
	// An ERROR server that never ran can be deleted, not stopped.
	code, _, body := h.compute("POST", "/servers/"+id+"/action", map[string]any{"os-stop": nil})
	if code != 409 || body["conflictingRequest"].(map[string]any)["message"] != "Cannot 'stop' instance "+id+" while it is in launched_at None" {
		t.Fatalf("stop of a never-launched server: %d %v", code, body)
	}
	h.must(204)(h.compute("DELETE", "/servers/"+id, nil))
}

func TestConflicts(t *testing.T) {
	tests := map[string]struct {
		setup []string // actions before, each settled; "" leaves the server building
		busy  string   // an action left running
		act   map[string]any
		want  string // after "Cannot '<...>' instance <id> while it is in "
	}{
		"start an active server":       {act: map[string]any{"os-start": nil}, want: "start' instance %s while it is in vm_state active"},
		"stop a building server":       {setup: []string{""}, act: map[string]any{"os-stop": nil}, want: "stop' instance %s while it is in vm_state building"},
		"stop while stopping":          {busy: "os-stop", act: map[string]any{"os-stop": nil}, want: "stop' instance %s while it is in task_state powering-off"},
		"resize a shelved server":      {setup: []string{"shelve"}, act: map[string]any{"resize": map[string]any{"flavorRef": flavorID("m2.c4m8")}}, want: "resize' instance %s while it is in vm_state shelved_offloaded"},
		"confirm an active server":     {act: map[string]any{"confirmResize": nil}, want: "confirmResize' instance %s while it is in vm_state active"},
		"unshelve an active server":    {act: map[string]any{"unshelve": nil}, want: "unshelve' instance %s while it is in vm_state active"},
		"shelve a stopped server":      {setup: []string{"os-stop"}, act: map[string]any{"shelve": nil}, want: "shelve' instance %s while it is in vm_state stopped"},
		"soft reboot a stopped server": {setup: []string{"os-stop"}, act: map[string]any{"reboot": map[string]any{"type": "SOFT"}}, want: "reboot' instance %s while it is in vm_state stopped"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.keypair("k")
			id := h.create(h.volumeServer("srv", nil))
			if len(tc.setup) == 0 || tc.setup[0] != "" {
				h.clock.Advance(testBuild)
				for _, a := range tc.setup {
					h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{a: nil}))
					h.clock.Advance(testBuild)
				}
			}
			if tc.busy != "" {
				h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{tc.busy: nil}))
			}
			code, _, body := h.compute("POST", "/servers/"+id+"/action", tc.act)
			want := "Cannot '" + strings.Replace(tc.want, "%s", id, 1)
			if code != 409 || body["conflictingRequest"] == nil || body["conflictingRequest"].(map[string]any)["message"] != want ||
				body["conflictingRequest"].(map[string]any)["code"] != float64(409) {
				t.Fatalf("%d %v, want 409 %q", code, body, want)
			}
		})
	}
}

func TestVolumeAttachmentTransitions(t *testing.T) {
	h := newHarness(t, Options{})
	h.keypair("k")
	id := h.create(h.volumeServer("srv", map[string]any{"availability_zone": "kr-pub-a"}))
	vol := h.must(202)(h.volumeAPI("POST", "/volumes", map[string]any{"volume": map[string]any{"size": 10, "availability_zone": "kr-pub-a"}}))["volume"].(map[string]any)
	vid := vol["id"].(string)
	if vol["status"] != "creating" || vol["volume_type"] != "General HDD" || vol["bootable"] != "false" {
		t.Fatalf("new volume: %v", vol)
	}
	h.clock.Advance(testBuild)
	h.must(200)(h.compute("POST", "/servers/"+id+"/os-volume_attachments", map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}}))
	var seen []string
	for range 3 {
		seen = append(seen, h.volumeStatus(vid))
		h.clock.Advance(testBuild / 8)
	}
	h.must(202)(h.compute("DELETE", "/servers/"+id+"/os-volume_attachments/"+vid, nil))
	seen = append(seen, h.volumeStatus(vid))
	h.clock.Advance(testBuild / 4)
	seen = append(seen, h.volumeStatus(vid))
	if diff := cmp.Diff([]string{"reserved", "attaching", "in-use", "detaching", "available"}, seen); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// A shelved (terminated) server keeps its root volume reserved and
	// takes no volumes on the legacy /v2 path.
	root := h.must(200)(h.compute("GET", "/servers/"+id+"/os-volume_attachments", nil))["volumeAttachments"].([]any)[0].(map[string]any)["volumeId"].(string)
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"shelve": nil}))
	h.clock.Advance(testBuild)
	if st := h.volumeStatus(root); st != "reserved" {
		t.Fatalf("root volume of a shelved server: %s", st)
	}
	if code, _, _ := h.compute("POST", "/servers/"+id+"/os-volume_attachments", map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}}); code != 409 {
		t.Fatalf("attach to a shelved server: %d", code)
	}
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"unshelve": nil}))
	h.clock.Advance(testBuild)
	if st := h.volumeStatus(root); st != "in-use" {
		t.Fatalf("root volume after unshelve: %s", st)
	}
}

func TestTimelineRecordsEveryStatusChange(t *testing.T) {
	tl := &simcore.Timeline{}
	h := newHarness(t, Options{Timeline: tl})
	h.keypair("k")
	id := h.create(h.volumeServer("srv", nil))
	h.clock.Advance(testBuild)
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"os-stop": nil}))
	h.clock.Advance(testBuild)
	h.must(204)(h.compute("DELETE", "/servers/"+id, nil))
	h.clock.Advance(testBuild)
	if err := h.sim.Flush(); err != nil {
		t.Fatal(err)
	}
	type ev struct {
		At     time.Duration
		Status string
	}
	var got []ev
	for _, e := range tl.Events() {
		if e.Kind == "server" && e.ID == id {
			got = append(got, ev{e.At.Sub(t0), e.Status})
		}
	}
	want := []ev{{0, "BUILD"}, {testBuild, "ACTIVE"}, {testBuild + testBuild/4, "SHUTOFF"}, {2*testBuild + testBuild/4, "deleted"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestVolumeBuildFaults(t *testing.T) {
	tests := map[string]struct {
		name string
		want []string
	}{
		"ok":    {"data", []string{"creating", "available"}},
		"fails": {"bad-data", []string{"creating", "error"}},
		"stuck": {"stuck-data", []string{"creating", "creating"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{Behaviour: simcore.Behaviour{FailBuild: []string{"bad-*"}, StuckBuild: []string{"stuck-*"}}})
			out := h.must(202)(h.volumeAPI("POST", "/volumes", map[string]any{"volume": map[string]any{"size": 10, "name": tc.name}}))
			id := out["volume"].(map[string]any)["id"].(string)
			got := []string{h.volumeStatus(id)}
			h.clock.Advance(100 * testBuild)
			got = append(got, h.volumeStatus(id))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRevertResize(t *testing.T) {
	h := newHarness(t, Options{ResizeConfirmWindow: 10 * testBuild})
	h.keypair("k")
	id := h.create(h.volumeServer("srv", nil))
	h.clock.Advance(testBuild)
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"resize": map[string]any{"flavorRef": flavorID("m2.c4m8")}}))
	h.clock.Advance(testBuild)
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"revertResize": nil}))
	if st := h.status(id); st != "REVERT_RESIZE" {
		t.Fatalf("reverting: %s", st)
	}
	h.clock.Advance(testBuild)
	s := h.must(200)(h.compute("GET", "/servers/"+id, nil))["server"].(map[string]any)
	if s["status"] != "ACTIVE" || s["flavor"].(map[string]any)["id"] != flavorID("m2.c2m4") {
		t.Fatalf("reverted: %v %v", s["status"], s["flavor"])
	}
	// The auto-confirm scheduled by the resize no longer applies.
	h.clock.Advance(20 * testBuild)
	if st := h.status(id); st != "ACTIVE" {
		t.Fatalf("after the window: %s", st)
	}
}

func TestActionValidation(t *testing.T) {
	tests := map[string]struct {
		body map[string]any
		want int
	}{
		"unknown action":         {map[string]any{"pause": nil}, 400},
		"two actions":            {map[string]any{"os-stop": nil, "os-start": nil}, 400},
		"reboot without a type":  {map[string]any{"reboot": map[string]any{}}, 400},
		"resize to the same":     {map[string]any{"resize": map[string]any{"flavorRef": flavorID("m2.c2m4")}}, 400},
		"resize to U2":           {map[string]any{"resize": map[string]any{"flavorRef": flavorID("u2.c2m4")}}, 400},
		"resize to nothing":      {map[string]any{"resize": map[string]any{"flavorRef": "nope"}}, 400},
		"createImage on a m2":    {map[string]any{"createImage": map[string]any{"name": "x"}}, 400},
		"createImage no name":    {map[string]any{"createImage": map[string]any{}}, 400},
		"unknown security group": {map[string]any{"addSecurityGroup": map[string]any{"name": "nope"}}, 404},
		"group already there":    {map[string]any{"addSecurityGroup": map[string]any{"name": "default"}}, 400},
		"group not there":        {map[string]any{"removeSecurityGroup": map[string]any{"name": "web"}}, 400},
		"unshelve to a bad zone": {map[string]any{"unshelve": map[string]any{"availability_zone": "x"}}, 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.keypair("k")
			id := h.create(h.volumeServer("srv", nil))
			h.clock.Advance(testBuild)
			if code, _, body := h.compute("POST", "/servers/"+id+"/action", tc.body); code != tc.want {
				t.Fatalf("%d, want %d: %v", code, tc.want, body)
			}
		})
	}
}
