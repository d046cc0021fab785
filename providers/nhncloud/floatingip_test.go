package nhncloud_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/nhncloud/nhnsim"
	"github.com/fleet-iac/fleet/spec"
)

// TestPublicNetwork: public_network names the external network by name or
// id; a name that is not an external network is refused with the ones
// there are.
func TestPublicNetwork(t *testing.T) {
	ctx := context.Background()
	sim, p := simEnv(t, nhnsim.Options{})
	fx := sim.Fixtures()
	if _, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "f", Address: "keypair/k"},
		Keypair: &providers.KeypairCreate{Name: "k"}}); err != nil {
		t.Fatal(err)
	}
	s := &spec.Server{Name: "pub-1", Image: fx.Image, Type: flavorName(t, p, fx.Flavor), Zone: fx.Zone, Key: "k",
		Network: spec.Network{Subnet: fx.Subnet}, RootVolume: &spec.RootVolume{Size: 20}}
	owner := providers.Owner{Fleet: "f", Address: s.Address().String()}
	res, err := p.Create(ctx, providers.CreateRequest{Owner: owner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Target: providers.TargetRunning}); err != nil {
		t.Fatal(err)
	}
	set := func(on bool, network string) (string, error) {
		r, err := p.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(),
			Change: providers.PublicIPChange{On: on, Owner: owner, Network: network}})
		return r.PublicIP, err
	}
	tests := map[string]struct {
		network string
		wantErr string
	}{
		"by name":             {network: "Public Network"},
		"the only one":        {network: ""},
		"not external":        {network: "Default Network", wantErr: `public_network "Default Network" is not an external network; the project has: Public Network`},
		"no such network":     {network: "internet", wantErr: `public_network "internet" is not an external network; the project has: Public Network`},
		"by id of a vpc, too": {network: fx.Network, wantErr: "is not an external network"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ip, err := set(true, tc.network)
			if tc.wantErr != "" {
				if !errors.Is(err, providers.ErrConflict) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a conflict saying %q", err, tc.wantErr)
				}
				if sim.FloatingIPCount() != 0 {
					t.Fatalf("a refused public_network allocated %d addresses", sim.FloatingIPCount())
				}
				return
			}
			if err != nil || ip == "" {
				t.Fatalf("on: %q %v", ip, err)
			}
			if _, err := set(false, tc.network); err != nil {
				t.Fatal(err)
			}
			if n := sim.FloatingIPCount(); n != 0 {
				t.Fatalf("%d addresses after off", n)
			}
		})
	}
}
