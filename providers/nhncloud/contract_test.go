package nhncloud_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/nhncloud"
	"github.com/fleet-iac/fleet/providers/nhncloud/nhnsim"
	"github.com/fleet-iac/fleet/providers/providertest"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/spec"
)

// simEnv serves a fresh simulator over loopback HTTP and connects a
// provider to it, the way fleet connects to the real cloud.
func simEnv(t testing.TB, opts nhnsim.Options) (*nhnsim.Sim, *nhncloud.Provider) {
	sim, p, _ := refusableSimEnv(t, opts)
	return sim, p
}

// refusableSimEnv is simEnv with a Refuser under the client.
func refusableSimEnv(t testing.TB, opts nhnsim.Options) (*nhnsim.Sim, *nhncloud.Provider, *providertest.Refuser) {
	t.Helper()
	opts.Prefix = "/nhn"
	sim, err := nhnsim.New(opts)
	if err != nil {
		t.Fatalf("nhnsim: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	user, pw, tenant := sim.Credentials()
	refuser := &providertest.Refuser{}
	p, err := nhncloud.New(context.Background(), nhncloud.Config{
		HTTPClient: &http.Client{Transport: refuser, Timeout: 10 * time.Second},
		AuthURL:    sim.AuthURL(srv.URL), Username: user, Password: pw, TenantID: tenant,
		Region: sim.Fixtures().Region, PollInterval: 20 * time.Millisecond, RequestsPerSecond: 1000,
	})
	if err != nil {
		t.Fatalf("nhncloud.New: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return sim, p, refuser
}

// flavorName finds the name of the simulator's fixture flavor, which it
// gives by id or by name.
func flavorName(t testing.TB, p *nhncloud.Provider, id string) string {
	t.Helper()
	inv, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "none", Catalog: true})
	if err != nil {
		t.Fatalf("inventory: %v", err)
	}
	for _, ti := range inv.Catalog.Types {
		if ti.ID == id || ti.Name == id {
			return ti.Name
		}
	}
	t.Fatalf("the catalog has no flavor %s", id)
	return ""
}

func TestContract(t *testing.T) {
	providertest.Run(t, providertest.Harness{New: func(t *testing.T) providertest.Env {
		sim, p, refuser := refusableSimEnv(t, nhnsim.Options{})
		fx := sim.Fixtures()
		flavor := flavorName(t, p, fx.Flavor)
		// NHN requires key_name: every server gets this generated keypair.
		if _, err := p.Create(context.Background(), providers.CreateRequest{
			Owner: providers.Owner{Fleet: "contract", Address: "keypair/contract-key"}, Keypair: &providers.KeypairCreate{Name: "contract-key"},
		}); err != nil {
			t.Fatalf("keypair: %v", err)
		}
		return providertest.Env{
			Provider: p,
			Fleet:    "contract",
			Refuse:   refuser.Set,
			Server: func(name string) *spec.Server {
				return &spec.Server{
					Name: name, Image: fx.Image, Type: flavor, Zone: fx.Zone, Key: "contract-key",
					Network:    spec.Network{Subnet: fx.Subnet, SecurityGroups: []string{fx.SecurityGroup}},
					RootVolume: &spec.RootVolume{Size: 20},
				}
			},
			MissingID:    "00000000-0000-4000-8000-000000000000",
			SetBehaviour: func(b simcore.Behaviour) { sim.Injector().Set(b) },
			Stats:        func() simcore.StatsSnapshot { return sim.Stats().Snapshot() },
			AllocatePublicIP: func(_ *testing.T, o providers.Owner) string {
				return sim.AllocateFloatingIP(providers.TagDescription("", o))
			},
			PublicIPs: func(*testing.T) int { return sim.FloatingIPCount() },
		}
	}})
}
