package planner

import (
	"fmt"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// scenarios are the golden cases, each a small change from a matching
// world.
func scenarios() map[string]scenario {
	return map[string]scenario{
		"create_from_empty": {
			in: func() Input {
				f := webAndDB(nil, nil)
				f.Images = []*spec.Image{{Name: "web-golden", From: "web-1"}}
				return Input{Fleet: f, Inventory: withCatalog(emptyInventory())}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "create keypair/access-key", "create server/db")
				before(t, p, "create server/web-1", "create volume/web-1/data")
				before(t, p, "create volume/web-1/data", "attach volume/web-1/data")
				before(t, p, "create server/web-1", "image image/web-golden")
				// 4 servers, 4 volumes, 1 keypair.
				if got := p.SummaryLine(); got != "Plan: 9 to create, 4 to attach, 1 to image." {
					t.Errorf("summary %q", got)
				}
			},
		},
		"no_changes": {
			in: func() Input {
				f := webAndDB(nil, nil)
				st, inv := world(f)
				return Input{Fleet: f, State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p)
				if p.SummaryLine() != "No changes. Your fleet matches the configuration." {
					t.Errorf("summary %q", p.SummaryLine())
				}
			},
		},
		"count_shrink": {
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				f := webAndDB(nil, nil)
				f.Groups[1].Count = 2
				f.Servers = removeServer(f.Servers, "web-3")
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "stop server/web-3", "detach volume/web-3/data", "delete server/web-3", "delete volume/web-3/data")
				before(t, p, "stop server/web-3", "detach volume/web-3/data")
				before(t, p, "detach volume/web-3/data", "delete server/web-3")
			},
		},
		"resize_ncp": {
			// web stays in its product type (STAND/SSD): resized in place;
			// api moves to HICPU: replaced, with the reason.
			in: func() Input {
				ag, api := groupOf("api", 1, nil, ncpServer, nil)
				wg, web := groupOf("web", 2, nil, ncpServer, nil)
				st, inv := world(fleetOf(ag, api, wg, web))
				ag2, api2 := groupOf("api", 1, nil, ncpServer, func(s *spec.Server) { s.Type = "c2-g2-s50" })
				wg2, web2 := groupOf("web", 2, nil, ncpServer, func(s *spec.Server) { s.Type = "s4-g2-s50" })
				return Input{Fleet: fleetOf(ag2, api2, wg2, web2), State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "stop server/web-1", "resize server/web-1")
				before(t, p, "resize server/web-1", "start server/web-1")
				before(t, p, "create server/api", "stop server/api (replaced)")
				before(t, p, "detach volume/api/data", "delete server/api (replaced)")
				before(t, p, "detach volume/api/data", "attach volume/api/data")
				if p.Summary.Resize != 2 || p.Summary.Replace != 1 {
					t.Errorf("summary %+v", p.Summary)
				}
			},
		},
		"resize_nhn": {
			// db resizes within m2 (stop, resize, start); cache is u2 and
			// cannot be resized: replaced. A flavor NHN does not offer is refused.
			in: func() Input {
				dg, db := groupOf("db", 1, nil, nhnServer, nil)
				cg, cache := groupOf("cache", 1, nil, nhnServer, func(s *spec.Server) { s.Type = "u2.c2m4"; s.Volumes = nil; s.RootVolume = nil })
				qg, queue := groupOf("queue", 1, nil, nhnServer, func(s *spec.Server) { s.Volumes = nil })
				st, inv := world(fleetOf(dg, db, cg, cache, qg, queue))
				dg2, db2 := groupOf("db", 1, nil, nhnServer, func(s *spec.Server) { s.Type = "m2.c8m16" })
				cg2, cache2 := groupOf("cache", 1, nil, nhnServer, func(s *spec.Server) { s.Type = "m2.c4m8"; s.Volumes = nil; s.RootVolume = nil })
				qg2, queue2 := groupOf("queue", 1, nil, nhnServer, func(s *spec.Server) { s.Volumes = nil; s.Type = "m2.c4m9" })
				return Input{Fleet: fleetOf(dg2, db2, cg2, cache2, qg2, queue2), State: st, Inventory: withCatalog(inv)}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				wantError(t, d, `did you mean "m2.c4m8"`)
				before(t, p, "stop server/db", "resize server/db")
				before(t, p, "resize server/db", "start server/db")
				position(t, p, "delete server/cache (replaced)")
			},
		},
		"power_changes": {
			in: func() Input {
				wg, web := groupOf("web", 2, nil, ncpServer, func(s *spec.Server) { s.Volumes = nil })
				dg, db := groupOf("db", 2, nil, nhnServer, func(s *spec.Server) { s.Volumes = nil })
				st, inv := world(fleetOf(wg, db, dg, web))
				invServer(inv, "ncp", "web-2").Power = spec.PowerStopped
				st.Lookup(addrs.Server("web-2")).Server.Power = spec.PowerStopped
				invServer(inv, "nhn", "db-2").Power = spec.PowerShelved
				st.Lookup(addrs.Server("db-2")).Server.Power = spec.PowerShelved
				wg2, web2 := groupOf("web", 2, nil, ncpServer, func(s *spec.Server) {
					s.Volumes = nil
					if s.Name == "web-1" {
						s.Power = spec.PowerStopped
					}
				})
				dg2, db2 := groupOf("db", 2, nil, nhnServer, func(s *spec.Server) {
					s.Volumes = nil
					s.Power = map[string]spec.Power{"db-1": spec.PowerShelved, "db-2": spec.PowerStopped}[s.Name]
				})
				return Input{Fleet: fleetOf(wg2, web2, dg2, db2), State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "shelve server/db-1", "start server/web-2", "stop server/web-1", "unshelve server/db-2", "stop server/db-2")
			},
		},
		"volumes": {
			// web-1 grows data and adds logs; web-2 shrinks data (replace
			// the volume); web-3 drops data.
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				f := webAndDB(func(s *spec.Server) {
					switch s.Name {
					case "web-1":
						s.Volumes = []spec.Volume{{Name: "data", Size: 200, Type: "SSD"}, {Name: "logs", Size: 20, Type: "HDD"}}
					case "web-2":
						s.Volumes = []spec.Volume{{Name: "data", Size: 50, Type: "SSD"}}
					case "web-3":
						s.Volumes = nil
					}
				}, nil)
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "create volume/web-1/logs", "attach volume/web-1/logs")
				before(t, p, "detach volume/web-3/data", "delete volume/web-3/data")
				before(t, p, "create volume/web-2/data", "detach volume/web-2/data")
				before(t, p, "detach volume/web-2/data", "delete volume/web-2/data (replaced)")
				before(t, p, "detach volume/web-1/data", "update volume/web-1/data")
				before(t, p, "update volume/web-1/data", "attach volume/web-1/data")
				if a := p.Actions[position(t, p, "update volume/web-1/data")]; a.Update.VolumeSize != 200 {
					t.Errorf("grow to %d", a.Update.VolumeSize)
				}
			},
		},
		"replace_image": {
			// web-1 gets a new image (NCP, protected in the cloud but no
			// longer in the file); db moves zone (NHN), so its volume is
			// replaced with it.
			in: func() Input {
				f0 := webAndDB(func(s *spec.Server) { s.Protect = s.Name == "web-1" }, nil)
				st, inv := world(f0)
				f := webAndDB(func(s *spec.Server) {
					if s.Name == "web-1" {
						s.Image = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050"
					}
				}, func(s *spec.Server) { s.Zone = "kr-pub-b" })
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "create server/web-1", "update server/web-1 (replaced)")
				before(t, p, "update server/web-1 (replaced)", "delete server/web-1 (replaced)")
				before(t, p, "create server/web-1", "detach volume/web-1/data")
				before(t, p, "detach volume/web-1/data", "attach volume/web-1/data")
				before(t, p, "create server/db", "create volume/db/pgdata")
				before(t, p, "detach volume/db/pgdata", "delete volume/db/pgdata (replaced)")
				if p.Summary.Replace != 3 {
					t.Errorf("replaces %d, want 3 (2 servers, 1 volume)", p.Summary.Replace)
				}
			},
		},
		"protect_blocked": {
			in: func() Input {
				f0 := webAndDB(func(s *spec.Server) { s.Protect = true }, nil)
				st, inv := world(f0)
				f := webAndDB(func(s *spec.Server) {
					s.Protect = true
					if s.Name == "web-2" {
						s.Image = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050"
					}
				}, nil)
				f.Groups[1].Count = 2
				f.Servers = removeServer(f.Servers, "web-3")
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				wantError(t, d, "server/web-2 is protected")
				wantError(t, d, "server/web-3 is protected")
				if p.Applyable() || p.Summary.Blocked != 2 {
					t.Errorf("applyable %v, blocked %d", p.Applyable(), p.Summary.Blocked)
				}
				for _, id := range []string{"create server/web-2", "delete server/web-2 (replaced)", "delete server/web-3", "attach volume/web-2/data"} {
					if p.Actions[position(t, p, id)].Blocked == "" {
						t.Errorf("%s not blocked", id)
					}
				}
			},
		},
		"drift": {
			// web-1 stopped by hand, web-2 deleted outside fleet, db resized
			// in the console: reported, then converged back to the file.
			in: func() Input {
				f := webAndDB(nil, nil)
				st, inv := world(f)
				invServer(inv, "ncp", "web-1").Power = spec.PowerStopped
				r := inv["ncp"]
				r.Servers = removeInvServer(r.Servers, "web-2")
				inv["ncp"] = r
				invVolume(inv, "ncp", "volume/web-2/data").ServerID = ""
				invServer(inv, "nhn", "db").Type = "m2.c8m16"
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				if p.Summary.Drift != 4 {
					t.Errorf("drift %d, want 4: %+v", p.Summary.Drift, p.Drift)
				}
				before(t, p, "create server/web-2", "attach volume/web-2/data")
				position(t, p, "start server/web-1")
				position(t, p, "resize server/db")
			},
		},
		"adopt": {
			// web-3 was created but not recorded (a crash); web-4 is owned,
			// unrecorded and no longer declared: adopted, then deleted.
			in: func() Input {
				wg, web := groupOf("web", 4, nil, ncpServer, nil)
				_, inv := world(fleetOf(wg, web))
				f := webAndDB(nil, nil)
				st, _ := world(f)
				for _, a := range []addrs.Address{addrs.Server("web-3"), addrs.Volume("web-3", "data"), addrs.Server("db"), addrs.Volume("db", "pgdata"), addrs.Keypair("access-key")} {
					st.Remove(a)
				}
				inv["nhn"] = providers.InventoryResponse{}
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				position(t, p, "adopt volume/web-3/data")
				for _, a := range p.Actions {
					if a.Address == addrs.Server("web-3") && a.Type != Adopt {
						t.Errorf("web-3 matches the file once adopted, got %s", a.ID)
					}
				}
				before(t, p, "adopt server/web-4", "delete server/web-4")
				position(t, p, "create server/db")
				if p.Summary.Adopt != 4 {
					t.Errorf("adopt %d", p.Summary.Adopt)
				}
			},
		},
		"moved_rename": {
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				f := webAndDB(nil, nil)
				f.Groups[1].Count = 2
				f.Servers = removeServer(f.Servers, "web-3")
				ag, api := groupOf("api", 1, nil, ncpServer, func(s *spec.Server) { s.Type = "s4-g2-s50" })
				f.Groups = append([]*spec.ServerGroup{ag}, f.Groups...)
				f.Servers = append(api, f.Servers...)
				f.Moved = []spec.Moved{{From: "server/web-3", To: "server/api"}}
				return Input{Fleet: f, State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				before(t, p, "rename server/web-3", "stop server/api")
				wantIDs(t, p, "rename server/web-3", "stop server/api", "resize server/api", "start server/api")
			},
		},
		"rollout": {
			// web (6, two at a time) is resized: 3 batches of 2; a seventh
			// server is created unbatched. api (4, 50%) is replaced.
			in: func() Input {
				wg, web := groupOf("web", 6, &spec.Rollout{MaxUnavailable: 2}, ncpServer, func(s *spec.Server) { s.Volumes = nil })
				ag, api := groupOf("api", 4, &spec.Rollout{MaxUnavailable: 50, Percent: true}, nhnServer, func(s *spec.Server) { s.Volumes = nil })
				st, inv := world(fleetOf(wg, web, ag, api))
				wg2, web2 := groupOf("web", 7, &spec.Rollout{MaxUnavailable: 2}, ncpServer, func(s *spec.Server) { s.Volumes = nil; s.Type = "s4-g2-s50" })
				ag2, api2 := groupOf("api", 4, &spec.Rollout{MaxUnavailable: 50, Percent: true}, nhnServer, func(s *spec.Server) { s.Volumes = nil; s.Image = "new-image-uuid" })
				return Input{Fleet: fleetOf(wg2, web2, ag2, api2), State: st, Inventory: inv}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				want := []Rollout{{Group: "api", MaxUnavailable: 2, Batches: 2, Servers: 4}, {Group: "web", MaxUnavailable: 2, Batches: 3, Servers: 6}}
				if len(p.Rollouts) != 2 || p.Rollouts[0] != want[0] || p.Rollouts[1] != want[1] {
					t.Errorf("rollouts %+v", p.Rollouts)
				}
				// Lanes: each server waits for the one max_unavailable before it.
				for i := 3; i <= 6; i++ {
					before(t, p, fmt.Sprintf("start server/web-%d", i-2), fmt.Sprintf("stop server/web-%d", i))
				}
				before(t, p, "delete server/api-1 (replaced)", "create server/api-3")
				before(t, p, "delete server/api-2 (replaced)", "create server/api-4")
				if reaches(p, "stop server/web-3", "start server/web-2") {
					t.Error("lanes must not serialise a batch")
				}
				if a := p.Actions[position(t, p, "create server/web-7")]; a.Batch != 0 || len(a.DependsOn) != 0 {
					t.Errorf("new server held back: %+v", a)
				}
			},
		},
		"destroy": {
			in: func() Input {
				f := webAndDB(func(s *spec.Server) { s.Protect = s.Name == "web-1" }, nil)
				st, inv := world(f)
				return Input{Fleet: f, State: st, Inventory: inv, Destroy: true}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				wantError(t, d, "server/web-1 is protected")
				before(t, p, "delete server/db", "delete keypair/access-key")
				before(t, p, "detach volume/db/pgdata", "delete server/db")
				if p.Summary.Delete != 9 {
					t.Errorf("deletes %d, want 9 (4 servers, 4 volumes, 1 keypair)", p.Summary.Delete)
				}
			},
		},
		"target": {
			// Of a shrink and a resize, only web-2's resize is targeted; a
			// second target matches nothing, a third is not an address.
			in: func() Input {
				st, inv := world(webAndDB(nil, nil))
				f := webAndDB(func(s *spec.Server) { s.Type = "s4-g2-s50" }, nil)
				f.Groups[1].Count = 2
				f.Servers = removeServer(f.Servers, "web-3")
				return Input{Fleet: f, State: st, Inventory: inv, Targets: []string{"server/web-2", "server/web-9", "web-2"}}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				wantError(t, d, "target server/web-9 matches nothing")
				wantError(t, d, `target web-2 is not an address address "web-2": want KIND/NAME, such as server/web-1; a target is server/NAME`)
				wantIDs(t, p, "stop server/web-2", "resize server/web-2", "start server/web-2")
			},
		},
		"refresh_skipped": {
			// --refresh=false: the state is the truth; nothing is adopted and
			// no drift is reported, even though the cloud moved.
			in: func() Input {
				f := webAndDB(nil, nil)
				st, _ := world(f)
				f2 := webAndDB(nil, func(s *spec.Server) { s.Type = "m2.c8m16" })
				return Input{Fleet: f2, State: st}
			}(),
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				wantIDs(t, p, "stop server/db", "resize server/db", "start server/db")
			},
		},
	}
}

func removeServer(list []*spec.Server, name string) []*spec.Server {
	var out []*spec.Server
	for _, s := range list {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

func removeInvServer(list []providers.Server, name string) []providers.Server {
	var out []providers.Server
	for _, s := range list {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}
