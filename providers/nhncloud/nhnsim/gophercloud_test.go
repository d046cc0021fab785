package nhnsim

import (
	"context"
	"errors"
	"maps"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"
	computeversions "github.com/gophercloud/gophercloud/v2/openstack/compute/apiversions"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/availabilityzones"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/secgroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/tags"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/external"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// gc is a gophercloud session against a simulator, configured the way
// nhn.md §1.3 recommends for the real cloud.
type gc struct {
	h       *harness
	pc      *gophercloud.ProviderClient
	compute *gophercloud.ServiceClient
	block   *gophercloud.ServiceClient
	image   *gophercloud.ServiceClient
}

func newGC(t *testing.T, h *harness) *gc {
	t.Helper()
	ctx := context.Background()
	u, p, tenant := h.sim.Credentials()
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: h.sim.AuthURL(h.srv.URL), Username: u, Password: p, TenantID: tenant, AllowReauth: true})
	if err != nil {
		t.Fatal(err)
	}
	eo := gophercloud.EndpointOpts{Region: "KR1"}
	g := &gc{h: h, pc: pc}
	if g.compute, err = openstack.NewComputeV2(pc, eo); err != nil {
		t.Fatal(err)
	}
	if g.block, err = openstack.NewBlockStorageV2(pc, eo); err != nil {
		t.Fatal(err)
	}
	if g.image, err = openstack.NewImageV2(pc, eo); err != nil {
		t.Fatal(err)
	}
	return g
}

// settle moves the fake clock past every transition of one build time.
func (g *gc) settle() { g.h.clock.Advance(2 * testBuild) }

