package planner

import (
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestBuildReboot covers fleet reboot's plan: batches of the group's
// max_unavailable (one at a time without a rollout), members already down
// counting against it, and the errors.
func TestBuildReboot(t *testing.T) {
	web := func(rollout *spec.Rollout) *spec.Fleet {
		wg, ws := groupOf("web", 4, rollout, ncpServer, nil)
		dg, db := groupOf("db", 1, nil, nhnServer, nil)
		return fleetOf(wg, ws, dg, db)
	}
	stopped := func(name string) func(map[string]providers.InventoryResponse) {
		return func(inv map[string]providers.InventoryResponse) {
			s := invServer(inv, "ncp", name)
			s.Power, s.Status = spec.PowerStopped, "NSTOP"
		}
	}
	tests := map[string]struct {
		fleet   *spec.Fleet
		edit    func(map[string]providers.InventoryResponse)
		addrs   []string
		batches map[string]int // address → batch
		err     string
	}{
		"no rollout: one at a time": {
			fleet: web(nil), addrs: []string{"server/web"},
			batches: map[string]int{"server/web-1": 1, "server/web-2": 2, "server/web-3": 3, "server/web-4": 4},
		},
		"max_unavailable 2": {
			fleet: web(&spec.Rollout{MaxUnavailable: 2}), addrs: []string{"server/web"},
			batches: map[string]int{"server/web-1": 1, "server/web-2": 1, "server/web-3": 2, "server/web-4": 2},
		},
		"one member and another group": {
			fleet: web(&spec.Rollout{MaxUnavailable: 2}), addrs: []string{"server/web-3", "server/db"},
			batches: map[string]int{"server/web-3": 1, "server/db": 1},
		},
		"a member already down counts": {
			fleet: web(&spec.Rollout{MaxUnavailable: 2}), edit: stopped("web-4"), addrs: []string{"server/web-1", "server/web-2", "server/web-3"},
			batches: map[string]int{"server/web-1": 1, "server/web-2": 2, "server/web-3": 3},
		},
		"the group is at its limit": {
			fleet: web(nil), edit: stopped("web-4"), addrs: []string{"server/web-1"},
			err: "rollout web: 1 member(s) are already not running",
		},
		"a stopped server": {
			fleet: web(nil), edit: stopped("web-2"), addrs: []string{"server/web"},
			err: "server/web-2 is not running, so it cannot be rebooted",
		},
		"unknown": {
			fleet: web(nil), addrs: []string{"server/api"},
			err: "reboot server/api matches no server fleet manages",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			st, inv := world(tt.fleet)
			if tt.edit != nil {
				tt.edit(inv)
			}
			p, d := BuildReboot(RebootInput{Fleet: tt.fleet, State: st, Inventory: inv, Addresses: tt.addrs})
			if tt.err != "" {
				wantError(t, d, tt.err)
				if len(p.Actions) != 0 {
					t.Errorf("a failed reboot plan has actions: %v", actionIDs(p))
				}
				return
			}
			noErrors(t, d)
			got := map[string]int{}
			for _, a := range p.Actions {
				if a.Type != Reboot || a.CloudID == "" {
					t.Errorf("%s: type %s, cloud id %q", a.ID, a.Type, a.CloudID)
				}
				got[a.Address.String()] = a.Batch
			}
			if len(got) != len(tt.batches) {
				t.Errorf("batches %v, want %v", got, tt.batches)
			}
			for addr, b := range tt.batches {
				if got[addr] != b {
					t.Errorf("%s in batch %d, want %d (all: %v)", addr, got[addr], b, got)
				}
			}
		})
	}
}

// TestBuildRebootChecks: with rollout.check each reboot is followed by its
// server's check in the same batch; --skip-checks plans none and warns once.
func TestBuildRebootChecks(t *testing.T) {
	rollout := &spec.Rollout{MaxUnavailable: 1, Check: &spec.Check{Command: "true", Timeout: time.Minute, Interval: time.Second}}
	wg, ws := groupOf("web", 2, rollout, ncpServer, nil)
	f := fleetOf(wg, ws)
	st, inv := world(f)
	for _, skip := range []bool{false, true} {
		p, d := BuildReboot(RebootInput{Fleet: f, State: st, Inventory: inv, Addresses: []string{"server/web"}, SkipChecks: skip})
		if skip {
			if p.Summary.Check != 0 || len(d) != 1 || d[0].Severity != spec.SeverityWarning {
				t.Errorf("--skip-checks: %d checks, diagnostics %v; want none and one warning", p.Summary.Check, d)
			}
			continue
		}
		noErrors(t, d)
		if p.Summary.Check != 2 {
			t.Fatalf("%d checks planned, want 2: %v", p.Summary.Check, actionIDs(p))
		}
		for i, n := range []string{"web-1", "web-2"} {
			before(t, p, "reboot server/"+n, "check server/"+n)
			for _, a := range p.Actions {
				if a.Address == addrs.Server(n) && a.Batch != i+1 {
					t.Errorf("%s in batch %d, want %d", a.ID, a.Batch, i+1)
				}
			}
		}
	}
}
