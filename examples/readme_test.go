package examples_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeExample is one README block that shows a command and its output.
type readmeExample struct {
	line   int      // of the command in README.md
	args   []string // after "fleet" or "go run ."
	output []string
}

// readmeExamples finds the README's fenced blocks that start with
// "$ fleet ..." or "$ go run . ...", indented or not.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeExample
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") || i+1 >= len(lines) {
			continue // not a fence; an opening one may name a language
		}
		indent := lines[i][:strings.Index(lines[i], "`")]
		first := strings.TrimPrefix(lines[i+1], indent)
		cmd, ok := strings.CutPrefix(first, "$ ")
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		if ok {
			ex := readmeExample{line: i + 2}
			switch {
			case strings.HasPrefix(cmd, "fleet "):
				ex.args = strings.Fields(strings.TrimPrefix(cmd, "fleet "))
			case strings.HasPrefix(cmd, "go run . "):
				ex.args = strings.Fields(strings.TrimPrefix(cmd, "go run . "))
			default:
				t.Fatalf("README.md:%d: an example runs %q, which the test cannot", i+2, cmd)
			}
			for _, l := range lines[i+2 : j] {
				ex.output = append(ex.output, strings.TrimPrefix(l, indent))
			}
			out = append(out, ex)
		}
		i = j
	}
	return out
}

// readmeSetups prepare the repository copy for an example whose output
// depends on what happened before it, keyed by the command as the README
// writes it. An example missing here fails the test.
var readmeSetups = map[string]func(t *testing.T){
	"plan -f examples/quickstart":                 nil,
	"apply --auto-approve -f examples/quickstart": nil,
	"validate -f examples/quickstart":             nil,
	"plan -f examples/quickstart --out plan.json": func(t *testing.T) {
		// as the README says: after the quick start, count: 2 became 3 and
		// the database's type m2.c4m8 became m2.c8m16
		if code, out := run(t, "apply", "--auto-approve", "-f", "examples/quickstart"); code != 0 {
			t.Fatalf("apply exited %d:\n%s", code, out)
		}
		p := filepath.Join("examples", "quickstart", "fleet.yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		edited := strings.Replace(strings.Replace(string(data), "count: 2", "count: 3", 1), "type: m2.c4m8", "type: m2.c8m16", 1)
		if edited == string(data) {
			t.Fatal("the quick start no longer has count: 2 and type: m2.c4m8")
		}
		if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
	},
}

// What differs from run to run in progress lines: cloud ids, how long a
// step took, and its place in the order steps finished.
var (
	cloudID  = regexp.MustCompile(`\[id=[^\]]+\]`)
	took     = regexp.MustCompile(`after \d+(\.\d+)?m?s\b`)
	position = regexp.MustCompile(`\(\d+/(\d+)\)$`)
)

// elided reports whether a README line stands for lines left out.
func elided(line string) bool { return strings.TrimSpace(line) == "..." }

// TestREADMEExamples runs every command the README shows with its output,
// in a fresh copy of the quick start, and compares: a block without "..."
// must be the output exactly; in a block with "..." (which stands for
// lines left out) every other line must be in the output, in any order
// (concurrent steps finish in any order), cloud ids, durations and
// finishing positions aside.
func TestREADMEExamples(t *testing.T) {
	examples := readmeExamples(t)
	if len(examples) == 0 {
		t.Fatal("found no examples in README.md")
	}
	for _, ex := range examples {
		key := strings.Join(ex.args, " ")
		t.Run(key, func(t *testing.T) {
			setup, ok := readmeSetups[key]
			if !ok {
				t.Fatalf("README.md:%d: no setup for %q in readmeSetups; add one", ex.line, key)
			}
			repo := t.TempDir()
			qs := copyDir(t, "quickstart")
			if err := os.MkdirAll(filepath.Join(repo, "examples"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(qs, filepath.Join(repo, "examples", "quickstart")); err != nil {
				t.Fatal(err)
			}
			t.Chdir(repo)
			if setup != nil {
				setup(t)
			}
			_, out := run(t, ex.args...)
			got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			want := ex.output
			if !slices.ContainsFunc(want, elided) {
				if !slices.Equal(got, want) {
					t.Errorf("README.md:%d: fleet %s prints\n%s\nbut the README shows\n%s", ex.line, key, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				return
			}
			norm := func(s string) string {
				s = cloudID.ReplaceAllString(s, "[id=ID]")
				s = took.ReplaceAllString(s, "after T")
				return position.ReplaceAllString(s, "(N/$1)")
			}
			have := map[string]bool{}
			for _, l := range got {
				have[norm(l)] = true
			}
			for _, l := range want {
				if !elided(l) && !have[norm(l)] {
					t.Errorf("README.md:%d: fleet %s no longer prints %q; it prints\n%s", ex.line, key, l, out)
				}
			}
		})
	}
}
