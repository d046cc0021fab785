package main

import (
	"bytes"
	"encoding/hex"
	"flag"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/command"
)

// update rewrites the expected output inside the scripts: go test -run
// TestScripts -update.
var update = flag.Bool("update", false, "rewrite testdata/script/*.txtar with the actual output")

// TestMain lets the scripts run "fleet" as a real process: testscript
// re-executes this test binary under that name.
func TestMain(m *testing.M) {
	if os.Getenv(runFleetEnv) == "1" { // a test runs this binary as fleet itself
		os.Exit(command.Run(append([]string{"fleet"}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"fleet": func() { os.Exit(command.Run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar: one behaviour of the
// command line per script, with its exact output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			// Scripts see no colour; REPO lets them compare with committed files.
			env.Setenv("NO_COLOR", "1")
			wd, err := os.Getwd()
			env.Setenv("REPO", wd)
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"genfile":   genFile,
			"hexfile":   hexFile,
			"mkspecial": mkSpecial,
		},
	})
}

// genFile writes a YAML file of at least SIZE bytes (comment lines), for
// inputs too large to keep in a script: genfile FILE SIZE.
func genFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: genfile FILE SIZE")
	}
	size, err := strconv.Atoi(args[1])
	ts.Check(err)
	line := "# padding padding padding padding padding padding padding padding\n"
	body := "version: 1\n" + strings.Repeat(line, size/len(line)+1)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(body), 0o644))
}

// hexFile writes bytes given in hex, for binary and non-UTF-8 input:
// hexfile FILE HEX.
func hexFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hexfile FILE HEX")
	}
	data, err := hex.DecodeString(args[1])
	ts.Check(err)
	ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// TestPreCommitHook runs the fleet-validate hook the way pre-commit does:
// its entry plus the changed files that match its pattern.
func TestPreCommitHook(t *testing.T) {
	data, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Entry, Language, Files string
		PassFilenames              bool `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "fleet-validate" || hooks[0].Language != "golang" || !hooks[0].PassFilenames {
		t.Fatalf("hooks = %+v, want one golang fleet-validate hook passing file names", hooks)
	}
	files := regexp.MustCompile(hooks[0].Files)
	dir := t.TempDir()
	valid := "version: 1\nname: shop\nproviders:\n  ncp: { type: ncloud, region: KR }\n"
	changed := map[string]string{
		"fleet.yaml":         valid,
		"prod/fleet.yml":     strings.Replace(valid, "shop", "prod", 1),
		"staging/fleet.yaml": strings.Replace(valid, "region: KR", "regoin: KR", 1),
		"docs/notes.yaml":    "not: [a fleet",
	}
	var matched []string
	for name, content := range changed {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if files.MatchString(name) {
			matched = append(matched, p)
		}
	}
	sort.Strings(matched)
	if len(matched) != 3 {
		t.Fatalf("pattern %q matched %v, want the three fleet files", hooks[0].Files, matched)
	}
	args := append(strings.Fields(hooks[0].Entry), matched...)
	var stdout, stderr bytes.Buffer
	if code := command.Run(args, nil, &stdout, &stderr); code != 1 {
		t.Errorf("exit code %d, want 1 for the staging typo; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), `unknown field "regoin" (did you mean "region"?)`) {
		t.Errorf("stderr lacks the staging error:\n%s", stderr.String())
	}
	if strings.Count(stdout.String(), "Success!") != 2 {
		t.Errorf("stdout should report the two valid fleets:\n%s", stdout.String())
	}
}

// mkSpecial makes a file that is not a regular file, which scripts cannot
// write: mkspecial fifo|socket PATH. The socket stays on disk, unserved.
func mkSpecial(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkspecial fifo|socket PATH")
	}
	path := ts.MkAbs(args[1])
	switch args[0] {
	case "fifo":
		ts.Check(syscall.Mkfifo(path, 0o600))
	case "socket":
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		ts.Check(err)
		ln.SetUnlinkOnClose(false)
		ts.Check(ln.Close())
	default:
		ts.Fatalf("mkspecial: unknown kind %q", args[0])
	}
}
