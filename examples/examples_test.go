package examples_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/command"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/spec"
)

// wantExamples are the fleets the README promises; a missing one, or one
// not listed here, fails the test rather than going unchecked.
var wantExamples = []string{"environments", "mixed", "ncp-web", "nhn-db", "quickstart"}

// varFiles are an example's environments: the var files in its env/
// directory, or one run without a var file when it has none.
func varFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "env", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		return []string{""}
	}
	return files
}

// varArgs is the --var-file flag for a var file from varFiles.
func varArgs(file string) []string {
	if file == "" {
		return nil
	}
	return []string{"--var-file", file}
}

// exampleDirs lists the directories holding a fleet: every one with a
// *.yaml or *.yml file, except ci/, which holds CI recipes.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "ci" {
			continue
		}
		yamls, _ := filepath.Glob(filepath.Join(e.Name(), "*.y*ml"))
		if len(yamls) > 0 {
			dirs = append(dirs, e.Name())
		}
	}
	if diff := cmp.Diff(wantExamples, dirs); diff != "" {
		t.Fatalf("example directories (-want +got):\n%s", diff)
	}
	return dirs
}

// simEnv is the environment `fleet sim --env-file` writes, taken from a
// simulator that is not listening: only its credentials and fixture ids.
func simEnv(t *testing.T) map[string]string {
	t.Helper()
	srv, err := sim.New(sim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, v := range srv.Env() {
		env[v.Name] = v.Value
	}
	return env
}

// TestExamplesValidate loads every example as `fleet validate` does, with
// the simulator's environment, and fails on any diagnostic, warnings
// included. Each ${VAR} an example reads must be named in its README.
func TestExamplesValidate(t *testing.T) {
	env := simEnv(t)
	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
			if err != nil {
				t.Fatalf("every example needs a README.md: %v", err)
			}
			read := map[string]bool{}
			for _, vf := range varFiles(t, dir) {
				var in spec.VarInputs
				if vf != "" {
					in.Files = []string{vf}
				}
				res := spec.Load([]string{dir}, spec.LoadOptions{Vars: in, Getenv: func(name string) (string, bool) {
					if strings.HasPrefix(name, "FLEET_VAR_") {
						return "", false // an example's values are in its var files
					}
					read[name] = true
					v, ok := env[name]
					return v, ok
				}})
				for _, d := range res.Diagnostics {
					where := ""
					if d.Range != nil {
						where = d.Range.String() + ": "
					}
					t.Errorf("%s%s: %s: %s", where, d.Severity, d.Summary, d.Detail)
				}
				if len(res.Fleet.Servers) == 0 {
					t.Errorf("%s declares no servers", dir)
				}
			}
			for name := range read {
				if !bytes.Contains(readme, []byte(name)) {
					t.Errorf("%s reads ${%s}, which its README.md does not mention", dir, name)
				}
			}
		})
	}
}

// run runs the fleet command line and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := command.Run(append([]string{"fleet", "--no-color"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String() + errOut.String()
}

// copyDir copies an example's files (not what a previous run left behind)
// into a fresh directory, so applying it never writes into the repository.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), dir)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() == "env" {
			copyEnv(t, filepath.Join(dir, "env"), filepath.Join(dst, "env"))
			continue
		}
		if e.IsDir() || strings.HasSuffix(e.Name(), ".lock") || strings.HasSuffix(e.Name(), ".lock.lk") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// copyEnv copies an example's var files.