func (g *gc) get(t *testing.T, id string) *servers.Server {
	t.Helper()
	s, err := servers.Get(context.Background(), g.compute, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantCode(t *testing.T, err error, code int) {
	t.Helper()
	if !gophercloud.ResponseCodeIs(err, code) {
		t.Fatalf("got %v, want HTTP %d", err, code)
	}
}

func TestGophercloudDrivesEveryOperation(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, Options{TokenTTL: time.Hour})
	g := newGC(t, h)
	fx := h.sim.Fixtures()

	t.Run("flavors", func(t *testing.T) {
		pages, err := flavors.ListDetail(g.compute, flavors.ListOpts{MinRAM: 16384}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := flavors.ExtractFlavors(pages)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range fs {
			names = append(names, f.Name)
		}
		want := []string{"c2.c8m16", "m2.c8m16", "r2.c2m16", "r2.c4m32", "x1.c32m128", "x1.c32m256"}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Fatalf("minRam filter (-want +got):\n%s", diff)
		}
		f, err := flavors.Get(ctx, g.compute, flavorID("m2.c2m4")).Extract()
		if err != nil || f.Name != "m2.c2m4" || f.Disk != 0 || f.RAM != 4096 || f.VCPUs != 2 {
			t.Fatalf("get flavor: %+v %v", f, err)
		}
		u2, err := flavors.Get(ctx, g.compute, flavorID("u2.c2m4")).Extract()
		if err != nil || u2.Disk != 20 {
			t.Fatalf("u2 flavor has a local disk: %+v %v", u2, err)
		}
	})

	t.Run("availability zones", func(t *testing.T) {
		pages, err := availabilityzones.List(g.compute).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		zs, err := availabilityzones.ExtractAvailabilityZones(pages)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, z := range zs {
			if !z.ZoneState.Available {
				t.Errorf("%s not available", z.ZoneName)
			}
			names = append(names, z.ZoneName)
		}
		if diff := cmp.Diff([]string{"kr-pub-a", "kr-pub-b"}, names); diff != "" {
			t.Fatal(diff)
		}
	})

	t.Run("keypairs", func(t *testing.T) {
		gen, err := keypairs.Create(ctx, g.compute, keypairs.CreateOpts{Name: "k"}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(gen.PrivateKey, "PRIVATE KEY") || !strings.HasPrefix(gen.Fingerprint, "SHA256:") {
			t.Fatalf("generated key pair: %+v", gen)
		}
		_, err = keypairs.Create(ctx, g.compute, keypairs.CreateOpts{Name: "k"}).Extract()
		wantCode(t, err, 409)
		imp, err := keypairs.Create(ctx, g.compute, keypairs.CreateOpts{Name: "imported", PublicKey: gen.PublicKey}).Extract()
		if err != nil || imp.PrivateKey != "" || imp.Fingerprint != gen.Fingerprint {
			t.Fatalf("imported key pair: %+v %v", imp, err)
		}
		pages, err := keypairs.List(g.compute, nil).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kps, err := keypairs.ExtractKeyPairs(pages)
		if err != nil || len(kps) != 2 || kps[0].Name != "imported" || kps[1].Name != "k" {
			t.Fatalf("list: %+v %v", kps, err)
		}
		got, err := keypairs.Get(ctx, g.compute, "k", nil).Extract()
		if err != nil || got.PublicKey != gen.PublicKey || got.UserID == "" {
			t.Fatalf("get: %+v %v", got, err)
		}
		if err := keypairs.Delete(ctx, g.compute, "imported", nil).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		_, err = keypairs.Get(ctx, g.compute, "imported", nil).Extract()
		wantCode(t, err, 404)
	})

	var web []string // ids of web-1, web-2
	t.Run("create volume-backed servers", func(t *testing.T) {
		res := servers.Create(ctx, g.compute, keypairs.CreateOptsExt{KeyName: "k", CreateOptsBuilder: servers.CreateOpts{
			Name: "web", ImageRef: "", FlavorRef: flavorID("m2.c2m4"), Min: 2, Max: 2,
			Networks:         []servers.Network{{UUID: fx.Network}},
			SecurityGroups:   []string{"default", "web"},
			UserData:         []byte("#!/bin/sh\necho hi\n"),
			Metadata:         map[string]string{"fleet:id": "web"},
			AvailabilityZone: "kr-pub-b",
			BlockDevice: []servers.BlockDevice{{SourceType: servers.SourceImage, UUID: fx.Image, BootIndex: 0,
				DestinationType: servers.DestinationVolume, VolumeSize: 30, VolumeType: "General SSD", DeleteOnTermination: true}},
		}}, nil)
		created, err := res.Extract()
		if err != nil {
			t.Fatal(err)
		}
		if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, "/servers/"+created.ID) {
			t.Fatalf("Location %q", loc)
		}
		s := g.get(t, created.ID)
		if s.Status != "BUILD" || s.VmState != "building" || s.TaskState != "scheduling" {
			t.Fatalf("new server: %s %s %s", s.Status, s.VmState, s.TaskState)
		}
		g.settle()
		pages, err := servers.List(g.compute, servers.ListOpts{Name: "^web-[0-9]+$"}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, err := servers.ExtractServers(pages)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
			web = append(web, s.ID)
			if s.Status != "ACTIVE" || s.PowerState != servers.RUNNING || s.TaskState != "" || s.LaunchedAt.IsZero() {
				t.Errorf("%s: %s %d %q %v", s.Name, s.Status, s.PowerState, s.TaskState, s.LaunchedAt)
			}
			if s.AvailabilityZone != "kr-pub-b" || s.Metadata["fleet:id"] != "web" || s.Metadata["os_distro"] != "ubuntu" ||
				s.Metadata["volume_size"] != "20" || len(s.AttachedVolumes) != 1 || s.Addresses["Default Network"] == nil ||
				len(s.SecurityGroups) != 2 || s.Image["id"] != fx.Image || s.Flavor["id"] != flavorID("m2.c2m4") || s.KeyName != "k" {
				t.Errorf("%s: %+v", s.Name, s)
			}
		}
		sort.Strings(names)
		if diff := cmp.Diff([]string{"web-1", "web-2"}, names); diff != "" {
			t.Fatal(diff)
		}
		root, err := volumes.Get(ctx, g.block, all[0].AttachedVolumes[0].ID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if root.Status != "in-use" || root.Size != 30 || root.VolumeType != "General SSD" || root.Bootable != "true" ||
			len(root.Attachments) != 1 || root.Attachments[0].Device != "/dev/vda" || root.Attachments[0].ServerID != all[0].ID {
			t.Fatalf("root volume: %+v", root)
		}
	})

	t.Run("pages follow servers_links", func(t *testing.T) {
		var seen []string
		before := h.sim.Stats().Snapshot().Operations["GET /servers"]
		err := servers.ListSimple(g.compute, servers.ListOpts{Limit: 1}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			ss, err := servers.ExtractServers(p)
			for _, s := range ss {
				seen = append(seen, s.Name)
			}
			return true, err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first; a full last page links to an empty one, which ends paging.
		calls := h.sim.Stats().Snapshot().Operations["GET /servers"] - before
		if diff := cmp.Diff([]string{"web-2", "web-1"}, seen); diff != "" || calls != 3 {
			t.Fatalf("%d calls (-want +got):\n%s", calls, diff)
		}
	})

	t.Run("rename and metadata", func(t *testing.T) {
		name := "web-renamed"
		s, err := servers.Update(ctx, g.compute, web[0], servers.UpdateOpts{Name: name}).Extract()
		if err != nil || s.Name != name {
			t.Fatalf("rename: %+v %v", s, err)
		}
		md, err := servers.UpdateMetadata(ctx, g.compute, web[0], servers.MetadataOpts{"role": "front"}).Extract()
		if err != nil || md["role"] != "front" || md["fleet:id"] != "web" {
			t.Fatalf("update metadata: %v %v", md, err)
		}
		md, err = servers.ResetMetadata(ctx, g.compute, web[0], servers.MetadataOpts{"fleet:id": "web"}).Extract()
		if err != nil || len(md) != 1 {
			t.Fatalf("reset metadata: %v %v", md, err)
		}
		if _, err := servers.CreateMetadatum(ctx, g.compute, web[0], servers.MetadatumOpts{"k": "v"}).Extract(); err != nil {
			t.Fatal(err)
		}
		if m, err := servers.Metadatum(ctx, g.compute, web[0], "k").Extract(); err != nil || m["k"] != "v" {
			t.Fatalf("metadatum: %v %v", m, err)
		}
		if err := servers.DeleteMetadatum(ctx, g.compute, web[0], "k").ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if md, err := servers.Metadata(ctx, g.compute, web[0]).Extract(); err != nil || len(md) != 1 || md["fleet:id"] != "web" {
			t.Fatalf("metadata: %v %v", md, err)
		}
		tl, err := tags.List(ctx, g.compute, web[0]).Extract()
		if err != nil || tl == nil {
			t.Fatalf("tags: %+v %v", tl, err)
		}
		if got, err := tags.ReplaceAll(ctx, g.compute, web[0], tags.ReplaceAllOpts{Tags: tl}).Extract(); err != nil || !slices.Equal(got, tl) {
			t.Fatalf("replace tags: %+v %v", got, err)
		}
	})

	t.Run("power actions and conflicts", func(t *testing.T) {
		id := web[0]
		if err := servers.Stop(ctx, g.compute, id).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if s := g.get(t, id); s.Status != "ACTIVE" || s.TaskState != "powering-off" {
			t.Fatalf("stopping: %s %s", s.Status, s.TaskState)
		}
		err := servers.Start(ctx, g.compute, id).ExtractErr()
		wantCode(t, err, 409)
		var conflict gophercloud.ErrUnexpectedResponseCode
		if !errors.As(err, &conflict) || !strings.Contains(string(conflict.Body), "Cannot 'start' instance "+id+" while it is in vm_state active") {
			t.Fatalf("conflict body: %v", err)
		}
		g.settle()
		if s := g.get(t, id); s.Status != "SHUTOFF" || s.PowerState != servers.SHUTDOWN {
			t.Fatalf("stopped: %s %d", s.Status, s.PowerState)
		}
		if err := servers.Start(ctx, g.compute, id).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle()
		if err := servers.Reboot(ctx, g.compute, id, servers.RebootOpts{Type: servers.HardReboot}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if s := g.get(t, id); s.Status != "HARD_REBOOT" {
			t.Fatalf("rebooting: %s", s.Status)
		}
		g.settle()
		if err := servers.Shelve(ctx, g.compute, id).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle()
		if s := g.get(t, id); s.Status != "SHELVED_OFFLOADED" {
			t.Fatalf("shelved: %s", s.Status)
		}
		if err := servers.Unshelve(ctx, g.compute, id, servers.UnshelveOpts{}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle()
		if s := g.get(t, id); s.Status != "ACTIVE" || s.PowerState != servers.RUNNING {
			t.Fatalf("unshelved: %s", s.Status)
		}
	})

	t.Run("resize with and without confirmResize", func(t *testing.T) {
		id, bigger := web[0], flavorID("m2.c4m8")
		if err := servers.Resize(ctx, g.compute, id, servers.ResizeOpts{FlavorRef: bigger}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if s := g.get(t, id); s.Status != "RESIZE" {
			t.Fatalf("resizing: %s", s.Status)
		}
		h.clock.Advance(testBuild) // the resize is done; auto-confirm is one more build time away
		if s := g.get(t, id); s.Status != "VERIFY_RESIZE" || s.Flavor["id"] != bigger {
			t.Fatalf("verify: %s %v", s.Status, s.Flavor)
		}
		if err := servers.ConfirmResize(ctx, g.compute, id).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if s := g.get(t, id); s.Status != "ACTIVE" || s.Flavor["id"] != bigger {
			t.Fatalf("confirmed: %s", s.Status)
		}
		if err := servers.Resize(ctx, g.compute, id, servers.ResizeOpts{FlavorRef: flavorID("m2.c2m4")}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle() // NHN confirms by itself
		if s := g.get(t, id); s.Status != "ACTIVE" || s.Flavor["id"] != flavorID("m2.c2m4") {
			t.Fatalf("auto-confirmed: %s %v", s.Status, s.Flavor)
		}
		wantCode(t, servers.ConfirmResize(ctx, g.compute, id).ExtractErr(), 409)
		if err := servers.Resize(ctx, g.compute, id, servers.ResizeOpts{FlavorRef: bigger}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(testBuild)
		if err := servers.RevertResize(ctx, g.compute, id).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle()
		if s := g.get(t, id); s.Status != "ACTIVE" || s.Flavor["id"] != flavorID("m2.c2m4") {
			t.Fatalf("reverted: %s %v", s.Status, s.Flavor)
		}
	})

	t.Run("security groups", func(t *testing.T) {
		id := web[1]
		if err := secgroups.RemoveServer(ctx, g.compute, id, "web").ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if err := secgroups.AddServer(ctx, g.compute, id, "web").ExtractErr(); err != nil {
			t.Fatal(err)
		}
		pages, err := secgroups.ListByServer(g.compute, id).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sgs, err := secgroups.ExtractSecurityGroups(pages)
		if err != nil || len(sgs) != 2 || sgs[1].Name != "web" {
			t.Fatalf("groups: %+v %v", sgs, err)
		}
	})

	t.Run("volumes and attachments", func(t *testing.T) {
		id := web[1]
		vol, err := volumes.Create(ctx, g.block, volumes.CreateOpts{Size: 10, Name: "data", VolumeType: "General HDD",
			AvailabilityZone: "kr-pub-b"}, nil).Extract()
		if err != nil || vol.Status != "creating" {
			t.Fatalf("create: %+v %v", vol, err)
		}
		g.settle()
		att, err := volumeattach.Create(ctx, g.compute, id, volumeattach.CreateOpts{VolumeID: vol.ID}).Extract()
		if err != nil || att.Device != "/dev/vdb" || att.ID != vol.ID {
			t.Fatalf("attach: %+v %v", att, err)
		}
		if st := h.volumeStatus(vol.ID); st != "reserved" {
			t.Fatalf("attaching volume: %s", st)
		}
		wantCode(t, volumes.Delete(ctx, g.block, vol.ID, nil).ExtractErr(), 400)
		g.settle()
		pages, err := volumeattach.List(g.compute, id).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		atts, err := volumeattach.ExtractVolumeAttachments(pages)
		if err != nil || len(atts) != 2 || atts[0].Device != "/dev/vda" || atts[1].VolumeID != vol.ID {
			t.Fatalf("attachments: %+v %v", atts, err)
		}
		if got, err := volumeattach.Get(ctx, g.compute, id, vol.ID).Extract(); err != nil || got.ServerID != id {
			t.Fatalf("get attachment: %+v %v", got, err)
		}
		v, err := volumes.Get(ctx, g.block, vol.ID).Extract()
		if err != nil || v.Status != "in-use" || len(v.Attachments) != 1 {
			t.Fatalf("in-use: %+v %v", v, err)
		}
		wantCode(t, volumeattach.Delete(ctx, g.compute, id, atts[0].VolumeID).ExtractErr(), 400) // the root
		if err := volumeattach.Delete(ctx, g.compute, id, vol.ID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if st := h.volumeStatus(vol.ID); st != "detaching" {
			t.Fatalf("detaching: %s", st)
		}
		g.settle()
		if err := volumes.ExtendSize(ctx, g.block, vol.ID, volumes.ExtendSizeOpts{NewSize: 20}).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		if st := h.volumeStatus(vol.ID); st != "extending" {
			t.Fatalf("extending: %s", st)
		}
		g.settle()
		wantCode(t, volumes.ExtendSize(ctx, g.block, vol.ID, volumes.ExtendSizeOpts{NewSize: 20}).ExtractErr(), 400)
		pages, err = volumes.List(g.block, volumes.ListOpts{Limit: 1}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := volumes.ExtractVolumes(pages)
		if err != nil || len(vs) != 3 || vs[0].ID != vol.ID || vs[0].Size != 20 || vs[0].Status != "available" {
			t.Fatalf("list: %d %v", len(vs), err)
		}
		name := "data-renamed"
		if v, err := volumes.Update(ctx, g.block, vol.ID, volumes.UpdateOpts{Name: &name}).Extract(); err != nil || v.Name != name {
			t.Fatalf("update: %+v %v", v, err)
		}
		// The plain list (Cinder's /volumes, which gophercloud pages like /volumes/detail).
		pages, err = pagination.NewPager(g.block, g.block.ServiceURL("volumes"), func(r pagination.PageResult) pagination.Page {
			return volumes.VolumePage{LinkedPageBase: pagination.LinkedPageBase{PageResult: r}}
		}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if vs, err := volumes.ExtractVolumes(pages); err != nil || len(vs) != 3 || vs[0].ID == "" {
			t.Fatalf("plain list: %+v %v", vs, err)
		}
		if err := volumes.Delete(ctx, g.block, vol.ID, nil).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		g.settle()
		_, err = volumes.Get(ctx, g.block, vol.ID).Extract()
		wantCode(t, err, 404)
	})

	t.Run("createImage on a U2 server", func(t *testing.T) {
		created, err := servers.Create(ctx, g.compute, keypairs.CreateOptsExt{KeyName: "k", CreateOptsBuilder: servers.CreateOpts{
			Name: "u2", ImageRef: fx.Image, FlavorRef: flavorID("u2.c2m4"),
			Networks: []servers.Network{{UUID: vpcs[1].ID}}}}, nil).Extract()
		if err != nil {
			t.Fatal(err)
		}
		g.settle()
		res := servers.CreateImage(ctx, g.compute, created.ID, servers.CreateImageOpts{Name: "snap", Metadata: map[string]string{"a": "b"}})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		// As on NHN's legacy /v2 path: Location but no microversion header (nhn.md §0.4).
		if _, err := res.ExtractImageID(); err == nil || res.Header.Get("X-OpenStack-Nova-API-Version") != "" {
			t.Fatalf("ExtractImageID should fail without the microversion header: %v", err)
		}
		loc := res.Header.Get("Location")
		imageID := loc[strings.LastIndex(loc, "/")+1:]
		img, err := images.Get(ctx, g.image, imageID).Extract()
		if err != nil || img.Status != images.ImageStatusQueued || img.Name != "snap" {
			t.Fatalf("image: %+v %v", img, err)
		}
		g.settle()
		if img, err = images.Get(ctx, g.image, imageID).Extract(); err != nil || img.Status != images.ImageStatusActive {
			t.Fatalf("image: %+v %v", img, err)
		}
		pages, err := images.List(g.image, images.ListOpts{Limit: 2}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		imgs, err := images.ExtractImages(pages)
		if err != nil || len(imgs) != 4 {
			t.Fatalf("images: %d %v", len(imgs), err)
		}
		s := g.get(t, created.ID)
		if _, ok := s.Addresses["vpc2"]; !ok || len(s.AttachedVolumes) != 0 {
			t.Fatalf("u2 server: %+v", s)
		}
		wantCode(t, servers.CreateImage(ctx, g.compute, web[1], servers.CreateImageOpts{Name: "x"}).Err, 400)
		if img, err := images.Update(ctx, g.image, imageID, images.UpdateOpts{images.ReplaceImageName{NewName: "snap-2"}}).Extract(); err != nil || img.Name != "snap-2" {
			t.Fatalf("update image: %+v %v", img, err)
		}
		if err := images.Delete(ctx, g.image, imageID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		_, err = images.Get(ctx, g.image, imageID).Extract()
		wantCode(t, err, 404)
	})

	t.Run("a failed build decodes with its fault", func(t *testing.T) {
		h.sim.Injector().Set(simcore.Behaviour{BuildTime: testBuild, FailBuild: []string{"broken"}})
		defer h.sim.Injector().Set(simcore.Behaviour{BuildTime: testBuild})
		created, err := servers.Create(ctx, g.compute, keypairs.CreateOptsExt{KeyName: "k", CreateOptsBuilder: servers.CreateOpts{
			Name: "broken", ImageRef: fx.Image, FlavorRef: flavorID("u2.c2m4"), Networks: []servers.Network{{UUID: fx.Network}}}}, nil).Extract()
		if err != nil {
			t.Fatal(err)
		}
		g.settle()
		s := g.get(t, created.ID)
		if s.Status != "ERROR" || s.Fault.Code != 500 || s.Fault.Created.IsZero() || s.Fault.Message == "" || !s.LaunchedAt.IsZero() {
			t.Fatalf("failed build: %s %+v", s.Status, s.Fault)
		}
		if err := servers.Delete(ctx, g.compute, created.ID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
	})

	var fipID string
	t.Run("floating IPs on a server's port", func(t *testing.T) {
		nc, err := openstack.NewNetworkV2(g.pc, gophercloud.EndpointOpts{Region: "KR1"})
		if err != nil {
			t.Fatal(err)
		}
		pages, err := ports.List(nc, ports.ListOpts{DeviceID: web[0]}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := ports.ExtractPorts(pages)
		if err != nil || len(ps) != 1 || ps[0].DeviceID != web[0] || len(ps[0].FixedIPs) != 1 {
			t.Fatalf("ports of %s: %+v %v", web[0], ps, err)
		}
		if p, err := ports.Get(ctx, nc, ps[0].ID).Extract(); err != nil || p.ID != ps[0].ID {
			t.Fatalf("get port: %+v %v", p, err)
		}
		_, err = floatingips.Create(ctx, nc, floatingips.CreateOpts{FloatingNetworkID: fx.Network}).Extract()
		wantCode(t, err, 400) // not an external network
		fip, err := floatingips.Create(ctx, nc, floatingips.CreateOpts{FloatingNetworkID: externalNetwork.ID, Description: "fleet:f server/web-1"}).Extract()
		if err != nil || fip.Status != "DOWN" || fip.PortID != "" || fip.FloatingIP == "" {
			t.Fatalf("create: %+v %v", fip, err)
		}
		fipID = fip.ID
		port := ps[0].ID
		fip, err = floatingips.Update(ctx, nc, fipID, floatingips.UpdateOpts{PortID: &port}).Extract()
		if err != nil || fip.Status != "ACTIVE" || fip.PortID != port || fip.FixedIP != ps[0].FixedIPs[0].IPAddress {
			t.Fatalf("associate: %+v %v", fip, err)
		}
		floating := func() []string {
			var out []string
			for _, addrs := range g.get(t, web[0]).Addresses {
				for _, a := range addrs.([]any) {
					if m := a.(map[string]any); m["OS-EXT-IPS:type"] == "floating" {
						out = append(out, m["addr"].(string))
					}
				}
			}
			return out
		}
		if got := floating(); len(got) != 1 || got[0] != fip.FloatingIP {
			t.Fatalf("nova addresses show floating %v, want %s", got, fip.FloatingIP)
		}
		other, err := floatingips.Create(ctx, nc, floatingips.CreateOpts{FloatingNetworkID: externalNetwork.ID}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		_, err = floatingips.Update(ctx, nc, other.ID, floatingips.UpdateOpts{PortID: &port}).Extract()
		wantCode(t, err, 409) // the port has a floating IP already
		if err := floatingips.Delete(ctx, nc, other.ID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		pages, err = floatingips.List(nc, floatingips.ListOpts{PortID: port}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if list, err := floatingips.ExtractFloatingIPs(pages); err != nil || len(list) != 1 || list[0].ID != fipID {
			t.Fatalf("floating IPs on the port: %+v %v", list, err)
		}
		none := ""
		if fip, err = floatingips.Update(ctx, nc, fipID, floatingips.UpdateOpts{PortID: &none}).Extract(); err != nil || fip.PortID != "" || fip.Status != "DOWN" {
			t.Fatalf("disassociate: %+v %v", fip, err)
		}
		if got := floating(); len(got) != 0 {
			t.Fatalf("nova addresses still show floating %v", got)
		}
		if fip, err = floatingips.Update(ctx, nc, fipID, floatingips.UpdateOpts{PortID: &port}).Extract(); err != nil || fip.PortID != port {
			t.Fatalf("associate again: %+v %v", fip, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		for _, id := range web {
			if err := servers.Delete(ctx, g.compute, id).ExtractErr(); err != nil {
				t.Fatal(err)
			}
		}
		if s := g.get(t, web[0]); s.Status != "ACTIVE" || s.TaskState != "deleting" {
			t.Fatalf("deleting: %s %s", s.Status, s.TaskState)
		}
		g.settle()
		_, err := servers.Get(ctx, g.compute, web[0]).Extract()
		wantCode(t, err, 404)
		pages, err := volumes.List(g.block, nil).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if vs, _ := volumes.ExtractVolumes(pages); len(vs) != 0 {
			t.Fatalf("delete_on_termination root volumes survived: %d", len(vs))
		}
	})

	t.Run("a deleted server's floating IP stays allocated", func(t *testing.T) {
		nc, err := openstack.NewNetworkV2(g.pc, gophercloud.EndpointOpts{Region: "KR1"})
		if err != nil {
			t.Fatal(err)
		}
		fip, err := floatingips.Get(ctx, nc, fipID).Extract()
		if err != nil || fip.PortID != "" || fip.Status != "DOWN" {
			t.Fatalf("after the server's deletion: %+v %v", fip, err)
		}
		if err := floatingips.Delete(ctx, nc, fipID).ExtractErr(); err != nil {
			t.Fatal(err)
		}
		wantCode(t, floatingips.Delete(ctx, nc, fipID).ExtractErr(), 404)
	})

	t.Run("reauthenticates after the token expires", func(t *testing.T) {
		before := h.sim.Stats().Snapshot().Operations["POST /v2.0/tokens"]
		h.clock.Advance(2 * time.Hour)
		if _, err := flavors.Get(ctx, g.compute, flavorID("m2.c2m4")).Extract(); err != nil {
			t.Fatal(err)
		}
		if after := h.sim.Stats().Snapshot().Operations["POST /v2.0/tokens"]; after != before+1 {
			t.Fatalf("token requests %d → %d", before, after)
		}
	})

	t.Run("networks and subnets", func(t *testing.T) {
		nc, err := openstack.NewNetworkV2(g.pc, gophercloud.EndpointOpts{Region: "KR1"})
		if err != nil {
			t.Fatal(err)
		}
		pages, err := subnets.List(nc, subnets.ListOpts{}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sns, err := subnets.ExtractSubnets(pages)
		if err != nil || len(sns) != 2 || sns[0].ID != fx.Subnet || sns[0].NetworkID != fx.Network {
			t.Fatalf("subnets: %+v %v", sns, err)
		}
		pages, err = networks.List(nc, networks.ListOpts{}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ns, err := networks.ExtractNetworks(pages)
		if err != nil || len(ns) != 3 || ns[0].Name != "Default Network" || ns[2].Name != "Public Network" {
			t.Fatalf("networks: %+v %v", ns, err)
		}
		yes := true
		pages, err = networks.List(nc, external.ListOptsExt{ListOptsBuilder: networks.ListOpts{}, External: &yes}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ns, err = networks.ExtractNetworks(pages); err != nil || len(ns) != 1 || ns[0].ID != externalNetwork.ID {
			t.Fatalf("external networks: %+v %v", ns, err)
		}
		pages, err = networks.List(nc, networks.ListOpts{Name: "vpc2"}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ns, err = networks.ExtractNetworks(pages); err != nil || len(ns) != 1 || ns[0].ID != vpcs[1].ID {
			t.Fatalf("networks named vpc2: %+v %v", ns, err)
		}
		if n, err := networks.Get(ctx, nc, fx.Network).Extract(); err != nil || n.Name != "Default Network" {
			t.Fatalf("get network: %+v %v", n, err)
		}
		_, err = networks.Get(ctx, nc, "nope").Extract()
		wantCode(t, err, 404)
	})

	t.Run("reads the other subtests skip", func(t *testing.T) {
		// Version documents, as clients discover them.
		// A suffix the endpoint lacks makes ChooseVersion read the root document.
		if v, _, err := utils.ChooseVersion(ctx, g.pc, []*utils.Version{{ID: "v2.0", Priority: 20, Suffix: "/not-v2/"}}); err != nil || v.ID != "v2.0" {
			t.Errorf("identity versions: %+v %v", v, err)
		}
		// A document that does not decode would leave the status unknown.
		if vs, err := utils.GetServiceVersions(ctx, g.pc, h.sim.AuthURL(h.srv.URL), true); err != nil || len(vs) != 1 || vs[0].Status == utils.StatusUnknown {
			t.Errorf("identity v2.0 document: %+v %v", vs, err)
		}
		for name, sc := range map[string]*gophercloud.ServiceClient{"compute": g.compute, "volume": g.block} {
			pages, err := computeversions.List(sc).AllPages(ctx)
			if err != nil {
				t.Fatalf("%s versions: %v", name, err)
			}
			if vs, err := computeversions.ExtractAPIVersions(pages); err != nil || len(vs) == 0 {
				t.Errorf("%s versions: %+v %v", name, vs, err)
			}
		}
		// The plain flavor list (Nova's /flavors, which gophercloud pages
		// like /flavors/detail).
		pages, err := pagination.NewPager(g.compute, g.compute.ServiceURL("flavors"), func(r pagination.PageResult) pagination.Page {
			return flavors.FlavorPage{LinkedPageBase: pagination.LinkedPageBase{PageResult: r}}
		}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fs, err := flavors.ExtractFlavors(pages); err != nil || len(fs) == 0 || fs[0].ID == "" {
			t.Errorf("flavor list: %+v %v", fs, err)
		}
		if specs, err := flavors.ListExtraSpecs(ctx, g.compute, flavorID("m2.c2m4")).Extract(); err != nil || len(specs) == 0 {
			t.Errorf("extra specs: %v %v", specs, err)
		}
		if v, err := flavors.GetExtraSpec(ctx, g.compute, flavorID("m2.c2m4"), "flavor_type").Extract(); err != nil || v["flavor_type"] == "" {
			t.Errorf("extra spec: %v %v", v, err)
		}
		pages, err = secgroups.List(g.compute).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if gs, err := secgroups.ExtractSecurityGroups(pages); err != nil || len(gs) == 0 {
			t.Errorf("nova security groups: %+v %v", gs, err)
		}
		// Cinder volume types (the v3 package: the path is the same on v2).
		pages, err = volumetypes.List(g.block, nil).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		vts, err := volumetypes.ExtractVolumeTypes(pages)
		if err != nil || len(vts) == 0 {
			t.Fatalf("volume types: %+v %v", vts, err)
		}
		if vt, err := volumetypes.Get(ctx, g.block, vts[0].ID).Extract(); err != nil || vt.Name != vts[0].Name {
			t.Errorf("volume type: %+v %v", vt, err)
		}
		// Neutron security groups and one subnet.
		nc, err := openstack.NewNetworkV2(g.pc, gophercloud.EndpointOpts{Region: "KR1"})
		if err != nil {
			t.Fatal(err)
		}
		pages, err = groups.List(nc, groups.ListOpts{}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sgs, err := groups.ExtractGroups(pages)
		if err != nil || len(sgs) == 0 {
			t.Fatalf("neutron security groups: %+v %v", sgs, err)
		}
		if sg, err := groups.Get(ctx, nc, sgs[0].ID).Extract(); err != nil || sg.Name != sgs[0].Name {
			t.Errorf("neutron security group: %+v %v", sg, err)
		}
		if sn, err := subnets.Get(ctx, nc, fx.Subnet).Extract(); err != nil || sn.ID != fx.Subnet {
			t.Errorf("subnet: %+v %v", sn, err)
		}
		// A volume uploaded to an image (Cinder's os-volume_upload_image).
		vol, err := volumes.Create(ctx, g.block, volumes.CreateOpts{Size: 10, Name: "to-image", VolumeType: "General HDD",
			AvailabilityZone: "kr-pub-b"}, nil).Extract()
		if err != nil {
			t.Fatal(err)
		}
		g.settle()
		if up, err := volumes.UploadImage(ctx, g.block, vol.ID, volumes.UploadImageOpts{ImageName: "from-volume"}).Extract(); err != nil ||
			up.ImageID == "" || up.VolumeID != vol.ID || up.Status != "uploading" {
			t.Errorf("upload to image: %+v %v", up, err)
		}
	})

	// Every route was driven through gophercloud, whose result structs are
	// the declared types the simulator's answers must decode into (issue 20).
	t.Run("every route was driven", func(t *testing.T) {
		driven := map[string]bool{}
		for op := range h.sim.Stats().Snapshot().Operations {
			method, route, _ := strings.Cut(op, " ")
			route, _, _ = strings.Cut(route, " ") // an action's key
			driven[method+" "+route] = true
		}
		var missed []string // method and route, as Stats counts them
		for _, r := range servedMethodRoutes(t, h.sim) {
			if !driven[r] {
				missed = append(missed, r)
			}
		}
		// And every action of the two action routes.
		for _, a := range servedActions(t) {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(h.sim.Stats().Snapshot().Operations)), func(op string) bool {
				return strings.HasSuffix(op, "/action "+a)
			}) {
				missed = append(missed, "action "+a)
			}
		}
		if len(missed) > 0 {
			t.Errorf("routes no gophercloud call reached: %s", strings.Join(missed, ", "))
		}
	})

	t.Run("a client without a region gets KR2 and fails", func(t *testing.T) {
		cc, err := openstack.NewComputeV2(g.pc, gophercloud.EndpointOpts{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = flavors.Get(ctx, cc, flavorID("m2.c2m4")).Extract()
		wantCode(t, err, 404)
	})
}

// servedMethodRoutes lists every "METHOD route" the simulator serves, as
// Stats names them: route itself says which methods each route name of
// route.go takes (a placeholder filled with "x", under each service root),
// so a method added to a route without a gophercloud call fails the test.
func servedMethodRoutes(t *testing.T, s *Sim) []string {
	t.Helper()
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	seen := map[string]bool{}
	for _, r := range servedRoutes(t) {
		concrete := placeholder.ReplaceAllString(r, "x")
		for _, root := range []string{"", "/identity", "/compute/v2/t", "/volume/v2/t", "/image", "/network"} {
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
				c := &call{s: s, r: httptest.NewRequest(m, "/", nil), seg: strings.Split(strings.Trim(root+concrete, "/"), "/")}
				if _, name := s.route(c); name == r || strings.HasPrefix(name, r+" ") { // an action's key follows
					seen[m+" "+r] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// servedActions lists the server actions (the actions table) and the
// volume actions (the cases of volumes.go's action switch).
func servedActions(t *testing.T) []string {
	t.Helper()
	out := slices.Collect(maps.Keys(actions))
	src, err := os.ReadFile("volumes.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`case body\["([^"]+)"\] != nil`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) <= len(actions) {
		t.Fatal("no volume actions found in volumes.go")
	}
	slices.Sort(out)
	return out
}

// servedRoutes reads the route names route.go gives Stats, so a route
// added there without a gophercloud call here fails the test.
func servedRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("route.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range regexp.MustCompile(`return \w+\([a-zA-Z]+\), "(/[^"]*)"|return [a-zA-Z]+, "(/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		r := m[1] + m[2]
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}
