package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestIgnore: a difference in an ignored field, from the file or by drift,
// plans nothing and is named once for the group; other changes go on, and
// a metadata update keeps the ignored keys as the cloud has them.
func TestIgnore(t *testing.T) {
	withIgnore := func(paths ...string) func(*spec.Server) {
		return func(s *spec.Server) { s.Ignore = paths }
	}
	tests := map[string]struct {
		webEdit, dbEdit func(*spec.Server) // applied to the file, after the world was made
		drift           func(map[string]providers.InventoryResponse)
		ignore          []string // the web group's and db's ignore
		want            []string // action ids
		ignored         []Ignored
	}{
		"type from the file": {
			webEdit: func(s *spec.Server) { s.Type = "s4-g2-s50" }, ignore: []string{"type"},
			ignored: []Ignored{{Group: "web", Fields: []string{"type"}, Servers: 3}},
		},
		"image would replace": {
			webEdit: func(s *spec.Server) { s.Image = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050" }, ignore: []string{"image"},
			ignored: []Ignored{{Group: "web", Fields: []string{"image"}, Servers: 3}},
		},
		"power from the file": {
			dbEdit: func(s *spec.Server) { s.Power = spec.PowerStopped }, ignore: []string{"power"},
			ignored: []Ignored{{Group: "db", Fields: []string{"power"}, Servers: 1}},
		},
		"security groups by drift": {
			drift: func(inv map[string]providers.InventoryResponse) {
				invServer(inv, "nhn", "db").SecurityGroups = []string{"default", "ops"}
			},
			ignore:  []string{"network.security_groups"},
			ignored: []Ignored{{Group: "db", Fields: []string{"network.security_groups"}, Servers: 1}},
		},
		"one metadata key": {
			dbEdit:  func(s *spec.Server) { s.Metadata = map[string]string{"team": "other", "env": "staging"} },
			ignore:  []string{"metadata.team"},
			want:    []string{"update server/db"},
			ignored: []Ignored{{Group: "db", Fields: []string{"metadata.team"}, Servers: 1}},
		},
		"not ignored": {
			webEdit: func(s *spec.Server) { s.Type = "s4-g2-s50" }, ignore: []string{"power"},
			want: []string{"stop server/web-1", "resize server/web-1", "start server/web-1", "stop server/web-2", "resize server/web-2",
				"start server/web-2", "stop server/web-3", "resize server/web-3", "start server/web-3"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			base := func(s *spec.Server) { s.Metadata = map[string]string{"team": "db", "env": "prod"} }
			st, inv := world(webAndDB(nil, base))
			if tt.drift != nil {
				tt.drift(inv)
			}
			web := func(s *spec.Server) {
				withIgnore(tt.ignore...)(s)
				if tt.webEdit != nil {
					tt.webEdit(s)
				}
			}
			db := func(s *spec.Server) {
				base(s)
				withIgnore(tt.ignore...)(s)
				if tt.dbEdit != nil {
					tt.dbEdit(s)
				}
			}
			p, d := Build(Input{Fleet: webAndDB(web, db), State: st, Inventory: withCatalog(inv)})
			noErrors(t, d)
			wantIDs(t, p, tt.want...)
			if len(p.Ignored) != len(tt.ignored) {
				t.Fatalf("ignored %+v, want %+v", p.Ignored, tt.ignored)
			}
			for i, ig := range tt.ignored {
				got := p.Ignored[i]
				if got.Group != ig.Group || got.Servers != ig.Servers || len(got.Fields) != len(ig.Fields) || got.Fields[0] != ig.Fields[0] {
					t.Errorf("ignored %+v, want %+v", got, ig)
				}
			}
			for _, dr := range p.Drift {
				for _, ch := range dr.Changes {
					if ch.Path == "network.security_groups" {
						t.Errorf("drift in an ignored field is reported: %+v", dr)
					}
				}
			}
			for _, a := range p.Actions {
				if a.Update != nil && a.Update.Metadata != nil && (a.Update.Metadata["team"] != "db" || a.Update.Metadata["env"] != "staging") {
					t.Errorf("%s sends metadata %v, want team kept as db and env staging", a.ID, a.Update.Metadata)
				}
			}
		})
	}
}
