package ncloudsim

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEListsEveryOperation keeps README.md's "Operations served" equal
// to the operation tables, so users know what their tools can call.
func TestREADMEListsEveryOperation(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Operations served")
	if !ok {
		t.Fatal("README.md has no Operations served section")
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z][A-Za-z]+)`").FindAllStringSubmatch(section, -1) {
		listed[m[1]] = true
	}
	var missing, extra []string
	for op := range vserverOps {
		if !listed[op] {
			missing = append(missing, op)
		}
	}
	for op := range listed {
		if vserverOps[op] == nil {
			extra = append(extra, op)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("README.md's Operations served: missing %v, not served %v", missing, extra)
	}
}
