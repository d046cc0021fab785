package providertest

import (
	"context"
	"slices"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// createVolume creates volume "data" of the server and leaves it attached.
func createVolume(t *testing.T, ctx context.Context, e Env, serverID, serverName string, size int) string {
	t.Helper()
	addr := addrs.Volume(serverName, "data")
	var zone string
	if srv := findServer(inventory(t, ctx, e, false), serverID); srv != nil {
		zone = srv.Zone
	}
	res, err := e.Provider.Create(ctx, providers.CreateRequest{
		Owner:  providers.Owner{Fleet: e.Fleet, Address: addr.String()},
		Volume: &providers.VolumeCreate{Name: serverName + "-data", Size: size, Type: e.VolumeType, Zone: zone, ServerID: serverID},
	})
	if err != nil {
		t.Fatalf("create %s: %v", addr, err)
	}
	attached := providers.WaitRequest{Kind: addrs.KindVolume, ID: res.ID, Address: addr.String(), Target: providers.TargetAttached, ServerID: serverID}
	if !e.VolumeAttachedAtCreate {
		waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindVolume, ID: res.ID, Address: addr.String(), Target: providers.TargetAvailable})
		update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindVolume, ID: res.ID, Address: addr.String(), Change: providers.Attach{VolumeID: res.ID, ServerID: serverID}})
	}
	waitFor(t, ctx, e, attached)
	return res.ID
}

func testVolume(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-vol")
	id := createServer(t, ctx, e, s)
	addr := addrs.Volume(s.Name, "data")
	vid := createVolume(t, ctx, e, id, s.Name, 20)

	inv := inventory(t, ctx, e, false)
	v := findVolume(inv, vid)
	if v == nil || v.ServerID != id || v.Size != 20 || v.Owner != (providers.Owner{Fleet: e.Fleet, Address: addr.String()}) {
		t.Fatalf("volume read back as %+v, want 20 GB attached to %s owned by %s", v, id, addr)
	}
	if srv := findServer(inv, id); srv == nil || !slices.Contains(srv.Attached, vid) {
		t.Fatalf("server %s does not list volume %s as attached: %+v", id, vid, srv)
	}

	att := providers.Attachment{VolumeID: vid, ServerID: id}
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Change: providers.Attach(att)}) // already attached
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Change: providers.Detach(att)})
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Target: providers.TargetAvailable})
	if v := findVolume(inventory(t, ctx, e, false), vid); v == nil || v.ServerID != "" {
		t.Fatalf("detached volume read back as %+v", v)
	}
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Change: providers.Detach(att)}) // already detached

	grow := 30
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Change: providers.ExtendVolume{Size: grow}})
	waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindVolume, ID: vid, Address: addr.String(), Target: providers.TargetAvailable})
	if v := findVolume(inventory(t, ctx, e, false), vid); v == nil || v.Size != 30 {
		t.Fatalf("extended volume read back as %+v, want 30 GB", v)
	}

	del(t, ctx, e, addrs.KindVolume, vid, addr.String())
	if findVolume(inventory(t, ctx, e, false), vid) != nil {
		t.Fatalf("deleted volume %s still in the inventory", vid)
	}
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
}

func testImage(t *testing.T, ctx context.Context, e Env) {
	s := e.Server("pt-img")
	id := createServer(t, ctx, e, s)
	addr := "image/pt-golden"
	res, err := e.Provider.Create(ctx, providers.CreateRequest{
		Owner: providers.Owner{Fleet: e.Fleet, Address: addr},
		Image: &providers.ImageCreate{Name: "pt-golden", ServerID: id},
	})
	if err != nil {
		t.Fatalf("create image: %v", err)
	}
	w := waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindImage, ID: res.ID, Address: addr, Target: providers.TargetAvailable})
	if w.Image == nil || !w.Image.Ready {
		t.Fatalf("wait returned image %+v, want ready", w.Image)
	}
	inv := inventory(t, ctx, e, false)
	i := slices.IndexFunc(inv.Images, func(im providers.Image) bool { return im.ID == res.ID })
	if i < 0 {
		t.Fatalf("inventory lacks image %s: %+v", res.ID, inv.Images)
	}
	if im := inv.Images[i]; im.Owner.Address != addr || im.SourceServerID != id || !im.Ready {
		t.Fatalf("image read back as %+v", im)
	}
	del(t, ctx, e, addrs.KindImage, res.ID, addr)
	del(t, ctx, e, addrs.KindServer, id, s.Address().String())
}
