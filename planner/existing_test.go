package planner

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// A keypair is this fleet's only when its state records it: one found in
// the cloud is used and never adopted, created or deleted, unless a
// pending create intent of this fleet names it (a crash between the
// import and the state write).
func TestKeypairOwnership(t *testing.T) {
	tests := map[string]struct {
		inState  bool
		intent   bool
		destroy  bool
		want     []string // the keypair's actions
		existing []Existing
	}{
		"recorded: owned, nothing to do": {inState: true},
		"found, not recorded: used": {
			existing: []Existing{{Address: addrs.Keypair("access-key"), Kind: "keypair", Provider: "nhn", CloudID: "access-key"}}},
		"found, not recorded, destroy: left alone":    {destroy: true},
		"recorded, destroy: deleted":                  {inState: true, destroy: true, want: []string{"delete keypair/access-key"}},
		"found with a pending create intent: adopted": {intent: true, want: []string{"adopt keypair/access-key"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, nil)
			st, inv := world(f)
			if !tc.inState {
				st.Remove(addrs.Keypair("access-key"))
			}
			if tc.intent {
				st.Intents = []state.Intent{{Action: "create keypair/access-key", Address: addrs.Keypair("access-key"), Provider: "nhn", Op: "create",
					Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
			}
			p, diags := Build(Input{Fleet: f, State: st, Inventory: inv, Destroy: tc.destroy})
			noErrors(t, diags)
			var got []string
			for _, a := range p.Actions {
				if a.Address == addrs.Keypair("access-key") {
					got = append(got, a.ID)
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("keypair actions (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.existing, p.Existing); d != "" {
				t.Errorf("existing (-want +got):\n%s", d)
			}
		})
	}
}

// A plan that failed (an unknown type) is marked so and reports the
// problem once for the group; one blocked by protect is not failed: it is
// shown.
func TestFailedPlan(t *testing.T) {
	wg, web := groupOf("web", 3, nil, ncpServer, func(s *spec.Server) { s.Type = "s2-g2-s5O" })
	p, diags := Build(Input{Fleet: fleetOf(wg, web), Inventory: withCatalog(emptyInventory())})
	if !p.Failed {
		t.Error("a plan with an unknown type is not Failed")
	}
	if n := len(diags); n != 1 {
		t.Errorf("%d diagnostics for one unknown type in a group of 3, want 1: %s", n, renderDiags(diags))
	}
	wantError(t, diags, `servers.web.type: unknown server type "s2-g2-s5O"`)

	sc := scenarios()["protect_blocked"]
	p, diags = Build(sc.in)
	if !diags.HasErrors() || p.Failed {
		t.Errorf("protect_blocked: errors %v, Failed %v; want errors and not Failed", diags.HasErrors(), p.Failed)
	}
}

// A keypair used as it exists must hold the file's public key: the cloud
// shows its fingerprint as MD5 hex (NCP, Nova) or SHA256 (OpenSSH form);
// another key fails the plan at public_key_file, a form fleet does not
// know is not judged.
func TestExistingKeypairWithAnotherKey(t *testing.T) {
	const pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAsY4ibf/5KUlJrRsnGDcnfCUh4tXJW6wpD3edaIp40R ops"
	fps := fingerprints(pub)
	other := fingerprints("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJ0ZXN0LWtleS10aGF0LWlzLW5vdC10aGUtb25lISE= x")
	if len(fps) != 2 || len(other) != 2 {
		t.Fatalf("fingerprints: %q, %q", fps, other)
	}
	for name, tc := range map[string]struct {
		fingerprint string
		fails       bool
	}{
		"same key, MD5":     {fingerprint: fps[0]},
		"same key, SHA256":  {fingerprint: fps[1]},
		"other key, MD5":    {fingerprint: other[0], fails: true},
		"other key, SHA256": {fingerprint: other[1], fails: true},
		"unknown form":      {fingerprint: "fp-access-key"},
		"no fingerprint":    {fingerprint: ""},
	} {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, nil)
			f.Keypairs[0].PublicKey = pub
			st, inv := world(f)
			st.Remove(addrs.Keypair("access-key"))
			r := inv["nhn"]
			r.Keypairs[0].Fingerprint = tc.fingerprint
			inv["nhn"] = r
			p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
			if diags.HasErrors() != tc.fails || p.Failed != tc.fails {
				t.Errorf("fingerprint %q: errors %v, failed %v, want %v:\n%s", tc.fingerprint, diags.HasErrors(), p.Failed, tc.fails, renderDiags(diags))
			}
		})
	}
}
