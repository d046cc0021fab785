package ncloud_test

import (
	"context"
	"fmt"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestServerActionsInListCalls: servers stopped and deleted at the same
// moment are read, stopped, looked up for volumes and terminated with list
// calls of up to 100 servers, never one call per server.
func TestServerActionsInListCalls(t *testing.T) {
	tests := map[string]struct {
		servers                  int
		wantStops, wantTerminate int // the calls when all ask together
	}{
		"one server":  {1, 1, 1},
		"150 servers": {150, 2, 2},
		"three lists": {201, 3, 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, sim := simEnv(t)
			fx := sim.Fixtures()
			ctx := context.Background()
			ids := make([]string, tc.servers)
			g, gctx := errgroup.WithContext(ctx)
			for i := range ids {
				g.Go(func() error {
					s := &spec.Server{Name: fmt.Sprintf("web-%d", i+1), Image: fx.Image, Type: fx.Spec, Power: spec.PowerRunning,
						Network: spec.Network{VPC: fx.VPC, Subnet: fx.Subnet, SecurityGroups: []string{fx.ACG}}}
					res, err := p.Create(gctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "lists", Address: s.Address().String()}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
					ids[i] = res.ID
					return err
				})
			}
			if err := g.Wait(); err != nil {
				t.Fatal(err)
			}
			each := func(f func(ctx context.Context, id, addr string) error) {
				t.Helper()
				g, gctx := errgroup.WithContext(ctx)
				for i, id := range ids {
					g.Go(func() error { return f(gctx, id, fmt.Sprintf("server/web-%d", i+1)) })
				}
				if err := g.Wait(); err != nil {
					t.Fatal(err)
				}
			}
			wait := func(target providers.Target) func(ctx context.Context, id, addr string) error {
				return func(ctx context.Context, id, addr string) error {
					_, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: addr, Target: target})
					return err
				}
			}
			each(wait(providers.TargetRunning))

			sim.Stats().Reset()
			each(func(ctx context.Context, id, addr string) error {
				_, err := p.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: addr, Change: providers.PowerChange{To: spec.PowerStopped}})
				return err
			})
			each(wait(providers.TargetStopped))
			each(func(ctx context.Context, id, addr string) error {
				_, err := p.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindServer, ID: id, Address: addr})
				return err
			})
			each(wait(providers.TargetGone))

			ops := sim.Stats().Snapshot().Operations
			// Stragglers of a loaded machine (or -race) may miss their
			// list and make a few more; never nearly one per server.
			stops, terms := ops["stopServerInstances"], ops["terminateServerInstances"]
			most := func(want int) int { return max(want, tc.servers/10) }
			if stops < tc.wantStops || stops > most(tc.wantStops) || terms < tc.wantTerminate || terms > most(tc.wantTerminate) {
				t.Errorf("%d stop and %d terminate calls for %d servers, want %d and %d: %v",
					ops["stopServerInstances"], ops["terminateServerInstances"], tc.servers, tc.wantStops, tc.wantTerminate, ops)
			}
			reads := ops["getServerInstanceDetail"] + ops["getServerInstanceList"]
			if per := float64(reads+ops["getBlockStorageInstanceList"]) / float64(tc.servers); tc.servers > 1 && per > 0.5 {
				t.Errorf("%d server reads and %d volume lists for %d servers, want far fewer than one per server: %v",
					reads, ops["getBlockStorageInstanceList"], tc.servers, ops)
			}
		})
	}
}
