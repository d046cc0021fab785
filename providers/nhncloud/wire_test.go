package nhncloud

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
