package main

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
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
			"jsonset":   jsonSet,
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
// in the repository's root, its entry followed by the relative names of the
// changed files that match its pattern (or the pattern a user set).
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
	hook := hooks[0]
	head := "version: 1\nname: %s\nproviders:\n  ncp: { type: ncloud, region: KR }\n"
	server := "servers:\n  web:\n    provider: ncp\n    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050\n    type: s2-g2-s50\n    network: { vpc: \"75\", subnet: \"${FLEET_HOOK_SUBNET}\" }\n"
	tests := map[string]struct {
		files     string            // the hook's files: pattern; "" is the hook's own
		repo      map[string]string // the repository's files
		changed   []string          // what the commit changes
		code      int
		stdout    []string // lines that must be printed
		stderr    []string
		notStderr []string
	}{
		"two fleets in one commit": {
			repo: map[string]string{
				"prod/fleet.yaml":    fmt.Sprintf(head, "prod") + server,
				"staging/fleet.yml":  fmt.Sprintf(head, "staging"),
				"docs/notes.yaml":    "not: [a fleet",
				".gitlab-ci.yml":     "stages: [plan]\n",
				"fleet.yaml":         fmt.Sprintf(head, "toplevel"),
				"staging/extra.yaml": "servers:\n  db:\n    provider: ncp\n    image: x\n    type: s2-g2-s50\n    zoen: KR-1\n",
			},
			changed: []string{".gitlab-ci.yml", "docs/notes.yaml", "prod/fleet.yaml", "staging/fleet.yml"},
			code:    1,
			stdout:  []string{`Success! Fleet "prod" in prod/fleet.yaml is valid: 1 provider, 1 server.`},
			// staging is validated whole: its other file's typo is found
			stderr:    []string{`unknown field "zoen" (did you mean "zone"?)`, "environment variable FLEET_HOOK_SUBNET is not set"},
			notStderr: []string{"notes.yaml", "gitlab", "toplevel"},
		},
		"a fleet split across files": {
			files: `(^|/)infra/.*\.ya?ml$`,
			repo: map[string]string{
				"infra/main.yaml":    fmt.Sprintf(head, "shop"),
				"infra/servers.yaml": server,
				"README.md":          "# shop\n",
			},
			changed: []string{"README.md", "infra/servers.yaml"},
			code:    0,
			stdout:  []string{`Success! Fleet "shop" in infra/main.yaml, infra/servers.yaml is valid: 1 provider, 1 server.`},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.repo {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			pattern := hook.Files
			if tt.files != "" {
				pattern = tt.files
			}
			files := regexp.MustCompile(pattern)
			var matched []string
			for _, name := range tt.changed {
				if files.MatchString(name) {
					matched = append(matched, name)
				}
			}
			t.Chdir(dir)
			args := append(strings.Fields(hook.Entry), matched...)
			var stdout, stderr bytes.Buffer
			if code := command.Run(args, nil, &stdout, &stderr); code != tt.code {
				t.Errorf("%v: exit code %d, want %d; stderr:\n%s", args, code, tt.code, stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want+"\n") {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			for _, bad := range tt.notStderr {
				if strings.Contains(stderr.String()+stdout.String(), bad) {
					t.Errorf("output mentions %q, which the hook should not have read:\nstdout:\n%s\nstderr:\n%s", bad, stdout.String(), stderr.String())
				}
			}
		})
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
