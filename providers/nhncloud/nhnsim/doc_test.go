package nhnsim

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDocListsEveryOperation keeps doc.go's "Operations served" equal to
// what route and the action tables serve, so users know what their tools
// can call (ncloudsim's README has the same test).
func TestDocListsEveryOperation(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(src), "// Operations served")
	if !ok {
		t.Fatal("doc.go has no Operations served block")
	}
	// The block's first run of tab-indented lines, each service's name a
	// clause break.
	var text []string
	for _, line := range strings.Split(block, "\n") {
		rest, ok := strings.CutPrefix(line, "//\t")
		if !ok && len(text) > 0 {
			break
		}
		if ok {
			text = append(text, rest)
		}
	}
	joined := regexp.MustCompile(`(^|\s)(Keystone|Nova|Cinder|Glance|Neutron)\s`).ReplaceAllString(strings.Join(text, " "), ";")

	var listedActions []string
	for _, m := range regexp.MustCompile(`\(([^)]*)\)`).FindAllStringSubmatch(joined, -1) {
		for _, a := range strings.Split(m[1], ",") {
			listedActions = append(listedActions, strings.TrimSpace(a))
		}
	}
	joined = regexp.MustCompile(`\([^)]*\)`).ReplaceAllString(joined, "")

	// A clause is "METHOD[, METHOD...] /path[, /path...]"; "[/{id}]" is
	// the path with and without it.
	method := regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE)(?:\s+(/\S+))?$`)
	optional := regexp.MustCompile(`^(\S+)\[(\S+)\]$`)
	seen := map[string]bool{}
	for _, clause := range strings.Split(joined, ";") {
		var pending, methods []string
		for _, tok := range strings.Split(clause, ",") {
			tok = strings.TrimSpace(tok)
			path := tok
			if m := method.FindStringSubmatch(tok); m != nil {
				pending = append(pending, m[1])
				if m[2] == "" {
					continue
				}
				methods, pending, path = pending, nil, m[2]
			}
			if !strings.HasPrefix(path, "/") {
				if path != "" {
					t.Errorf("doc.go: cannot read %q", tok)
				}
				continue
			}
			paths := []string{path}
			if m := optional.FindStringSubmatch(path); m != nil {
				paths = []string{m[1], m[1] + m[2]}
			}
			for _, p := range paths {
				for _, m := range methods {
					seen[m+" "+p] = true
				}
			}
		}
	}
	listed := slices.Sorted(maps.Keys(seen))
	h := newHarness(t, Options{})
	if d := cmp.Diff(servedMethodRoutes(t, h.sim), listed); d != "" {
		t.Errorf("doc.go's operations (-served +listed):\n%s", d)
	}
	slices.Sort(listedActions)
	if d := cmp.Diff(servedActions(t), listedActions); d != "" {
		t.Errorf("doc.go's actions (-served +listed):\n%s", d)
	}
}
