package ncloud_test

import (
	"context"
	"fmt"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud"
	"github.com/fleet-iac/fleet/providers/ncloud/ncloudsim"
	"github.com/fleet-iac/fleet/spec"
)

// refreshBudget is the most API calls one refresh of 1,000 servers may cost.
const refreshBudget = 15

// fleetOf creates n tagged servers in the simulator; each brings its root
// volume, so the volume list is as long as the server list.
func fleetOf(t testing.TB, p *ncloud.Provider, sim *ncloudsim.Sim, n int) {
	t.Helper()
	fx := sim.Fixtures()
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(32)
	for i := range n {
		g.Go(func() error {
			s := &spec.Server{
				Name: fmt.Sprintf("web-%d", i+1), Image: fx.Image, Type: fx.Spec,
				Network: spec.Network{VPC: fx.VPC, Subnet: fx.Subnet, SecurityGroups: []string{fx.ACG}},
			}
			_, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "bench", Address: s.Address().String()}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestRefreshCost: refreshing a 1,000-server fleet stays within the call
// budget, counted by the simulator.
func TestRefreshCost(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 servers")
	}
	p, sim := simEnv(t)
	fleetOf(t, p, sim, 1000)
	sim.Stats().Reset()
	inv, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "bench", Catalog: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Servers) != 1000 {
		t.Fatalf("inventory has %d servers, want 1000", len(inv.Servers))
	}
	snap := sim.Stats().Snapshot()
	if snap.Total > refreshBudget {
		t.Errorf("refresh of 1,000 servers cost %d calls (%v), budget %d", snap.Total, snap.Operations, refreshBudget)
	}
	t.Logf("refresh of 1,000 servers with the catalog: %d calls %v", snap.Total, snap.Operations)
}

func BenchmarkRefresh1000(b *testing.B) {
	p, sim := simEnv(b)
	fleetOf(b, p, sim, 1000)
	sim.Stats().Reset()
	for b.Loop() {
		if _, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sim.Stats().Snapshot().Total)/float64(b.N), "calls/refresh")
}
