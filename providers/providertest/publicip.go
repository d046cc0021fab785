package providertest

import (
	"context"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// testPublicIP turns a server's public address on, off and on again in
// place, adopts an address left allocated but unassociated, and releases
// every address with the server.
func testPublicIP(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-pip")
	id := createServer(t, ctx, e, s)
	o := owner(e, s)
	set := func(on bool) string {
		t.Helper()
		res, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(),
			Change: providers.PublicIPChange{On: on, Owner: o}})
		if err != nil {
			t.Fatalf("public_ip %v: %v", on, err)
		}
		return res.PublicIP
	}
	seen := func() *providers.Server {
		t.Helper()
		got := findServer(inventory(t, ctx, e, false), id)
		if got == nil {
			t.Fatalf("inventory lacks server %s", id)
		}
		return got
	}

	ip := set(true)
	if ip == "" {
		t.Fatal("public_ip true answered no address")
	}
	if got := seen(); got.PublicIP != ip || got.PublicIPPending != "" {
		t.Fatalf("after on: public IP %q pending %q, want %q", got.PublicIP, got.PublicIPPending, ip)
	}
	if again := set(true); again != ip {
		t.Errorf("public_ip true again: %q, want the same %q without a call", again, ip)
	}
	if got := set(false); got != "" {
		t.Errorf("public_ip false answered %q", got)
	}
	if got := seen(); got.PublicIP != "" || got.PublicIPPending != "" {
		t.Fatalf("after off: public IP %q pending %q", got.PublicIP, got.PublicIPPending)
	}
	if set(true) == "" {
		t.Fatal("public_ip on again answered no address")
	}
	if got := seen(); got.ID != id || got.PublicIP == "" {
		t.Fatalf("after on again: %+v", got)
	}

	if e.AllocatePublicIP != nil {
		// A run stopped between allocate and associate: the address shows
		// as pending, is adopted by the next update, and never leaks.
		set(false)
		pending := e.AllocatePublicIP(t, o)
		if got := seen(); got.PublicIPPending != pending {
			t.Fatalf("pending = %q, want %q", got.PublicIPPending, pending)
		}
		adopted := set(true)
		if got := seen(); got.PublicIP != adopted || got.PublicIPPending != "" {
			t.Fatalf("after adopting: public IP %q pending %q", got.PublicIP, got.PublicIPPending)
		}
		if n := e.PublicIPs(t); n != 1 {
			t.Fatalf("%d addresses allocated after adopting, want 1", n)
		}
		// One allocated for the server and never associated goes with it too.
		e.AllocatePublicIP(t, o)
	}
	// A replacement holds an address tagged for the same address; deleting
	// the replaced server must leave it.
	r := e.Server("pt-pip-new")
	created, err := e.Provider.Create(ctx, providers.CreateRequest{Owner: o, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(r)}})
	if err != nil {
		t.Fatalf("create the replacement: %v", err)
	}
	rid := created.ID
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: rid, Address: s.Address().String(), Target: providers.TargetRunning})
	res, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: rid, Address: s.Address().String(),
		Change: providers.PublicIPChange{On: true, Owner: o}})
	if err != nil || res.PublicIP == "" {
		t.Fatalf("the replacement's public IP: %q %v", res.PublicIP, err)
	}
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
	if got := findServer(inventory(t, ctx, e, false), rid); got == nil || got.PublicIP != res.PublicIP {
		t.Fatalf("deleting the replaced server took the replacement's address: %+v", got)
	}
	if e.PublicIPs != nil {
		if n := e.PublicIPs(t); n != 1 {
			t.Errorf("%d addresses allocated after the replaced server's deletion, want the replacement's 1", n)
		}
	}
	del(t, ctx, e, addrs.KindServer, rid, s.Address().String())
	if e.PublicIPs != nil {
		if n := e.PublicIPs(t); n != 0 {
			t.Errorf("%d addresses left allocated after the servers' deletion", n)
		}
	}
}
