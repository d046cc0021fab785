package planner

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/spec"
)

func TestTopoOrderCycles(t *testing.T) {
	mk := func(edges map[string][]string) []*Action {
		var out []*Action
		for _, id := range sortedKeys(edges) {
			out = append(out, &Action{ID: id, DependsOn: edges[id]})
		}
		return out
	}
	tests := map[string]struct {
		edges  map[string][]string
		order  []string
		cycles []string
	}{
		"ties broken by id": {
			edges: map[string][]string{"c": nil, "a": {"c"}, "b": nil},
			order: []string{"b", "c", "a"},
		},
		"two-node cycle starts at the shortest id": {
			edges:  map[string][]string{"create x": {"image yy"}, "image yy": {"create x"}, "free": nil},
			order:  []string{"free", "create x", "image yy"},
			cycles: []string{"create x → image yy → create x"},
		},
		"same length: alphabetically first": {
			edges:  map[string][]string{"bb": {"cc"}, "cc": {"aa"}, "aa": {"bb"}, "dd": {"aa"}},
			order:  []string{"aa", "bb", "cc", "dd"},
			cycles: []string{"aa → bb → cc → aa"},
		},
		"two separate cycles, sorted": {
			edges:  map[string][]string{"q": {"p"}, "p": {"q"}, "b": {"a"}, "a": {"b"}},
			order:  []string{"a", "b", "p", "q"},
			cycles: []string{"a → b → a", "p → q → p"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, cycles := topoOrder(mk(tc.edges))
			ids := make([]string, len(got))
			for i, a := range got {
				ids[i] = a.ID
			}
			if d := cmp.Diff(tc.order, ids); d != "" {
				t.Errorf("order (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.cycles, cycles); d != "" {
				t.Errorf("cycles (-want +got):\n%s", d)
			}
		})
	}
}

// An image made from a server that boots from that same image can never
// be built: Build reports the cycle, deterministically.
func TestBuildReportsCycle(t *testing.T) {
	wg, web := groupOf("web", 2, nil, ncpServer, func(s *spec.Server) { s.Image = "image/golden"; s.Volumes = nil })
	f := fleetOf(wg, web, &spec.Image{Name: "golden", From: "web-1"})
	var first string
	for i := 0; i < 3; i++ {
		_, diags := Build(Input{Fleet: f, Inventory: emptyInventory()})
		var got []string
		for _, d := range diags {
			if strings.HasPrefix(d.Summary, "dependency cycle") {
				got = append(got, d.Summary)
			}
		}
		want := []string{"dependency cycle: image image/golden → create server/web-1 → image image/golden"}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("cycles (-want +got):\n%s", d)
		}
		if !diags.HasErrors() {
			t.Fatal("a cycle must be an error")
		}
		if i == 0 {
			first = renderDiags(diags)
		} else if renderDiags(diags) != first {
			t.Fatal("cycle report differs between runs")
		}
	}
}

// Without the cycle, servers booting from a declared image wait for it,
// and it waits for its source server.
func TestImageOrdering(t *testing.T) {
	wg, web := groupOf("web", 1, nil, ncpServer, func(s *spec.Server) { s.Volumes = nil })
	ag, api := groupOf("api", 2, nil, ncpServer, func(s *spec.Server) { s.Image = "image/golden"; s.Volumes = nil })
	f := fleetOf(wg, web, ag, api, &spec.Image{Name: "golden", From: "web"})
	p, diags := Build(Input{Fleet: f, Inventory: emptyInventory()})
	noErrors(t, diags)
	before(t, p, "create server/web", "image image/golden")
	before(t, p, "image image/golden", "create server/api-1")

	// Once the image exists, a server built from it matches by cloud id.
	st, inv := world(f)
	p, diags = Build(Input{Fleet: f, State: st, Inventory: inv})
	noErrors(t, diags)
	wantIDs(t, p)
}