func copyEnv(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(from, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExamplesApply applies every example end to end, as its README says:
// the embedded ones directly, mixed against a running simulator through the
// environment `fleet sim --env-file` writes. Each must then plan no changes,
// apply a saved plan without a terminal, and destroy cleanly.
func TestExamplesApply(t *testing.T) {
	srv, err := sim.Start(sim.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, v := range srv.Env() {
		t.Setenv(v.Name, v.Value)
	}
	for _, name := range exampleDirs(t) {
		dir := copyDir(t, name)
		for _, vf := range varFiles(t, name) {
			if vf != "" {
				vf = filepath.Join(dir, "env", filepath.Base(vf))
			}
			applyExample(t, name, dir, vf)
		}
	}
}

// applyExample applies one example (in one environment, given a var file)
// end to end.
func applyExample(t *testing.T, name, dir, varFile string) {
	sub := name
	if varFile != "" {
		sub += "/" + strings.TrimSuffix(filepath.Base(varFile), ".yaml")
	}
	vars := varArgs(varFile)
	fleet := func(t *testing.T, args ...string) (int, string) {
		t.Helper()
		return run(t, append(args, vars...)...)
	}
	t.Run(sub, func(t *testing.T) {
		if code, out := fleet(t, "apply", "--auto-approve", "-f", dir); code != 0 {
			t.Fatalf("apply exited %d:\n%s", code, out)
		}
		if code, out := fleet(t, "plan", "--detailed-exitcode", "-f", dir); code != 0 {
			t.Fatalf("plan after apply exited %d, want 0 (no changes):\n%s", code, out)
		}
		plan := filepath.Join(t.TempDir(), "plan.json")
		if code, out := fleet(t, "plan", "--out", plan, "-f", dir); code != 0 {
			t.Fatalf("plan --out exited %d:\n%s", code, out)
		}
		if code, out := fleet(t, "apply", "-f", dir, plan); code != 0 {
			t.Fatalf("apply PLAN exited %d:\n%s", code, out)
		}
		if name == "ncp-web" {
			// Its servers are protected: destroy must refuse them.
			if code, _ := fleet(t, "destroy", "--auto-approve", "-f", dir); code != 1 {
				t.Fatalf("destroy of protected servers exited %d, want 1", code)
			}
			return
		}
		if code, out := fleet(t, "destroy", "--auto-approve", "-f", dir); code != 0 {
			t.Fatalf("destroy exited %d:\n%s", code, out)
		}
		if code, out := fleet(t, "state", "list", "-f", dir); code != 0 || strings.TrimSpace(out) != "" {
			t.Fatalf("state after destroy (exit %d):\n%s", code, out)
		}
	})
}

// fleetCall matches one fleet command line in a CI recipe: the command
// (with its subcommand for state) and the rest of the line.
var fleetCall = regexp.MustCompile(`\bfleet ((?:state )?[a-z]+)([^\n|;&]*)`)

var longFlag = regexp.MustCompile(`(?:^|\s)(--[a-z][a-z-]*)`)

// TestCIRecipes checks that the CI recipes are valid YAML and that every
// fleet command line in them only uses commands and flags fleet has.
func TestCIRecipes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("ci", "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if diff := cmp.Diff([]string{"ci/github-actions.yml", "ci/gitlab-ci.yml", "ci/pre-commit-config.yaml"}, files); diff != "" {
		t.Fatalf("CI recipes (-want +got):\n%s", diff)
	}
	help := map[string]string{} // command → its --help text
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("not valid YAML: %v", err)
			}
			calls := fleetCall.FindAllStringSubmatch(scripts(doc), -1)
			if len(calls) == 0 && !strings.Contains(f, "pre-commit") {
				t.Fatal("the recipe runs no fleet command, so nothing in it is checked")
			}
			for _, m := range calls {
				cmdName := m[1]
				if _, ok := help[cmdName]; !ok {
					code, out := run(t, append(strings.Fields(cmdName), "--help")...)
					if code != 0 || !strings.Contains(out, "fleet "+cmdName) {
						t.Errorf("%q: fleet has no such command (exit %d):\n%s", m[0], code, out)
					}
					help[cmdName] = out
				}
				for _, fl := range longFlag.FindAllStringSubmatch(m[2], -1) {
					if !strings.Contains(help[cmdName], fl[1]+" ") {
						t.Errorf("%q: fleet %s has no flag %s", m[0], cmdName, fl[1])
					}
				}
			}
		})
	}
}

// scripts gathers the lines of every string in a parsed YAML document,
// leaving out shell comments: what a CI runner would execute, without the
// prose around it (YAML comments are already gone).
func scripts(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			for _, line := range strings.Split(x, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(line), "#") {
					b.WriteString(line + "\n")
				}
			}
		}
	}
	walk(v)
	return b.String()
}

// TestPreCommitRecipe checks that the recipe names a hook the repository's
// .pre-commit-hooks.yaml defines.
func TestPreCommitRecipe(t *testing.T) {
	var hooks []struct {
		ID string `yaml:"id"`
	}
	data, err := os.ReadFile(filepath.Join("..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, h := range hooks {
		defined[h.ID] = true
	}
	var cfg struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Hooks []struct {
				ID string `yaml:"id"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	data, err = os.ReadFile(filepath.Join("ci", "pre-commit-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	var used []string
	for _, r := range cfg.Repos {
		for _, h := range r.Hooks {
			used = append(used, h.ID)
			if !defined[h.ID] {
				t.Errorf("hook %q is not defined in .pre-commit-hooks.yaml", h.ID)
			}
		}
	}
	if len(used) == 0 {
		t.Error("the pre-commit recipe uses no hook")
	}
}
