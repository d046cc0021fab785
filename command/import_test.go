package command

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
)

// fleet import records an existing server under a declared address; the
// same import again only tags (it finishes a run that stopped before); it
// refuses an address the state records as another id, an undeclared one,
// and an id the cloud does not have.
func TestImport(t *testing.T) {
	fleet, run := oneServerFleet(t, "importing")
	if code, out := run("apply", "--auto-approve"); code != 0 {
		t.Fatalf("apply: %s", out)
	}
	b := state.NewLocal(filepath.Join(filepath.Dir(fleet), "fleet.lock"))
	st, err := b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := st.Lookup(addrs.Server("web")).ID

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"the same import again", []string{"import", "server/web", id}, 0, "server/web (id " + id + ") is in the state already; 0 owner tag(s) put on now."},
		{"already in the state as another id", []string{"import", "server/web", "99999999"}, 1, "server/web is already in the state (id " + id + ")"},
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
	if r := st.Lookup(addrs.Server("web")); r == nil || r.ID != id || r.Server == nil || r.Provider != "ncp" {
		t.Errorf("state after import: %+v", r)
	}
}
