package providertest

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func testCreate(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-create")
	id := createServer(t, ctx, e, s)

	inv := inventory(t, ctx, e, true)
	got := findServer(inv, id)
	if got == nil {
		t.Fatalf("inventory lacks server %s: %+v", id, inv.Servers)
	}
	if got.Owner != owner(e, s) {
		t.Errorf("owner = %+v, want %+v", got.Owner, owner(e, s))
	}
	if got.Name != s.Name || got.Type != s.Type || got.Power != spec.PowerRunning || got.Busy || got.Failed {
		t.Errorf("server read back = name %q type %q power %q busy %v failed %v; want %q %q running, idle",
			got.Name, got.Type, got.Power, got.Busy, got.Failed, s.Name, s.Type)
	}
	if got.Created.IsZero() {
		t.Errorf("creation time not reported: a plan cannot tell a build past the cloud's limit")
	}
	if got.Image != s.Image && !slices.Contains(got.ImageAliases, s.Image) {
		t.Errorf("image = %q (aliases %v), want %q", got.Image, got.ImageAliases, s.Image)
	}
	if inv.Catalog == nil || len(inv.Catalog.Types) == 0 || len(inv.Catalog.Zones) == 0 {
		t.Fatalf("catalog = %+v, want types and zones", inv.Catalog)
	}
	if !slices.ContainsFunc(inv.Catalog.Types, func(ti providers.TypeInfo) bool { return ti.Name == s.Type }) {
		t.Errorf("catalog types lack the server's type %q", s.Type)
	}
	if !slices.IsSortedFunc(inv.Catalog.Types, func(a, b providers.TypeInfo) int { return cmp.Compare(a.Name, b.Name) }) {
		t.Errorf("catalog types not sorted by name")
	}
	// The plan-time checks' inputs: the image's root disk size and the
	// subnet's CIDR, which holds the server's address.
	if i := slices.IndexFunc(inv.Catalog.Images, func(im providers.ImageInfo) bool { return im.ID == s.Image }); i < 0 || inv.Catalog.Images[i].MinDisk <= 0 {
		t.Errorf("catalog images lack the server's image %q with its size: %+v", s.Image, inv.Catalog.Images)
	}
	if !slices.IsSortedFunc(inv.Catalog.Images, func(a, b providers.ImageInfo) int { return cmp.Compare(a.ID, b.ID) }) {
		t.Errorf("catalog images not sorted by id")
	}
	if i := slices.IndexFunc(inv.Catalog.Subnets, func(sn providers.SubnetInfo) bool { return sn.ID == s.Network.Subnet }); i < 0 {
		t.Errorf("catalog subnets lack the server's subnet %q: %+v", s.Network.Subnet, inv.Catalog.Subnets)
	} else if pfx, err := netip.ParsePrefix(inv.Catalog.Subnets[i].CIDR); err != nil || !pfx.Contains(addrOf(got.IP)) {
		t.Errorf("subnet %+v does not hold the server's address %q", inv.Catalog.Subnets[i], got.IP)
	}

	// Another fleet's inventory never shows this fleet's server.
	other, err := e.Provider.Inventory(ctx, providers.InventoryRequest{Fleet: e.Fleet + "-other"})
	if err != nil {
		t.Fatalf("inventory of another fleet: %v", err)
	}
	if findServer(other, id) != nil {
		t.Errorf("another fleet's inventory shows server %s", id)
	}

	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
	if findServer(inventory(t, ctx, e, false), id) != nil {
		t.Errorf("deleted server %s still in the inventory", id)
	}
}

