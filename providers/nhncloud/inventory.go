package nhncloud

import (
	"context"
	"sort"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/availabilityzones"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/pagination"
	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// pageSize is NHN's maximum page for servers/detail (the default is 100)
// and Cinder's default for volumes/detail: a thousand servers cost one page.
const pageSize = 1000

// Inventory lists flavors (for id → name), servers, volumes, keypairs,
// images and, with a network endpoint, floating IPs (an owned address
// associated with nothing is reported as its server's PublicIPPending)
// page by page, plus availability zones when the catalog is requested: six
// or seven calls for a tenant of fewer than a thousand of each; a full page
// of servers or volumes costs one more, empty, page (go test -run
// TestRefreshThousandServers -v).
//
// Servers, volumes and images are returned only when their metadata
// carries req.Fleet, or when req.Known names them (resources fleet import
// adopted, picked out of the same pages), or with req.Unowned when they carry
// no fleet's tag at all (fleet import --discover). Keypairs cannot carry metadata:
// all of the tenant's keypairs are returned with an empty Owner, and fleet
// treats those its file declares as its own.
func (p *Provider) Inventory(ctx context.Context, req providers.InventoryRequest) (providers.InventoryResponse, error) {
	var resp providers.InventoryResponse
	// The lists are independent: they are sent at once, so a refresh takes
	// about as long as its slowest list (paged servers), not their sum.
	var (
		srvs    []wireServer
		vols    []wireVolume
		ims     []images.Image
		zones   []string
		subnets []providers.SubnetInfo
		pending map[string]string // server address → owned floating IP associated with nothing
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return p.loadFlavors(gctx) })
	g.Go(func() (err error) { srvs, err = p.listServers(gctx, servers.ListOpts{Limit: pageSize}); return err })
	g.Go(func() (err error) { vols, err = p.listVolumes(gctx); return err })
	g.Go(func() (err error) { resp.Keypairs, err = p.listKeypairs(gctx); return err })
	g.Go(func() (err error) { ims, err = p.listImages(gctx); return err })
	g.Go(func() (err error) { pending, err = p.pendingFloatingIPs(gctx, req.Fleet); return err })
	if req.Catalog {
		g.Go(func() (err error) { zones, err = p.listZones(gctx); return err })
	}
	if req.Catalog || req.Unowned { // the plan's subnet checks; discovery's fillSubnets
		g.Go(func() (err error) { subnets, err = p.listSubnets(gctx); return err })
	}
	if err := g.Wait(); err != nil {
		return resp, err
	}
	known := map[addrs.Kind]map[string]bool{}
	for _, k := range req.KnownNow() {
		if known[k.Kind] == nil {
			known[k.Kind] = map[string]bool{}
		}
		known[k.Kind][k.ID] = true
	}
	byID := make(map[string]wireVolume, len(vols))
	for _, v := range vols {
		byID[v.ID] = v
		if ownedBy(v.Metadata, req.Fleet) || known[addrs.KindVolume][v.ID] || (req.Unowned && v.Bootable != "true" && untagged(v.Metadata)) {
			resp.Volumes = append(resp.Volumes, v.toVolume())
		}
	}
	for _, s := range srvs {
		if ownedBy(s.Metadata, req.Fleet) || known[addrs.KindServer][s.ID] || (req.Unowned && untagged(s.Metadata)) {
			resp.Servers = append(resp.Servers, p.toServer(s, byID))
		}
	}
	if req.Unowned {
		fillSubnets(resp.Servers, subnets)
	}
	for i := range resp.Servers {
		if s := &resp.Servers[i]; s.PublicIP == "" {
			s.PublicIPPending = pending[s.Owner.Address]
		}
	}
	for _, im := range ims {
		if ownedBy(imageProps(im), req.Fleet) || known[addrs.KindImage][im.ID] {
			resp.Images = append(resp.Images, toImage(im))
		}
	}
	sort.Slice(resp.Servers, func(i, j int) bool {
		return less(resp.Servers[i].Owner.Address, resp.Servers[i].ID, resp.Servers[j].Owner.Address, resp.Servers[j].ID)
	})
	sort.Slice(resp.Volumes, func(i, j int) bool {
		return less(resp.Volumes[i].Owner.Address, resp.Volumes[i].ID, resp.Volumes[j].Owner.Address, resp.Volumes[j].ID)
	})
	sort.Slice(resp.Images, func(i, j int) bool {
		return less(resp.Images[i].Owner.Address, resp.Images[i].ID, resp.Images[j].Owner.Address, resp.Images[j].ID)
	})
	if req.Catalog {
		resp.Catalog = &providers.Catalog{Types: p.catalogTypes(), Zones: zones, Images: catalogImages(ims), Subnets: subnets}
		if req.CatalogNames {
			var err error
			if resp.Catalog.Networks, err = p.catalogNetworks(ctx); err != nil {
				return resp, err
			}
		}
	}
	return resp, nil
}

