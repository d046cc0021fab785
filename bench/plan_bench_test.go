package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/style"
)

const fleetName = "bench"

// world is a simulator holding n tagged NCP servers, a state recording
// them, and a fleet file declaring them.
type world struct {
	srv   *sim.Server
	prov  *ncloud.Provider
	st    *state.State
	dir   string
	count int
}

func newWorld(b *testing.B, n int) *world {
	b.Helper()
	srv, err := sim.Start(sim.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	ak, sk := srv.NCP.Credentials()
	prov, err := ncloud.New(ncloud.Config{Endpoint: srv.URL, AccessKey: ak, SecretKey: sk, RequestsPerSecond: 10000})
	if err != nil {
		b.Fatal(err)
	}
	w := &world{srv: srv, prov: prov, dir: b.TempDir(), count: n}
	w.writeFleet(b, true, 0)
	res := spec.Load([]string{w.dir}, spec.LoadOptions{})
	if res.Diagnostics.HasErrors() {
		b.Fatal(res.Diagnostics)
	}
	// Create every server through the real client, 32 calls at a time.
	ctx := context.Background()
	var wg sync.WaitGroup
	jobs := make(chan *spec.Server)
	var mu sync.Mutex
	var firstErr error
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				_, err := prov.Create(ctx, providers.CreateRequest{
					Owner:  providers.Owner{Fleet: fleetName, Address: s.Address().String()},
					Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)},
				})
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range res.Fleet.Servers {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	// The state records what the inventory holds, as after an apply.
	inv, err := prov.Inventory(ctx, providers.InventoryRequest{Fleet: fleetName})
	if err != nil {
		b.Fatal(err)
	}
	if len(inv.Servers) != n {
		b.Fatalf("inventory holds %d servers, want %d", len(inv.Servers), n)
	}
	w.st = &state.State{Version: state.FormatVersion, Lineage: "bench", Serial: 1, Fleet: fleetName}
	for i := range inv.Servers {
		s := inv.Servers[i]
		w.st.Put(state.Resource{Address: addrs.MustParse(s.Owner.Address), Kind: addrs.KindServer, Provider: "ncp", ID: s.ID, Server: &s})
	}
	return w
}

// writeFleet declares the n servers, either as groups of 1,000 with count
// (how a fleet that size is written) or one entry per server (the worst case
// for loading). changed is how many servers get the bigger type: whole
// groups when grouped, every n/changed-th server otherwise.
func (w *world) writeFleet(b *testing.B, grouped bool, changed int) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "version: 1\nname: %s\nproviders:\n  ncp: { type: ncloud, region: KR }\nservers:\n", fleetName)
	const img, net = "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", `{ vpc: "75", subnet: "36" }`
	if grouped {
		const size = 1000
		for g := 0; g < w.count/size; g++ {
			t := "s2-g2-s50"
			if g < changed/size {
				t = "s4-g2-s50"
			}
			fmt.Fprintf(&sb, "  tier%d: { provider: ncp, count: %d, image: %s, type: %s, network: %s }\n", g, size, img, t, net)
		}
	} else {
		// The same servers as the groups: tierG-K, one entry each.
		for i := 0; i < w.count; i++ {
			t := "s2-g2-s50"
			if changed > 0 && (i+1)%(w.count/changed) == 0 {
				t = "s4-g2-s50"
			}
			fmt.Fprintf(&sb, "  tier%d-%d: { provider: ncp, image: %s, type: %s, network: %s }\n", i/1000, i%1000+1, img, t, net)
		}
	}
	if err := os.WriteFile(filepath.Join(w.dir, "fleet.yaml"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}

// plan does what `fleet plan` does: load, refresh, build, render.
func (w *world) plan(b *testing.B) *planner.Plan {
	res := spec.Load([]string{w.dir}, spec.LoadOptions{})
	if res.Diagnostics.HasErrors() {
		b.Fatal(res.Diagnostics)
	}
	inv, err := w.prov.Inventory(context.Background(), providers.InventoryRequest{Fleet: fleetName, Catalog: true})
	if err != nil {
		b.Fatal(err)
	}
	p, diags := planner.Build(planner.Input{Fleet: res.Fleet, State: w.st,
		Inventory: map[string]providers.InventoryResponse{"ncp": inv}, FleetVersion: "bench"})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	if err := planner.RenderText(discard{}, p, style.Style{}); err != nil {
		b.Fatal(err)
	}
	return p
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkPlan10000 plans a 10,000-server NCP fleet against the simulator:
// no changes, and 10% of the servers resized; the fleet file written with
// count (groups of 1,000) and, as the worst case for loading, one entry per
// server. Reported: API calls per 1,000 servers (the simulator's counter)
// and the peak heap, simulator included (it runs in this process).
func BenchmarkPlan10000(b *testing.B) {
	const n = 10000
	w := newWorld(b, n)
	for _, layout := range []struct {
		name    string
		grouped bool
	}{{"count", true}, {"entries", false}} {
		for _, tc := range []struct {
			name        string
			changed     int
			wantActions int
		}{
			{"no-changes", 0, 0},
			{"10pct-changed", n / 10, 3 * n / 10}, // stop, resize, start each
		} {
			b.Run(layout.name+"/"+tc.name, func(b *testing.B) {
				w.writeFleet(b, layout.grouped, tc.changed)
				runtime.GC()
				var peak uint64
				stop := samplePeakHeap(&peak)
				w.srv.ResetStats()
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					p := w.plan(b)
					if len(p.Actions) != tc.wantActions {
						b.Fatalf("%d actions, want %d", len(p.Actions), tc.wantActions)
					}
				}
				b.StopTimer()
				stop()
				calls := w.srv.Stats().NCloud.Total
				b.ReportMetric(float64(calls)/float64(b.N)/(n/1000), "calls/1000servers")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}
