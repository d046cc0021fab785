package ncloud

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Inventory lists the fleet's resources, and those req.Known names, with
// one paged list call per kind:
// servers, volumes (also the servers' root volumes), network interfaces (the
// private IPs and ACGs), unassociated public IPs (an owned one is its
// server's PublicIPPending), member images and login keys; with Catalog also
// specs, zones, image products, server images and subnets (the plan-time
// checks' root disk sizes and CIDRs). A 1,000-server fleet costs 6 calls,
// 11 with the catalog.
func (p *Provider) Inventory(ctx context.Context, req providers.InventoryRequest) (providers.InventoryResponse, error) {
	c := p.c
	var out providers.InventoryResponse
	// The lists are independent: they are sent at once, so a refresh takes
	// about as long as its slowest list, not their sum. Network interfaces
	// and pending public IPs are needed only when the fleet has a server:
	// when the state records resources (or may: it is read while the lists
	// are out) they go with the others, else they follow the servers. The
	// catalog follows the member images.
	var (
		srvs    []serverInstance
		vols    []blockStorageInstance
		ims     []memberServerImage
		keys    []loginKey
		nics    map[string]*networkInterface
		pending map[string]string
		catalog *providers.Catalog
	)
	early := req.MayKnow()
	g, gctx := errgroup.WithContext(ctx)
	if early {
		g.Go(func() (err error) { nics, err = c.interfaces(gctx, nil); return err })
		g.Go(func() (err error) { pending, err = p.pendingPublicIPs(gctx, req.Fleet); return err })
	}
	g.Go(func() (err error) {
		if srvs, err = c.servers(gctx, filters(nil)); err != nil || early {
			return err
		}
		for _, s := range srvs {
			if _, o, ok := serverOwner(s); ok && o.Fleet == req.Fleet {
				nics, err = c.interfaces(gctx, nil)
				return err
			}
		}
		return nil
	})
	g.Go(func() (err error) { vols, err = c.volumes(gctx, filters(nil)); return err })
	g.Go(func() (err error) {
		if ims, err = c.images(gctx, filters(nil)); err != nil || !req.Catalog {
			return err
		}
		if catalog, err = p.catalog(gctx, ims); err != nil || !req.CatalogNames {
			return err
		}
		return c.catalogNames(gctx, catalog)
	})
	g.Go(func() (err error) { keys, err = c.loginKeys(gctx, filters(nil)); return err })
	if err := g.Wait(); err != nil {
		return out, err
	}
	known := map[addrs.Kind]map[string]bool{}
	for _, k := range req.KnownNow() {
		if known[k.Kind] == nil {
			known[k.Kind] = map[string]bool{}
		}
		known[k.Kind][k.ID] = true
	}
	// wanted: tagged for this fleet, or recorded in the state (fleet import
	// adopts untagged resources), with the owner as found; with Unowned also
	// every untagged one (fleet import --discover).
	wanted := func(kind addrs.Kind, id string, o providers.Owner, tagged bool) bool {
		return (tagged && o.Fleet == req.Fleet) || known[kind][id] || (req.Unowned && !tagged)
	}
	// Group volumes by server once: matching them per server would cost
	// servers × volumes, which dominated refreshing 10,000 servers
	// (BenchmarkPlan10000 in bench/).
	volsByServer := make(map[string][]blockStorageInstance, len(srvs))
	for _, v := range vols {
		volsByServer[v.ServerInstanceNo] = append(volsByServer[v.ServerInstanceNo], v)
	}
	// Room for every listed server: regrowing a slice of 10,000 servers
	// copied it over and over (a twentieth of a no-change plan's CPU).
	out.Servers = make([]providers.Server, 0, len(srvs))
	for _, s := range srvs {
		desc, o, ok := serverOwner(s)
		if !wanted(addrs.KindServer, s.ServerInstanceNo, o, ok) {
			continue
		}
		srv := toServer(s, o, desc, nicOf(s, nics), volsByServer[s.ServerInstanceNo])
		srv.Extra["interfaces"] = interfaceNos(s, nics)
		out.Servers = append(out.Servers, srv)
	}
	if len(out.Servers) == 0 {
		out.Servers = nil // as before: no servers is a nil list
	}
	if len(out.Servers) > 0 {
		if !early {
			var err error
			if pending, err = p.pendingPublicIPs(ctx, req.Fleet); err != nil {
				return out, err
			}
		}
		for i := range out.Servers {
			if s := &out.Servers[i]; s.PublicIP == "" {
				s.PublicIPPending = pending[s.Owner.Address]
			}
		}
	}
	for _, v := range vols {
		_, o, ok := parseTag(v.BlockStorageDescription)
		if v.BlockStorageType.Code != "BASIC" && wanted(addrs.KindVolume, v.BlockStorageInstanceNo, o, ok) {
			out.Volumes = append(out.Volumes, toVolume(v, o))
		}
	}
	for _, im := range ims {
		if _, o, ok := parseTag(im.MemberServerImageDescription); wanted(addrs.KindImage, im.MemberServerImageInstanceNo, o, ok) {
			out.Images = append(out.Images, toImage(im, o))
		}
	}
	for _, k := range keys {
		// Login keys carry no description: the fleet owns those its file
		// declares, which only the planner knows. Fleet stays empty.
		out.Keypairs = append(out.Keypairs, providers.Keypair{Name: k.KeyName, Owner: providers.Owner{Address: addrs.Keypair(k.KeyName).String()}, Fingerprint: k.Fingerprint})
	}
	out.Catalog = catalog
	sortInventory(&out)
	return out, nil
}

