package spec

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFieldRange checks where a loaded server's fields were written, as
// the planner's diagnostics show them: FILE:LINE:COL and the end.
func TestFieldRange(t *testing.T) {
	const file = header + `x-base: &base
  provider: ncp
  image: img
  network: { vpc: "1", subnet: "2" }
servers:
  web:
    <<: *base
    count: 2
    type: s2-g2-s50
    root_volume: { size: 50 }
  dbs: { provider: ncp, image: "imé", type: 'big', network: { vpc: "1", subnet: "2", ip: 10.0.0.5 } }
`
	cases := []struct {
		name, server, path, want string
	}{
		{"written in the group", "web-2", "type", "14:11-14:20"},
		{"nested", "web-1", "root_volume.size", "15:26-15:28"},
		{"from a merge key", "web-1", "network.vpc", "9:19-9:22"},
		{"a block of fields is no field: the group", "web-1", "network", "11:3-11:6"},
		{"not written: the group", "web-1", "zone", "11:3-11:6"},
		{"one-line entry after a multibyte character", "dbs", "type", "16:45-16:50"},
		{"one-line nested entry", "dbs", "network.ip", "16:90-16:98"},
	}
	dir := writeFiles(t, map[string]string{"fleet.yaml": file})
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := f.Server(tc.server)
			if s == nil {
				t.Fatalf("no server %s", tc.server)
			}
			r := s.FieldRange(tc.path)
			got := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
			if got != tc.want || r.Filename != filepath.Join(dir, "fleet.yaml") {
				t.Errorf("FieldRange(%q) = %s in %s, want %s", tc.path, got, r.Filename, tc.want)
			}
		})
	}
}

// TestFieldRangeConcurrent asks for the fields of many groups at once, as
// the planner's goroutines may (go test -race).
func TestFieldRangeConcurrent(t *testing.T) {
	data := entriesOf(50)
	dir := writeFiles(t, map[string]string{"fleet.yaml": string(data)})
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{})
	got := make([]int, len(f.Servers))
	var wg sync.WaitGroup
	for i, s := range f.Servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = s.FieldRange("network.subnet").Start.Line
		}()
	}
	wg.Wait()
	want := make([]int, len(f.Servers))
	for i, s := range f.Servers {
		want[i] = s.Range.Start.Line
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("network.subnet lines (-want +got):\n%s", diff)
	}
}