func testNotFound(t *testing.T, ctx context.Context, e Env) {
	id := e.MissingID
	_, err := e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindServer, ID: id, Address: "server/ghost"})
	wantErr(t, "delete missing server", err, providers.ErrNotFound)
	_, err = e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: "server/ghost", Change: providers.PowerChange{To: spec.PowerStopped}})
	wantErr(t, "stop missing server", err, providers.ErrNotFound)
	_, err = e.Provider.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: "server/ghost", Target: providers.TargetRunning})
	wantErr(t, "wait for missing server to run", err, providers.ErrNotFound)
	_, err = e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindVolume, ID: id, Address: "volume/ghost/data"})
	wantErr(t, "delete missing volume", err, providers.ErrNotFound)
	_, err = e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindKeypair, ID: "pt-ghost-key", Address: "keypair/pt-ghost-key"})
	wantErr(t, "delete missing keypair", err, providers.ErrNotFound)
	// Waiting for something missing to be gone is done at once.
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: "server/ghost", Target: providers.TargetGone})
}

func testResize(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-resize")
	id := createServer(t, ctx, e, s)
	inv := inventory(t, ctx, e, true)
	var cur providers.TypeInfo
	for _, ti := range inv.Catalog.Types {
		if ti.Name == s.Type {
			cur = ti
		}
	}
	i := slices.IndexFunc(inv.Catalog.Types, func(ti providers.TypeInfo) bool {
		return ti.Name != cur.Name && ti.Family == cur.Family && ti.DiskType == cur.DiskType
	})
	if i < 0 {
		t.Fatalf("catalog has no other type of family %q disk %q to resize to", cur.Family, cur.DiskType)
	}
	to := inv.Catalog.Types[i].Name

	// Resizing to the current type is already in effect.
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Resize{Type: s.Type}})
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Resize{Type: to}})
	res := waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Target: providers.TargetRunning, Type: to})
	if res.Server == nil || res.Server.Type != to {
		t.Fatalf("wait returned %+v, want a server of type %q", res.Server, to)
	}
	got := findServer(inventory(t, ctx, e, false), id)
	if got == nil || got.Type != to || got.Power != spec.PowerRunning {
		t.Fatalf("after resize the inventory shows %+v, want type %q running", got, to)
	}
}

func testStopStart(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-power")
	id := createServer(t, ctx, e, s)
	power := func(to spec.Power, target providers.Target) {
		t.Helper()
		update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.PowerChange{To: to}})
		waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Target: target})
		got := findServer(inventory(t, ctx, e, false), id)
		if got == nil || got.Power != to {
			t.Fatalf("after power %s the inventory shows %+v", to, got)
		}
	}
	power(spec.PowerStopped, providers.TargetStopped)
	power(spec.PowerStopped, providers.TargetStopped) // already stopped: no error
	power(spec.PowerRunning, providers.TargetRunning)
	power(spec.PowerRunning, providers.TargetRunning)
}

// testProtected: a protected server refuses deletion with ErrConflict and
// stays; once unprotected it deletes.
func testProtected(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-protected")
	s.Protect = true
	id := createServer(t, ctx, e, s)
	got := findServer(inventory(t, ctx, e, false), id)
	if got == nil || !got.Protect {
		t.Fatalf("protected server read back as %+v", got)
	}
	_, err := e.Provider.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String()})
	wantErr(t, "delete protected server", err, providers.ErrConflict)
	if findServer(inventory(t, ctx, e, false), id) == nil {
		t.Fatalf("protected server %s disappeared after a refused delete", id)
	}
	off := false
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.Address().String(), Change: providers.Protect{On: off}})
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
}

// testShrink: volumes only grow; a shrink is a state conflict.
func testShrink(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-shrink")
	id := createServer(t, ctx, e, s)
	vid := createVolume(t, ctx, e, id, s.Name, 20)
	shrink := 10
	_, err := e.Provider.Update(ctx, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: addrs.Volume(s.Name, "data").String(), Change: providers.ExtendVolume{Size: shrink}})
	wantErr(t, "shrink volume", err, providers.ErrConflict)
	if v := findVolume(inventory(t, ctx, e, false), vid); v == nil || v.Size != 20 {
		t.Fatalf("volume after a refused shrink: %+v, want 20 GB", v)
	}
}

// addrOf parses an address; an invalid one (none reported) is the zero
// address, which no prefix contains.
func addrOf(ip string) netip.Addr {
	a, _ := netip.ParseAddr(ip)
	return a
}
