package nhncloud_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/nhncloud"
	"github.com/fleet-iac/fleet/providers/nhncloud/nhnsim"
	"github.com/fleet-iac/fleet/spec"
)

// populate creates n servers of fleet "bench", each with one data volume,
// in a fresh simulator.
func populate(tb testing.TB, n int) (*nhnsim.Sim, *nhncloud.Provider) {
	tb.Helper()
	sim, p := simEnv(tb, nhnsim.Options{})
	fx := sim.Fixtures()
	flavor := flavorName(tb, p, fx.Flavor)
	ctx := context.Background()
	if _, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "bench", Address: "keypair/bench"}, Keypair: &providers.KeypairCreate{Name: "bench"}}); err != nil {
		tb.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		s := &spec.Server{
			Name: fmt.Sprintf("web-%d", i), Image: fx.Image, Type: flavor, Zone: fx.Zone, Key: "bench",
			Network: spec.Network{Subnet: fx.Subnet, SecurityGroups: []string{fx.SecurityGroup}},
		}
		if _, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "bench", Address: s.Address().String()}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}}); err != nil {
			tb.Fatal(err)
		}
	}
	return sim, p
}

// refreshCalls counts the API calls one Inventory of the populated
// simulator costs, as the simulator counts them.
func refreshCalls(tb testing.TB, sim *nhnsim.Sim, p *nhncloud.Provider, n int) int {
	tb.Helper()
	sim.Stats().Reset()
	inv, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "bench", Catalog: true})
	if err != nil {
		tb.Fatal(err)
	}
	if len(inv.Servers) != n {
		tb.Fatalf("inventory has %d servers, want %d", len(inv.Servers), n)
	}
	return sim.Stats().Snapshot().Total
}

// Refreshing a thousand servers costs at most 15 API calls.
func TestRefreshThousandServers(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 servers")
	}
	sim, p := populate(t, 1000)
	calls := refreshCalls(t, sim, p, 1000)
	ops := sim.Stats().Snapshot()
	for _, name := range ops.Names() {
		t.Logf("%3d %s", ops.Operations[name], name)
	}
	if calls > 15 {
		t.Errorf("refreshing 1,000 servers cost %d calls, want at most 15", calls)
	}
}

func BenchmarkRefresh1000Servers(b *testing.B) {
	sim, p := populate(b, 1000)
	b.ResetTimer()
	calls := 0
	for b.Loop() {
		calls = refreshCalls(b, sim, p, 1000)
	}
	b.ReportMetric(float64(calls), "calls/refresh")
	b.ReportMetric(0, "ns/op")
}
