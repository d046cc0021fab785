package planner

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud"
	"github.com/fleet-iac/fleet/providers/nhncloud"
	"github.com/fleet-iac/fleet/spec"
)

// cloudBatchers are the real clouds' batch rules (NCP: 20 per call, named
// GROUP-NNN; NHN: 10 per call, each batch named from GROUP-1), which read
// no connection: the golden plans show what apply will call on each.
func cloudBatchers() map[string]providers.ServerBatchSizer {
	return map[string]providers.ServerBatchSizer{"ncp": &ncloud.Provider{}, "nhn": &nhncloud.Provider{}}
}

// batchFleet declares, with batch_create: 23 NCP web servers (a batch of
// 20 and one of 3, all renamed from web-001...), 13 NHN db servers (a
// batch of 10 named as declared, one of 3 named db-1..3 and renamed), 3
// NCP api servers of which one has a fixed IP (not alike: none batched);
// and without it 3 NHN cache servers with volumes (named as declared, so
// batched, no rename).
func batchFleet() *spec.Fleet {
	noVolumes := func(s *spec.Server) { s.Volumes, s.BatchCreate = nil, true }
	wg, web := groupOf("web", 23, nil, ncpServer, noVolumes)
	dg, db := groupOf("db", 13, nil, nhnServer, noVolumes)
	ag, api := groupOf("api", 3, nil, ncpServer, func(s *spec.Server) {
		noVolumes(s)
		if s.Index == 2 {
			s.Network.IP = "10.0.1.12"
		}
	})
	cg, cache := groupOf("cache", 3, nil, nhnServer, nil)
	return fleetOf(wg, web, dg, db, ag, api, cg, cache, &spec.Keypair{Name: "access-key", Provider: "nhn", PublicKey: "ssh-ed25519 AAAA test"})
}

// batchScenarios are the golden plans of batch creates.
func batchScenarios() map[string]scenario {
	return map[string]scenario{
		"batch_create": {
			in: Input{Fleet: batchFleet(), Inventory: withCatalog(emptyInventory()), Batchers: cloudBatchers()},
			check: func(t *testing.T, p *Plan, d spec.Diagnostics) {
				noErrors(t, d)
				if got, want := batchIDs(p), []string{
					"create server/cache-[1-3]", "create server/db-[1-10]", "create server/db-[11-13]",
					"create server/web-[1-20]", "create server/web-[21-23]",
				}; !slices.Equal(got, want) {
					t.Errorf("batches %q, want %q", got, want)
				}
				var renamed []string
				for _, a := range p.Actions {
					if a.Type == Rename {
						renamed = append(renamed, strings.TrimPrefix(a.Address.String(), "server/"))
						before(t, p, batchOf(t, p, a.Address.String()), a.ID)
					}
					if a.Type == Create && a.Kind == addrs.KindServer && !a.IsBatch() && !strings.HasPrefix(a.Address.String(), "server/api-") {
						t.Errorf("%s goes alone", a.ID)
					}
				}
				if len(renamed) != 26 || !slices.Contains(renamed, "web-1") || !slices.Contains(renamed, "db-11") || slices.Contains(renamed, "db-10") {
					t.Errorf("renames of %v, want web-1..23 and db-11..13", renamed)
				}
				before(t, p, "create server/cache-[1-3]", "create volume/cache-2/pgdata")
				// 42 servers and 3 volumes; a batch of 20 is 20 to create.
				if got := p.SummaryLine(); got != "Plan: 46 to create, 26 to rename, 3 to attach." {
					t.Errorf("summary %q", got)
				}
			},
		},
	}
}

// batchIDs lists the plan's batch creates.
func batchIDs(p *Plan) []string {
	var out []string
	for _, a := range p.Actions {
		if a.IsBatch() {
			out = append(out, a.ID)
		}
	}
	slices.Sort(out)
	return out
}

// batchOf is the id of the batch create that makes the server at addr.
func batchOf(t *testing.T, p *Plan, addr string) string {
	t.Helper()
	for _, a := range p.Actions {
		for _, m := range a.BatchMembers() {
			if m.Address.String() == addr {
				return a.ID
			}
		}
	}
	t.Fatalf("no batch creates %s", addr)
	return ""
}

// TestBatchNeedsABatcher: without the provider's batch rules (a provider
// that creates one server per call), every member is its own create, as
// the plan always showed.
func TestBatchNeedsABatcher(t *testing.T) {
	p, d := Build(Input{Fleet: batchFleet(), Inventory: withCatalog(emptyInventory())})
	noErrors(t, d)
	if got := batchIDs(p); len(got) != 0 {
		t.Errorf("batches %v without batchers", got)
	}
	if got := p.SummaryLine(); got != "Plan: 46 to create, 3 to attach." {
		t.Errorf("summary %q", got)
	}
}

// TestBatchFollowsTargets: --target batches only the members it keeps.
func TestBatchFollowsTargets(t *testing.T) {
	tests := map[string]struct {
		in   Input
		want []string
	}{
		"two members": {
			in:   Input{Fleet: batchFleet(), Inventory: withCatalog(emptyInventory()), Batchers: cloudBatchers(), Targets: []string{"server/db-11", "server/db-12"}},
			want: []string{"create server/db-[11-12]"},
		},
		"one member": {
			in: Input{Fleet: batchFleet(), Inventory: withCatalog(emptyInventory()), Batchers: cloudBatchers(), Targets: []string{"server/db-11"}},
		},
		"members apart": {
			in: Input{Fleet: batchFleet(), Inventory: withCatalog(emptyInventory()), Batchers: cloudBatchers(), Targets: []string{"server/web-1", "server/web-3"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, d := Build(tc.in)
			noErrors(t, d)
			if got := batchIDs(p); !slices.Equal(got, tc.want) {
				t.Errorf("batches %q, want %q", got, tc.want)
			}
		})
	}
}

// BenchmarkBuild10kCreate plans benchFleet's 10,000 servers from nothing,
// with the clouds' batch rules (NCP's web 1-99 and NHN's db 11 on renamed)
// and without: the cost of deciding the batches.
//
//	go test -run '^$' -bench Build10kCreate -benchtime 3x ./planner
func BenchmarkBuild10kCreate(b *testing.B) {
	for name, batchers := range map[string]map[string]providers.ServerBatchSizer{"batched": cloudBatchers(), "alone": nil} {
		b.Run(name, func(b *testing.B) {
			in := Input{Fleet: benchFleet(false), Inventory: withCatalog(emptyInventory()), Batchers: batchers}
			p, diags := Build(in)
			if diags.HasErrors() {
				b.Fatal(renderDiags(diags))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				Build(in)
			}
			b.StopTimer()
			b.ReportMetric(float64(len(p.Actions)), "actions")
		})
	}
}
