package command

import (
	"os"
	"path/filepath"
	"testing"
)

// The hint to add the fragment to the fleet is given only when the next
// run with the same -f would not load it.
func TestFragmentHint(t *testing.T) {
	dir := t.TempDir()
	fleetDir := filepath.Join(dir, "fleet")
	if err := os.Mkdir(fleetDir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "fleet.yaml")
	ws := &workspace{sources: map[string][]byte{file: nil, filepath.Join(fleetDir, "fleet.yaml"): nil}}
	tests := []struct {
		name     string
		fragment string
		paths    []string
		hint     bool
	}{
		{"beside a fleet file", filepath.Join(dir, "discovered.yaml"), []string{file}, true},
		{"new in a fleet directory", filepath.Join(fleetDir, "discovered.yaml"), []string{fleetDir}, false},
		{"a .yml in a fleet directory", filepath.Join(fleetDir, "tf.yml"), []string{fleetDir}, false},
		{"not YAML in a fleet directory", filepath.Join(fleetDir, "discovered.txt"), []string{fleetDir}, true},
		{"outside the fleet directory", filepath.Join(dir, "discovered.yaml"), []string{fleetDir}, true},
		{"loaded already", filepath.Join(fleetDir, "fleet.yaml"), []string{filepath.Join(fleetDir, "fleet.yaml")}, false},
	}
	for _, tc := range tests {
		if got := ws.fragmentHint(tc.fragment, tc.paths) != ""; got != tc.hint {
			t.Errorf("%s: hint %v, want %v", tc.name, got, tc.hint)
		}
	}
}
