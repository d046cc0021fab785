package planner

import (
	"testing"

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
				got[a.Address] = a.Batch
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
