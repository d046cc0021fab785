package planner

import (
	"testing"
	"time"

	"github.com/fleet-iac/fleet/spec"
)

// TestPlanChecks: with rollout.check, each replaced server is checked after
// its replacement is up and its volumes are attached, before its old twin
// is deleted, within the server's batch; --skip-checks plans none and warns.
func TestPlanChecks(t *testing.T) {
	rollout := &spec.Rollout{MaxUnavailable: 1, Check: &spec.Check{Command: "true", Timeout: time.Minute, Interval: time.Second}}
	mk := func(image string) *spec.Fleet {
		wg, web := groupOf("web", 2, rollout, ncpServer, func(s *spec.Server) {
			if image != "" {
				s.Image = image
			}
		})
		return fleetOf(wg, web)
	}
	st, inv := world(mk(""))
	for _, skip := range []bool{false, true} {
		p, d := Build(Input{Fleet: mk("SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050"), State: st, Inventory: withCatalog(inv), SkipChecks: skip})
		if skip {
			if p.Summary.Check != 0 {
				t.Errorf("--skip-checks planned %d checks", p.Summary.Check)
			}
			if len(d) != 1 || d[0].Severity != spec.SeverityWarning {
				t.Errorf("--skip-checks diagnostics %v, want one warning", d)
			}
			continue
		}
		noErrors(t, d)
		if p.Summary.Check != 2 {
			t.Fatalf("%d checks planned, want 2: %v", p.Summary.Check, actionIDs(p))
		}
		for _, n := range []string{"web-1", "web-2"} {
			check := "check server/" + n
			before(t, p, "create server/"+n, check)
			before(t, p, "attach volume/"+n+"/data", check)
			before(t, p, check, "delete server/"+n+" (replaced)")
		}
		before(t, p, "check server/web-1", "create server/web-2")
		for _, a := range p.Actions {
			if a.Type == Check && (a.Batch == 0 || a.Check.Timeout != "1m0s") {
				t.Errorf("%s: batch %d, check %+v", a.ID, a.Batch, a.Check)
			}
		}
	}
}

// TestPlanChecksBeforeDuplicate: a replacement whose check failed leaves
// its old twin as a duplicate (the state names the new server); the next
// plan checks the kept server before it stops and deletes the twin, and
// plans no check where there is no duplicate and nothing comes up.
func TestPlanChecksBeforeDuplicate(t *testing.T) {
	rollout := &spec.Rollout{MaxUnavailable: 1, Check: &spec.Check{Command: "true", Timeout: time.Minute, Interval: time.Second}}
	wg, web := groupOf("web", 2, rollout, ncpServer, func(*spec.Server) {})
	f := fleetOf(wg, web)
	st, inv := world(f)
	p, d := Build(Input{Fleet: f, State: st, Inventory: withCatalog(inv)})
	noErrors(t, d)
	if p.Summary.Check != 0 {
		t.Fatalf("%d checks planned with nothing to do, want 0: %v", p.Summary.Check, actionIDs(p))
	}

	r := inv["ncp"]
	dup := cloneServer(r.Servers[0])
	dup.ID = "id-web-1-old"
	r.Servers = append(r.Servers, dup)
	inv["ncp"] = r
	p, d = Build(Input{Fleet: f, State: st, Inventory: withCatalog(inv)})
	noErrors(t, d)
	if p.Summary.Check != 1 {
		t.Fatalf("%d checks planned, want 1: %v", p.Summary.Check, actionIDs(p))
	}
	before(t, p, "check server/web-1", "stop server/web-1 (duplicate id-web-1-old)")
	before(t, p, "check server/web-1", "delete server/web-1 (duplicate id-web-1-old)")

	p, d = Build(Input{Fleet: f, State: st, Inventory: withCatalog(inv), SkipChecks: true})
	if p.Summary.Check != 0 || len(d) != 1 || d[0].Severity != spec.SeverityWarning {
		t.Errorf("--skip-checks: %d checks, diagnostics %v; want none and one warning", p.Summary.Check, d)
	}
}
