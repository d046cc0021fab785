package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneServerFleet writes a fleet file named name with one NCP server on the
// embedded simulator, and returns it and a runner that puts -f FILE right
// after the command words (urfave/cli stops reading flags at the first
// argument) and returns the exit code and the output, stdout then stderr.
func oneServerFleet(t *testing.T, name string) (file string, run func(args ...string) (int, string)) {
	t.Helper()
	file = filepath.Join(t.TempDir(), "fleet.yaml")
	err := os.WriteFile(file, []byte(`version: 1
name: `+name+`
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	run = func(args ...string) (int, string) {
		words := 1
		if args[0] == "state" {
			words = 2
		}
		argv := append([]string{"fleet"}, args[:words]...)
		argv = append(append(argv, "-f", file), args[words:]...)
		var out, errb bytes.Buffer
		code := Run(argv, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	return file, run
}