// interfaces maps network interface numbers to interfaces, from one paged
// list, all of them or those numbered in nos: the VPC server object has no
// private IP.
func (c *client) interfaces(ctx context.Context, nos []string) (map[string]*networkInterface, error) {
	list, err := c.nics(ctx, filters(func(f *form) { f.list("networkInterfaceNoList", nos) }))
	var ae *providers.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound && ae.Code == "300" {
		// A gateway that does not route the interface API (some simulators)
		// costs the private IPs and ACGs, not the whole inventory.
		c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "ncloud: getNetworkInterfaceList is not available; private IPs and ACGs are not reported")
		return map[string]*networkInterface{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := make(map[string]*networkInterface, len(list))
	for i := range list {
		m[list[i].NetworkInterfaceNo] = &list[i]
	}
	return m, nil
}

// interfaceNos lists a server's interface numbers in device order (eth0
// first), the form network.interfaces is compared in; an interface the
// list did not return keeps its place after the known ones.
func interfaceNos(s serverInstance, nics map[string]*networkInterface) string {
	nos := slices.Clone(s.NetworkInterfaceNoList)
	device := func(no string) string {
		if n := nics[no]; n != nil && n.DeviceName != "" {
			return n.DeviceName
		}
		return "~" // after eth*
	}
	slices.SortStableFunc(nos, func(a, b string) int { return strings.Compare(device(a), device(b)) })
	return strings.Join(nos, ",")
}

// nicOf returns a server's primary interface: the first one it lists, whose
// order is 0 (eth0).
func nicOf(s serverInstance, nics map[string]*networkInterface) *networkInterface {
	var found *networkInterface
	for _, no := range s.NetworkInterfaceNoList {
		n := nics[no]
		if n == nil {
			continue
		}
		if n.DeviceName == "eth0" {
			return n
		}
		if found == nil {
			found = n
		}
	}
	return found
}

// catalog lists what the cloud offers; members are the member images the
// inventory listed, which it reuses instead of listing them again.
func (p *Provider) catalog(ctx context.Context, members []memberServerImage) (*providers.Catalog, error) {
	var specs serverSpecList
	if err := p.c.call(ctx, "getServerSpecList", newForm(), &specs); err != nil {
		return nil, err
	}
	var zones zoneList
	if err := p.c.call(ctx, "getZoneList", newForm(), &zones); err != nil {
		return nil, err
	}
	cat := &providers.Catalog{}
	for _, s := range specs.ServerSpecList {
		cat.Types = append(cat.Types, typeInfo(s))
	}
	for _, z := range zones.ZoneList {
		cat.Zones = append(cat.Zones, cmp.Or(z.ZoneCode, z.ZoneName))
	}
	slices.SortFunc(cat.Types, func(a, b providers.TypeInfo) int { return cmp.Compare(a.Name, b.Name) })
	sort.Strings(cat.Zones)
	var err error
	if cat.Images, err = p.c.catalogImages(ctx, members); err != nil {
		return nil, err
	}
	if cat.Subnets, err = p.c.catalogSubnets(ctx); err != nil {
		return nil, err
	}
	return cat, nil
}

func sortInventory(inv *providers.InventoryResponse) {
	slices.SortFunc(inv.Servers, func(a, b providers.Server) int {
		return cmp.Or(cmp.Compare(a.Owner.Address, b.Owner.Address), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(inv.Volumes, func(a, b providers.Volume) int {
		return cmp.Or(cmp.Compare(a.Owner.Address, b.Owner.Address), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(inv.Images, func(a, b providers.Image) int {
		return cmp.Or(cmp.Compare(a.Owner.Address, b.Owner.Address), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(inv.Keypairs, func(a, b providers.Keypair) int { return cmp.Compare(a.Name, b.Name) })
}
