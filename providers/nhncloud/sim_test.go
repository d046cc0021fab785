package nhncloud_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/nhncloud"
	"github.com/fleet-iac/fleet/providers/nhncloud/nhnsim"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/spec"
)

// simServer returns a valid server spec for the simulator's fixtures.
func simServer(t testing.TB, sim *nhnsim.Sim, p *nhncloud.Provider, name string) *spec.Server {
	t.Helper()
	fx := sim.Fixtures()
	return &spec.Server{
		Name: name, Image: fx.Image, Type: flavorName(t, p, fx.Flavor), Zone: fx.Zone, Key: "sim-key",
		Network: spec.Network{Subnet: fx.Subnet, SecurityGroups: []string{fx.SecurityGroup}},
	}
}

func createKey(t testing.TB, p *nhncloud.Provider) {
	t.Helper()
	if _, err := p.Create(context.Background(), providers.CreateRequest{
		Owner: providers.Owner{Fleet: "sim", Address: "keypair/sim-key"}, Keypair: &providers.KeypairCreate{Name: "sim-key"},
	}); err != nil {
		t.Fatal(err)
	}
}

// confirmResize is sent only when the cloud is seen holding the resize in
// VERIFY_RESIZE; NHN's auto-confirm otherwise finishes it alone.
func TestResizeConfirmAgainstSim(t *testing.T) {
	tests := map[string]struct {
		window   time.Duration
		confirms int
	}{
		"auto-confirmed before any poll sees VERIFY_RESIZE": {window: -1, confirms: 0},
		"held in VERIFY_RESIZE":                             {window: time.Minute, confirms: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			sim, p := simEnv(t, nhnsim.Options{ResizeConfirmWindow: tc.window, Behaviour: simcore.Behaviour{BuildTime: 100 * time.Millisecond}})
			createKey(t, p)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := simServer(t, sim, p, "web-1")
			owner := providers.Owner{Fleet: "sim", Address: s.Address().String()}
			res, err := p.Create(ctx, providers.CreateRequest{Owner: owner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
			if err != nil {
				t.Fatal(err)
			}
			wait := providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Target: providers.TargetRunning}
			if _, err := p.Wait(ctx, wait); err != nil {
				t.Fatal(err)
			}
			inv, err := p.Inventory(ctx, providers.InventoryRequest{Fleet: "sim", Catalog: true})
			if err != nil {
				t.Fatal(err)
			}
			to := ""
			for _, ti := range inv.Catalog.Types {
				if ti.Family == "m2" && ti.Name != s.Type {
					to = ti.Name
					break
				}
			}
			if _, err := p.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Change: providers.Resize{Type: to}}); err != nil {
				t.Fatal(err)
			}
			wait.Type = to
			got, err := p.Wait(ctx, wait)
			if err != nil {
				t.Fatal(err)
			}
			if got.Server.Type != to || got.Server.Power != spec.PowerRunning {
				t.Errorf("after resize: type %q power %q, want %q running", got.Server.Type, got.Server.Power, to)
			}
			if n := sim.Stats().Snapshot().Operations["POST /servers/{id}/action confirmResize"]; n != tc.confirms {
				t.Errorf("%d confirmResize calls, want %d", n, tc.confirms)
			}
		})
	}
}

// Twenty servers building at once are watched with at most one server
// list per poll interval, and ten for the tail once the build time is
// learned, over real HTTP.
func TestSharedPollerAgainstSim(t *testing.T) {
	const n = 20
	sim, p := simEnv(t, nhnsim.Options{Behaviour: simcore.Behaviour{BuildTime: 400 * time.Millisecond}})
	createKey(t, p)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids := make([]string, n)
	for i := range ids {
		s := simServer(t, sim, p, fmt.Sprintf("web-%d", i+1))
		res, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "sim", Address: s.Address().String()}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = res.ID
	}
	sim.Stats().Reset()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: fmt.Sprintf("server/web-%d", i+1), Target: providers.TargetRunning})
			errs <- err
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	stats := sim.Stats().Snapshot()
	intervals := int(elapsed/(20*time.Millisecond)) + 1 + 10 // and the tail, polled at a tenth of the interval
	t.Logf("%d waiters: %d server lists in %v", n, stats.Operations["GET /servers/detail"], elapsed)
	if lists := stats.Operations["GET /servers/detail"]; lists > intervals || stats.Total != lists {
		t.Errorf("%d server lists (%d calls in all) in %v, want at most %d: one per 20ms interval, ten for the tail and nothing else", lists, stats.Total, elapsed, intervals)
	}
}
