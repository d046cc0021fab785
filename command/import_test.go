package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/state"
)

// fleet import records an existing server under a declared address; it
// refuses an address already in the state, an undeclared one, and an id the
// cloud does not have.
func TestImport(t *testing.T) {
	dir := t.TempDir()
	fleet := filepath.Join(dir, "fleet.yaml")
	os.WriteFile(fleet, []byte(`version: 1
name: importing
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
`), 0o644)
	// run puts -f right after the command words: urfave/cli stops reading
	// flags at the first argument.
	run := func(args ...string) (int, string) {
		words := 1
		if args[0] == "state" {
			words = 2
		}
		argv := append([]string{"fleet"}, args[:words]...)
		argv = append(append(argv, "-f", fleet), args[words:]...)
		var out bytes.Buffer
		code := Run(argv, strings.NewReader(""), &out, &out)
		return code, out.String()
	}
	if code, out := run("apply", "--auto-approve"); code != 0 {
		t.Fatalf("apply: %s", out)
	}
	b := state.NewLocal(filepath.Join(dir, "fleet.lock"))
	st, err := b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := st.Lookup("server/web").ID

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"already in the state", []string{"import", "server/web", id}, 1, "server/web is already in the state"},
		{"forget it first", []string{"state", "rm", "server/web"}, 0, "Removed server/web"},
		{"undeclared address", []string{"import", "server/api", id}, 1, "server/api is not declared in the fleet file"},
		{"unknown id", []string{"import", "server/web", "99999999"}, 1, "no server with id 99999999"},
		{"import", []string{"import", "server/web", id}, 0, "Imported server/web (id " + id + ")"},
		{"nothing left to do", []string{"plan", "--detailed-exitcode"}, 0, "No changes."},
	}
	for _, tc := range tests { // in order: each step builds on the last
		code, out := run(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Fatalf("%s: fleet %v exited %d, want %d with %q:\n%s", tc.name, tc.args, code, tc.code, tc.want, out)
		}
	}
	st, err = b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r := st.Lookup("server/web"); r == nil || r.ID != id || r.Server == nil || r.Provider != "ncp" {
		t.Errorf("state after import: %+v", r)
	}
}
