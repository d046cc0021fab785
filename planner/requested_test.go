package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/spec"
)

// TestRequestedReplace covers --replace: a server with no changes is
// replaced (create, then the old one stopped and deleted), a group address
// replaces every member in its rollout batches, protect blocks it, and an
// address that names no managed server is an error.
func TestRequestedReplace(t *testing.T) {
	tests := map[string]struct {
		fleet   func() *spec.Fleet
		replace []string
		want    []string // the actions, by id
		block   bool     // the replacement is blocked by protect
		batched bool     // every action on web is in a rollout batch
		err     string   // an error diagnostic containing this
	}{
		"one server": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, nil) },
			replace: []string{"server/web-2"},
			// its volume moves to the new server
			want: []string{"create server/web-2", "stop server/web-2 (replaced)", "detach volume/web-2/data", "attach volume/web-2/data", "delete server/web-2 (replaced)"},
		},
		"nhn server": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, nil) },
			replace: []string{"server/db"},
			want:    []string{"create server/db", "detach volume/db/pgdata", "attach volume/db/pgdata", "delete server/db (replaced)"},
		},
		"a group, in batches": {
			fleet: func() *spec.Fleet {
				wg, web := groupOf("web", 3, &spec.Rollout{MaxUnavailable: 1}, ncpServer, nil)
				return fleetOf(wg, web)
			},
			replace: []string{"server/web"},
			batched: true,
			want: []string{
				"create server/web-1", "create server/web-2", "create server/web-3",
				"stop server/web-1 (replaced)", "stop server/web-2 (replaced)", "stop server/web-3 (replaced)",
				"delete server/web-1 (replaced)", "delete server/web-2 (replaced)", "delete server/web-3 (replaced)",
				"detach volume/web-1/data", "detach volume/web-2/data", "detach volume/web-3/data",
				"attach volume/web-1/data", "attach volume/web-2/data", "attach volume/web-3/data",
			},
		},
		"protected": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, func(s *spec.Server) { s.Protect = true }) },
			replace: []string{"server/db"},
			block:   true,
			err:     "requested with --replace",
		},
		"unknown address": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, nil) },
			replace: []string{"server/web-9"},
			err:     "--replace server/web-9 matches no server fleet manages",
		},
		"not an address": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, nil) },
			replace: []string{"web-1"},
			err:     `--replace web-1 is not an address address "web-1": want KIND/NAME, such as server/web-1`,
		},
		"not a server": {
			fleet:   func() *spec.Fleet { return webAndDB(nil, nil) },
			replace: []string{"keypair/access-key"},
			err:     "only servers are replaced",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			st, inv := world(tt.fleet())
			p, d := Build(Input{Fleet: tt.fleet(), State: st, Inventory: withCatalog(inv), Replace: tt.replace})
			if tt.err != "" {
				wantError(t, d, tt.err)
			} else {
				noErrors(t, d)
			}
			if tt.want != nil {
				got := map[string]bool{}
				for _, id := range actionIDs(p) {
					got[id] = true
				}
				for _, id := range tt.want {
					if !got[id] {
						t.Errorf("no action %q in %v", id, actionIDs(p))
					}
				}
				if len(got) != len(tt.want) {
					t.Errorf("actions %v, want exactly %v", actionIDs(p), tt.want)
				}
			}
			for _, a := range p.Actions {
				if a.Type == Create && a.Label() != "replace (requested)" {
					t.Errorf("%s is labelled %q", a.ID, a.Label())
				}
				if tt.block != (a.Blocked != "") {
					t.Errorf("%s: blocked %q, want blocked %v", a.ID, a.Blocked, tt.block)
				}
				if tt.batched && a.Batch == 0 {
					t.Errorf("%s is not in a rollout batch", a.ID)
				}
			}
		})
	}
}
