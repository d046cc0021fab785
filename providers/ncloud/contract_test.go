package ncloud_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud"
	"github.com/fleet-iac/fleet/providers/ncloud/ncloudsim"
	"github.com/fleet-iac/fleet/providers/providertest"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/spec"
)

// buildTime keeps the simulated cloud quick while clients still really wait.
const (
	buildTime    = 60 * time.Millisecond
	pollInterval = 20 * time.Millisecond
)

// simEnv starts a simulator on loopback and a provider pointed at it.
func simEnv(t testing.TB) (*ncloud.Provider, *ncloudsim.Sim) {
	p, sim, _ := refusableSimEnv(t)
	return p, sim
}

// refusableSimEnv is simEnv with a Refuser under the client.
func refusableSimEnv(t testing.TB) (*ncloud.Provider, *ncloudsim.Sim, *providertest.Refuser) {
	t.Helper()
	sim, err := ncloudsim.New(ncloudsim.Options{Behaviour: simcore.Behaviour{BuildTime: buildTime}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	ak, sk := sim.Credentials()
	refuser := &providertest.Refuser{}
	p, err := ncloud.New(ncloud.Config{
		Endpoint: srv.URL, AccessKey: ak, SecretKey: sk, Region: sim.Fixtures().Region,
		PollInterval: pollInterval, RequestsPerSecond: 500, RetryWait: 5 * time.Millisecond,
		HTTPClient: &http.Client{Transport: refuser, Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, sim, refuser
}

func TestContract(t *testing.T) {
	providertest.Run(t, providertest.Harness{New: func(t *testing.T) providertest.Env {
		p, sim, refuser := refusableSimEnv(t)
		fx := sim.Fixtures()
		return providertest.Env{
			Refuse:   refuser.Set,
			Provider: p,
			Fleet:    "contract",
			Server: func(name string) *spec.Server {
				return &spec.Server{
					Name: name, Image: fx.Image, Type: fx.Spec, Power: spec.PowerRunning,
					Network: spec.Network{VPC: fx.VPC, Subnet: fx.Subnet, SecurityGroups: []string{fx.ACG}},
				}
			},
			VolumeType:             "SSD",
			VolumeAttachedAtCreate: true, // XEN: createBlockStorageInstance with serverInstanceNo
			MissingID:              "999999999",
			SetBehaviour: func(b simcore.Behaviour) {
				if b.BuildTime == 0 {
					b.BuildTime = buildTime
				}
				sim.Injector().Set(b)
			},
			Stats: func() simcore.StatsSnapshot { return sim.Stats().Snapshot() },
			AllocatePublicIP: func(_ *testing.T, o providers.Owner) string {
				return sim.AllocatePublicIP(providers.TagDescription("", o))
			},
			PublicIPs: func(*testing.T) int { return sim.PublicIPCount() },
		}
	}})
}

// TestSharedPollerAgainstSim: servers built at once are watched with one
// list call per round for all of them, whatever their number: a round per
// poll interval, and once the pace has learned the build time, up to ten
// more for the tail of the wave (a tenth of the interval apart).
func TestSharedPollerAgainstSim(t *testing.T) {
	const n = 25
	p, sim := simEnv(t)
	fx := sim.Fixtures()
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		s := &spec.Server{Name: fmt.Sprintf("poll-%d", i+1), Image: fx.Image, Type: fx.Spec,
			Network: spec.Network{VPC: fx.VPC, Subnet: fx.Subnet, SecurityGroups: []string{fx.ACG}}}
		res, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "poll", Address: s.Address().String()}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = res.ID
	}
	sim.Stats().Reset()
	start := time.Now()
	var g errgroup.Group
	for i, id := range ids {
		g.Go(func() error {
			_, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: fmt.Sprintf("server/poll-%d", i+1), Target: providers.TargetRunning})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	polls := sim.Stats().Snapshot().Operations["getServerInstanceList"]
	if limit := int(elapsed/pollInterval) + 1 + 10; polls > limit || polls == 0 {
		t.Errorf("%d waiters made %d list calls in %v; want 1..%d", n, polls, elapsed, limit)
	}
	t.Logf("%d servers built in %v with %d list calls", n, elapsed, polls)
}