// catalogImages lists every image the tenant sees, with its minimum disk,
// from the page the inventory read anyway.
func catalogImages(ims []images.Image) []providers.ImageInfo {
	out := make([]providers.ImageInfo, 0, len(ims))
	for _, im := range ims {
		out = append(out, providers.ImageInfo{ID: im.ID, Name: im.Name, MinDisk: im.MinDiskGigabytes,
			Created: im.CreatedAt.UTC().Format(time.RFC3339), Inactive: im.Status != images.ImageStatusActive})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func less(a1, id1, a2, id2 string) bool {
	if a1 != a2 {
		return a1 < a2
	}
	return id1 < id2
}

func (p *Provider) listKeypairs(ctx context.Context) ([]providers.Keypair, error) {
	var out []providers.Keypair
	err := keypairs.List(p.compute, nil).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		list, err := keypairs.ExtractKeyPairs(page)
		if err != nil {
			return false, err
		}
		for _, k := range list {
			out = append(out, providers.Keypair{Name: k.Name, Fingerprint: k.Fingerprint})
		}
		return true, nil
	})
	if err != nil {
		return nil, apiError("GET /os-keypairs", "", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// listImages follows Glance's next links.
func (p *Provider) listImages(ctx context.Context) ([]images.Image, error) {
	var out []images.Image
	err := images.List(p.image, images.ListOpts{Limit: pageSize}).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		list, err := images.ExtractImages(page)
		if err != nil {
			return false, err
		}
		out = append(out, list...)
		return true, nil
	})
	if err != nil {
		return nil, apiError("GET /v2/images", "", err)
	}
	return out, nil
}

// listSubnets lists the tenant's subnets with their CIDRs (Neutron), when
// the catalog has a network endpoint.
func (p *Provider) listSubnets(ctx context.Context) ([]providers.SubnetInfo, error) {
	if p.network == nil {
		return nil, nil
	}
	page, err := subnets.List(p.network, subnets.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, apiError("GET /v2.0/subnets", "", err)
	}
	list, err := subnets.ExtractSubnets(page)
	if err != nil {
		return nil, apiError("GET /v2.0/subnets", "", err)
	}
	out := make([]providers.SubnetInfo, 0, len(list))
	for _, sn := range list {
		out = append(out, providers.SubnetInfo{ID: sn.ID, Network: sn.NetworkID, CIDR: sn.CIDR, Name: sn.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (p *Provider) listZones(ctx context.Context) ([]string, error) {
	page, err := availabilityzones.List(p.compute).AllPages(ctx)
	if err != nil {
		return nil, apiError("GET /os-availability-zone", "", err)
	}
	list, err := availabilityzones.ExtractAvailabilityZones(page)
	if err != nil {
		return nil, apiError("GET /os-availability-zone", "", err)
	}
	var zones []string
	for _, z := range list {
		if z.ZoneState.Available {
			zones = append(zones, z.ZoneName)
		}
	}
	sort.Strings(zones)
	return zones, nil
}
