package planner

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/plan")

const goldenDir = "../testdata/plan"

// scenario is one golden case: a plan input, and facts about the plan that
// must hold whatever the golden files say (so that -update cannot bless a
// wrong plan without a failing check).
type scenario struct {
	in    Input
	check func(t *testing.T, p *Plan, diags spec.Diagnostics)
}

// TestGolden builds each scenario's plan and compares its four renderings
// (and its diagnostics) with testdata/plan/<scenario>/.
func TestGolden(t *testing.T) {
	all := scenarios()
	for name, sc := range resumeScenarios() {
		all[name] = sc
	}
	for name, sc := range waitScenarios() {
		all[name] = sc
	}
	for name, sc := range batchScenarios() {
		all[name] = sc
	}
	for name, sc := range yamlScenarios(t) {
		if _, dup := all[name]; dup {
			t.Fatalf("scenario %s is defined in Go and as a directory", name)
		}
		all[name] = sc
	}
	for name, sc := range all {
		t.Run(name, func(t *testing.T) {
			sc.in.FleetVersion = "test"
			p, diags := Build(sc.in)
			if sc.check != nil {
				sc.check(t, p, diags)
			}
			wantParamGroups(t, p)
			files := map[string][]byte{}
			var buf bytes.Buffer
			mustRender(t, RenderText(&buf, p, style.Style{}))
			files["plan.txt"] = append([]byte(nil), buf.Bytes()...)
			buf.Reset()
			mustRender(t, RenderJSON(&buf, p))
			files["plan.json"] = append([]byte(nil), buf.Bytes()...)
			buf.Reset()
			mustRender(t, RenderMarkdown(&buf, p))
			files["plan.md"] = append([]byte(nil), buf.Bytes()...)
			buf.Reset()
			mustRender(t, RenderDOT(&buf, p))
			files["plan.dot"] = append([]byte(nil), buf.Bytes()...)
			files["diagnostics.txt"] = []byte(renderDiags(diags))

			// Determinism: a second build renders byte for byte the same.
			p2, _ := Build(sc.in)
			buf.Reset()
			mustRender(t, RenderJSON(&buf, p2))
			if !bytes.Equal(buf.Bytes(), files["plan.json"]) {
				t.Fatalf("a second Build gave different JSON")
			}

			dir := filepath.Join(goldenDir, name)
			for _, f := range sortedKeys(files) {
				path := filepath.Join(dir, f)
				if *update {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, files[f], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./planner -update)", err)
				}
				if d := cmp.Diff(string(want), string(files[f])); d != "" {
					t.Errorf("%s differs (-want +got):\n%s", path, d)
				}
			}
		})
	}
}

func mustRender(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// renderDiags writes diagnostics one per line, the way a reviewer reads
// them in the golden files.
func renderDiags(d spec.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		fmt.Fprintf(&b, "%s: %s\n", x.Severity, x.Summary)
		if x.Detail != "" {
			fmt.Fprintf(&b, "  %s\n", x.Detail)
		}
	}
	return b.String()
}

// actionIDs lists a plan's action ids in order.
func actionIDs(p *Plan) []string {
	out := make([]string, len(p.Actions))
	for i, a := range p.Actions {
		out[i] = a.ID
	}
	return out
}

// position returns the index of an action id in the plan, failing when absent.
func position(t *testing.T, p *Plan, id string) int {
	t.Helper()
	for i, a := range p.Actions {
		if a.ID == id {
			return i
		}
	}
	t.Fatalf("no action %q in %v", id, actionIDs(p))
	return -1
}

// before asserts that a comes before b and that b depends on a, directly
// or through other actions.
func before(t *testing.T, p *Plan, a, b string) {
	t.Helper()
	if position(t, p, a) >= position(t, p, b) {
		t.Errorf("%q should come before %q", a, b)
	}
	if !reaches(p, b, a) {
		t.Errorf("%q should depend on %q", b, a)
	}
}

// reaches reports whether from depends on to, transitively.
func reaches(p *Plan, from, to string) bool {
	byID := map[string]*Action{}
	for i := range p.Actions {
		byID[p.Actions[i].ID] = &p.Actions[i]
	}
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range byID[id].DependsOn {
			if d == to {
				return true
			}
			if !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}

// wantIDs asserts the exact set of action ids, in plan order.
func wantIDs(t *testing.T, p *Plan, want ...string) {
	t.Helper()
	if d := cmp.Diff(want, actionIDs(p), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
}

func noErrors(t *testing.T, d spec.Diagnostics) {
	t.Helper()
	if d.HasErrors() {
		t.Errorf("unexpected errors: %s", renderDiags(d))
	}
}

func wantError(t *testing.T, d spec.Diagnostics, substr string) {
	t.Helper()
	for _, x := range d {
		if x.Severity == spec.SeverityError && strings.Contains(x.Summary+" "+x.Detail, substr) {
			return
		}
	}
	t.Errorf("want an error containing %q, got: %s", substr, renderDiags(d))
}

// emptyInventory is a refreshed cloud where nothing exists yet.
func emptyInventory() map[string]providers.InventoryResponse {
	return map[string]providers.InventoryResponse{"ncp": {}, "nhn": {}}
}

// yamlScenarios reads the golden cases written as files: a directory under
// testdata/plan holding fleet.yaml (loaded by spec.Load), and optionally
// state.json (a state document) and live.json (the inventory by provider
// name; without it every provider is refreshed and empty).
func yamlScenarios(t *testing.T) map[string]scenario {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]scenario{}
	for _, e := range entries {
		dir := filepath.Join(goldenDir, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "fleet.yaml")); err != nil {
			continue
		}
		res := spec.Load([]string{filepath.Join(dir, "fleet.yaml")}, spec.LoadOptions{Getenv: func(string) (string, bool) { return "", false }})
		if res.Diagnostics.HasErrors() {
			t.Fatalf("%s: %s", dir, renderDiags(res.Diagnostics))
		}
		in := Input{Fleet: res.Fleet, Inventory: map[string]providers.InventoryResponse{}}
		for name := range res.Fleet.Providers {
			in.Inventory[name] = providers.InventoryResponse{}
		}
		readJSON(t, filepath.Join(dir, "state.json"), &in.State)
		readJSON(t, filepath.Join(dir, "live.json"), &in.Inventory)
		out[e.Name()] = scenario{in: in}
	}
	return out
}

// readJSON decodes path into v when the file exists.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
