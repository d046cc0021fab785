package nhncloud

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/spec"
)

// Protect reports fleet's tag only: NHN's own flag is read-only through the
// API, so it goes to Extra, where no plan tries to change it, and still
// stops Delete.
func TestToServerProtect(t *testing.T) {
	tests := map[string]struct {
		nhnFlag, tag  bool
		wantProtect   bool
		wantExtra     map[string]string
		wantProtected bool
	}{
		"neither":     {},
		"fleet's tag": {tag: true, wantProtect: true, wantProtected: true},
		"NHN's flag":  {nhnFlag: true, wantExtra: map[string]string{"nhn_protect": "true"}, wantProtected: true},
		"both":        {nhnFlag: true, tag: true, wantProtect: true, wantExtra: map[string]string{"nhn_protect": "true"}, wantProtected: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := wireServer{ID: "s1", Status: "ACTIVE", Protect: tc.nhnFlag, Metadata: map[string]string{}}
			if tc.tag {
				s.Metadata[metaProtect] = "true"
			}
			got := (&Provider{}).toServer(s, nil)
			if got.Protect != tc.wantProtect {
				t.Errorf("Protect = %v, want %v", got.Protect, tc.wantProtect)
			}
			if diff := cmp.Diff(tc.wantExtra, got.Extra); diff != "" {
				t.Errorf("Extra (-want +got):\n%s", diff)
			}
			if s.protected() != tc.wantProtected {
				t.Errorf("protected() = %v, want %v", s.protected(), tc.wantProtected)
			}
		})
	}
}

// A server in transition reports the power state it ends in, read from its
// task, else its status (nhn.md §4); "" when Nova's answer does not say.
func TestServerSettling(t *testing.T) {
	tests := map[string]struct {
		status, task string
		want         spec.Power
	}{
		"building":                   {status: "BUILD", task: "spawning", want: spec.PowerRunning},
		"powering off":               {status: "ACTIVE", task: "powering-off", want: spec.PowerStopped},
		"powering on":                {status: "SHUTOFF", task: "powering-on", want: spec.PowerRunning},
		"shelving":                   {status: "ACTIVE", task: "shelving_offloading", want: spec.PowerShelved},
		"shelved, not yet offloaded": {status: "SHELVED", want: spec.PowerShelved},
		"unshelving":                 {status: "SHELVED_OFFLOADED", task: "unshelving", want: spec.PowerRunning},
		"rebooting":                  {status: "REBOOT", task: "reboot_started", want: spec.PowerRunning},
		"resizing: unknown":          {status: "RESIZE", task: "resize_migrating", want: ""},
		"deleting":                   {status: "ACTIVE", task: "deleting", want: ""},
		"active: settled":            {status: "ACTIVE", want: ""},
		"error":                      {status: "ERROR", want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := wireServer{ID: "s1", Status: tc.status}
			if tc.task != "" {
				s.TaskState = &tc.task
			}
			got := (&Provider{}).toServer(s, nil)
			if got.Settling != tc.want {
				t.Errorf("Settling of %s/%s = %q, want %q", tc.status, tc.task, got.Settling, tc.want)
			}
		})
	}
}
