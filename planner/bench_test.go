package planner

import (
	"io"
	"testing"

	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

// benchFleet is 10,000 servers: 5,000 on each cloud, each with a volume.
// Every tenth one gets a new type when changed is set.
func benchFleet(changed bool) *spec.Fleet {
	edit := func(s *spec.Server) {
		if changed && s.Index%10 == 0 {
			if s.Provider == "ncp" {
				s.Type = "s4-g2-s50"
			} else {
				s.Type = "m2.c8m16"
			}
		}
	}
	wg, web := groupOf("web", 5000, &spec.Rollout{MaxUnavailable: 10, Percent: true}, ncpServer, edit)
	dg, db := groupOf("db", 5000, nil, nhnServer, edit)
	return fleetOf(wg, web, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn"})
}

func benchmarkBuild(b *testing.B, changed bool) {
	st, inv := world(benchFleet(false))
	in := Input{Fleet: benchFleet(changed), State: st, Inventory: withCatalog(inv)}
	p, diags := Build(in)
	if diags.HasErrors() {
		b.Fatal(renderDiags(diags))
	}
	if changed != p.HasChanges() {
		b.Fatalf("changes %v, want %v", p.HasChanges(), changed)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Build(in)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(p.Actions)), "actions")
}

func BenchmarkBuild10kNoChanges(b *testing.B)    { benchmarkBuild(b, false) }
func BenchmarkBuild10k10PctChanged(b *testing.B) { benchmarkBuild(b, true) }

// BenchmarkRender10k10PctChanged renders the changed plan in all four forms.
func BenchmarkRender10k10PctChanged(b *testing.B) {
	st, inv := world(benchFleet(false))
	p, _ := Build(Input{Fleet: benchFleet(true), State: st, Inventory: inv})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = RenderText(io.Discard, p, style.Style{})
		_ = RenderJSON(io.Discard, p)
		_ = RenderMarkdown(io.Discard, p)
		_ = RenderDOT(io.Discard, p)
	}
}

// BenchmarkBuild5kRolloutResize resizes a whole 5,000-server tier, 10% at
// a time: 10 batches, 15,000 actions.
func BenchmarkBuild5kRolloutResize(b *testing.B) {
	mk := func(typ string) *spec.Fleet {
		wg, web := groupOf("web", 5000, &spec.Rollout{MaxUnavailable: 10, Percent: true}, ncpServer, func(s *spec.Server) { s.Type = typ; s.Volumes = nil })
		return fleetOf(wg, web)
	}
	st, inv := world(mk("s2-g2-s50"))
	in := Input{Fleet: mk("s4-g2-s50"), State: st, Inventory: inv}
	p, _ := Build(in)
	if len(p.Rollouts) != 1 || p.Rollouts[0].Batches != 10 {
		b.Fatalf("rollouts %+v", p.Rollouts)
	}
	if len(p.Actions) != 15000 { // stop, resize, start per server
		b.Fatalf("%d actions, want 15000", len(p.Actions))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Build(in)
	}
}
