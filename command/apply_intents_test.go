package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/state"
)

// An apply with nothing left to do still settles the intents an interrupted
// run left behind, or every later plan would report them forever.
func TestApplyWithNothingToDoSettlesIntents(t *testing.T) {
	dir := t.TempDir()
	fleet := filepath.Join(dir, "fleet.yaml")
	os.WriteFile(fleet, []byte(`version: 1
name: intents
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
`), 0o644)
	run := func(args ...string) string {
		var out, errb bytes.Buffer
		code := Run(append([]string{"fleet"}, args...), strings.NewReader(""), &out, &errb)
		if code != 0 {
			t.Fatalf("fleet %v exited %d:\n%s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	run("apply", "--auto-approve", "-f", fleet)

	ctx := context.Background()
	b := state.NewLocal(filepath.Join(dir, "fleet.lock"))
	st, err := b.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Intents = append(st.Intents, state.Intent{Action: "create server/web", Address: "server/web", Provider: "ncp", Op: "create", Started: time.Unix(1700000000, 0).UTC()})
	if err := b.Write(ctx, st); err != nil {
		t.Fatal(err)
	}

	out := run("apply", "--auto-approve", "-f", fleet)
	if !strings.Contains(out, "Apply complete: no changes.") {
		t.Errorf("apply output:\n%s", out)
	}
	st, err = b.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Intents) != 0 {
		t.Errorf("intents left after an apply with nothing to do: %+v", st.Intents)
	}
}
