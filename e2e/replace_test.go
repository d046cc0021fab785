package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestReplaceRequested applies a group on each cloud, then apply --replace
// one member: exactly that server gets a new id, the old one is gone from
// the cloud, and the next plan has nothing to do.
func TestReplaceRequested(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 2, volume: true}, group{name: "db", cloud: "nhn", count: 2})
	w.applyUntilDone(1, 3*time.Minute)
	ids := func() map[string]string {
		out := map[string]string{}
		for _, r := range w.readState().Resources {
			out[r.Address.String()] = r.ID
		}
		return out
	}
	before := ids()
	for _, addr := range []string{"server/web-1", "server/db-2"} {
		r := w.run(3*time.Minute, "apply", "--auto-approve", "--replace", addr)
		if r.code != 0 {
			t.Fatalf("apply --replace %s: %s", addr, r)
		}
		if !strings.Contains(squash(r.stdout), "-/+ "+addr+" replace (requested)") || !strings.Contains(r.stdout, "1 to replace") {
			t.Errorf("apply --replace %s does not show the requested replacement:\n%s", addr, planPart(r.stdout))
		}
		after := ids()
		changed := 0
		for a, id := range after {
			if before[a] != id {
				changed++
				if a != addr {
					t.Errorf("%s changed id %s → %s; only %s was to be replaced", a, before[a], id, addr)
				}
			}
		}
		if changed != 1 || after[addr] == before[addr] {
			t.Errorf("after --replace %s: %d ids changed, %s %s → %s", addr, changed, addr, before[addr], after[addr])
		}
		for _, c := range w.cloud() {
			if c.id == before[addr] {
				t.Errorf("the replaced server %s is still in the cloud: %s", before[addr], c)
			}
		}
		before = after
	}
	w.assertConsistent(4, 2)
	w.assertNoChanges()
}
