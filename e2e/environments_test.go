package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestEnvironmentsShareAnAccount applies one fleet file as dev and as prod
// (var files) against one simulator account: each converges to No changes,
// each server carries its environment's owner tag, destroying dev leaves
// prod's servers alone, and a plan saved for dev is refused with prod's var
// file.
func TestEnvironmentsShareAnAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 1}, group{name: "db", cloud: "nhn", count: 1})
	w.useVariables()
	w.writeFile("env/dev.yaml", "env: dev\n")
	w.writeFile("env/prod.yaml", "env: prod\ncount: 2\n")

	w.applyUntilDone(2, 2*time.Minute, "--var-file", "env/prod.yaml")
	w.applyUntilDone(2, 2*time.Minute, "--var-file", "env/dev.yaml")
	for _, env := range []string{"dev", "prod"} {
		r := w.run(2*time.Minute, "plan", "--detailed-exitcode", "--var-file", "env/"+env+".yaml")
		if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
			t.Fatalf("%s does not converge: %s", env, r)
		}
	}
	if got := w.serversByOwner(); got["e2e-dev"] != 2 || got["e2e-prod"] != 4 || len(got) != 2 {
		t.Fatalf("servers by owner tag = %v, want e2e-dev: 2, e2e-prod: 4", got)
	}

	r := w.run(2*time.Minute, "plan", "--var-file", "env/dev.yaml", "--out", "dev.plan")
	if r.code != 0 {
		t.Fatalf("plan --out: %s", r)
	}
	r = w.run(2*time.Minute, "apply", "--var-file", "env/prod.yaml", "dev.plan")
	if r.code == 0 || !strings.Contains(r.stderr, "Saved plan is stale") || !strings.Contains(r.stderr, "other variable values") {
		t.Fatalf("a dev plan applied with prod's values was not refused: %s", r)
	}

	if r := w.run(2*time.Minute, "destroy", "--auto-approve", "--var-file", "env/dev.yaml"); r.code != 0 {
		t.Fatalf("destroy dev: %s", r)
	}
	if got := w.serversByOwner(); got["e2e-dev"] != 0 || got["e2e-prod"] != 4 {
		t.Fatalf("after destroying dev, servers by owner tag = %v, want e2e-prod: 4 only", got)
	}
	r = w.run(2*time.Minute, "plan", "--detailed-exitcode", "--var-file", "env/prod.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("prod changed when dev was destroyed: %s", r)
	}
}

// useVariables turns the generated fleet.yaml into one for several
// environments: the name, the state file and the counts come from
// variables.
func (w *world) useVariables() {
	w.t.Helper()
	path := filepath.Join(w.dir, "fleet.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	s := strings.Replace(string(data), "name: "+fleetName+"\n", "name: "+fleetName+"-${var.env}\n"+
		"variables:\n  env: { validation: { allowed: [dev, prod] } }\n  count: { type: number, default: 1 }\n"+
		"state: { path: \"fleet-${var.env}.lock\" }\n", 1)
	s = strings.ReplaceAll(s, "count: 1\n", "count: ${var.count}\n")
	w.writeFile("fleet.yaml", s)
}

func (w *world) writeFile(name, text string) {
	w.t.Helper()
	path := filepath.Join(w.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// serversByOwner counts the servers in the cloud by owner tag.
func (w *world) serversByOwner() map[string]int {
	w.t.Helper()
	out := map[string]int{}
	for _, r := range w.cloud() {
		if r.kind == addrs.KindServer {
			out[r.fleet]++
		}
	}
	return out
}
