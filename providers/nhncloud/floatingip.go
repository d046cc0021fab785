package nhncloud

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/external"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"github.com/fleet-iac/fleet/providers"
)

// A server's public address on NHN is a floating IP from the Network API
// (Neutron v2.0): allocated from an external network, then associated with
// the server's port. Nova shows it in the server's addresses as type
// "floating". Floating IPs have no metadata, so fleet's owner tag goes in
// their description (providers.TagDescription): an address allocated by a
// run that stopped before associating it is found by its tag and adopted
// or released, never leaked.

// listFloatingIPs reads every floating IP of the tenant in one call.
func (p *Provider) listFloatingIPs(ctx context.Context, opts floatingips.ListOpts) ([]floatingips.FloatingIP, error) {
	page, err := floatingips.List(p.network, opts).AllPages(ctx)
	if err != nil {
		return nil, apiError("GET /v2.0/floatingips", "", err)
	}
	list, err := floatingips.ExtractFloatingIPs(page)
	return list, apiError("GET /v2.0/floatingips", "", err)
}

// pendingFloatingIPs maps server addresses to the owned floating IPs
// allocated for them and associated with nothing, for the inventory.
func (p *Provider) pendingFloatingIPs(ctx context.Context, fleet string) (map[string]string, error) {
	if p.network == nil {
		return nil, nil
	}
	list, err := p.listFloatingIPs(ctx, floatingips.ListOpts{})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range list {
		if _, o, ok := providers.ParseDescriptionTag(f.Description); ok && o.Fleet == fleet && f.PortID == "" {
			if cur, seen := out[o.Address]; !seen || f.ID < cur {
				out[o.Address] = f.ID
			}
		}
	}
	return out, nil
}

// publicIP turns a server's floating IP on or off and returns the address
// associated afterwards.
func (p *Provider) publicIP(ctx context.Context, id, addr string, ch providers.PublicIPChange) (string, error) {
	if p.network == nil {
		return "", fmt.Errorf("%s: nhncloud: the token's catalog lists no network endpoint, and floating IPs are the Network API's: %w", addr, providers.ErrConflict)
	}
	port, err := p.serverPort(ctx, id, addr)
	if err != nil {
		return "", err
	}
	all, err := p.listFloatingIPs(ctx, floatingips.ListOpts{})
	if err != nil {
		return "", err
	}
	var current *floatingips.FloatingIP
	var pending []floatingips.FloatingIP
	for i, f := range all {
		if f.PortID == port.ID {
			current = &all[i]
			continue
		}
		if _, o, ok := providers.ParseDescriptionTag(f.Description); ok && o == ch.Owner && f.PortID == "" {
			pending = append(pending, f)
		}
	}
	if !ch.On {
		if current != nil {
			if err := p.releaseFloatingIP(ctx, *current, ch.Owner, addr); err != nil {
				return "", err
			}
		}
		for _, f := range pending {
			if err := p.deleteFloatingIP(ctx, f.ID, addr); err != nil {
				return "", err
			}
		}
		return "", nil
	}
	if current != nil {
		return current.FloatingIP, nil
	}
	var fip floatingips.FloatingIP
	if len(pending) > 0 {
		fip = pending[0] // allocated by a run that stopped before associating it
	} else {
		netID, err := p.externalNetwork(ctx, ch.Network, addr)
		if err != nil {
			return "", err
		}
		created, err := floatingips.Create(ctx, p.network, floatingips.CreateOpts{
			FloatingNetworkID: netID, Description: providers.TagDescription("", ch.Owner)}).Extract()
		if err != nil {
			return "", apiError("POST /v2.0/floatingips", addr, err)
		}
		fip = *created
	}
	portID := port.ID
	updated, err := floatingips.Update(ctx, p.network, fip.ID, floatingips.UpdateOpts{PortID: &portID}).Extract()
	if err != nil {
		return "", apiError("PUT /v2.0/floatingips/{id}", addr, err)
	}
	return updated.FloatingIP, nil
}

// releaseFloatingIP takes a floating IP off the server: deleted when fleet
// allocated it (Neutron disassociates as it deletes), only disassociated
// when someone else did, so their address stays theirs.
func (p *Provider) releaseFloatingIP(ctx context.Context, f floatingips.FloatingIP, owner providers.Owner, addr string) error {
	if _, o, ok := providers.ParseDescriptionTag(f.Description); ok && o.Fleet == owner.Fleet {
		return p.deleteFloatingIP(ctx, f.ID, addr)
	}
	none := ""
	_, err := floatingips.Update(ctx, p.network, f.ID, floatingips.UpdateOpts{PortID: &none}).Extract()
	return apiError("PUT /v2.0/floatingips/{id}", addr, err)
}

func (p *Provider) deleteFloatingIP(ctx context.Context, id, addr string) error {
	err := floatingips.Delete(ctx, p.network, id).ExtractErr()
	if err != nil && isStatus(err, http.StatusNotFound) {
		return nil // released already
	}
	return apiError("DELETE /v2.0/floatingips/{id}", addr, err)
}

// releaseServerAddresses deletes the floating IPs fleet allocated for a
// server that is being deleted: deleting the server would leave them
// allocated (and billed), disassociated. Those on another server are left
// alone, though tagged for the same address: the replacement of a server
// being replaced holds its own.
func (p *Provider) releaseServerAddresses(ctx context.Context, s wireServer, addr string) error {
	if p.network == nil {
		return nil
	}
	owner, ok := serverOwner(s.Name, s.Metadata)
	if !ok {
		return nil
	}
	list, err := p.listFloatingIPs(ctx, floatingips.ListOpts{})
	if err != nil {
		return err
	}
	holds := map[string]bool{}
	for _, as := range s.Addresses {
		for _, a := range as {
			if a.Type == "floating" {
				holds[a.Addr] = true
			}
		}
	}
	for _, f := range list {
		_, o, tagged := providers.ParseDescriptionTag(f.Description)
		mine := tagged && o.Fleet == owner.Fleet
		// Its own address, or one left pending for its address.
		if (holds[f.FloatingIP] && mine) || (f.PortID == "" && mine && o.Address == owner.Address) {
			if err := p.deleteFloatingIP(ctx, f.ID, addr); err != nil {
				return err
			}
		}
	}
	return nil
}

// serverPort returns the server's first port (its primary interface).
func (p *Provider) serverPort(ctx context.Context, id, addr string) (ports.Port, error) {
	page, err := ports.List(p.network, ports.ListOpts{DeviceID: id}).AllPages(ctx)
	if err != nil {
		return ports.Port{}, apiError("GET /v2.0/ports", addr, err)
	}
	list, err := ports.ExtractPorts(page)
	if err != nil {
		return ports.Port{}, apiError("GET /v2.0/ports", addr, err)
	}
	if len(list) == 0 {
		return ports.Port{}, fmt.Errorf("%s: nhncloud: server %s has no port to give a floating IP: %w", addr, id, providers.ErrConflict)
	}
	return list[0], nil
}

// externalNetwork finds the network floating IPs come from: the one named
// (by name or id), else the only external network there is.
func (p *Provider) externalNetwork(ctx context.Context, named, addr string) (string, error) {
	yes := true
	page, err := networks.List(p.network, external.ListOptsExt{ListOptsBuilder: networks.ListOpts{}, External: &yes}).AllPages(ctx)
	if err != nil {
		return "", apiError("GET /v2.0/networks", addr, err)
	}
	list, err := networks.ExtractNetworks(page)
	if err != nil {
		return "", apiError("GET /v2.0/networks", addr, err)
	}
	var names []string
	for _, n := range list {
		if named != "" && (n.Name == named || n.ID == named) {
			return n.ID, nil
		}
		names = append(names, n.Name)
	}
	slices.Sort(names)
	switch {
	case named != "":
		return "", fmt.Errorf("%s: nhncloud: public_network %q is not an external network; the project has: %s: %w", addr, named, orNoneList(names), providers.ErrConflict)
	case len(list) == 1:
		return list[0].ID, nil
	case len(list) == 0:
		return "", fmt.Errorf("%s: nhncloud: the project has no external network to allocate a floating IP from: %w", addr, providers.ErrConflict)
	}
	return "", fmt.Errorf("%s: nhncloud: several external networks (%s): set public_network to one of them: %w", addr, strings.Join(names, ", "), providers.ErrConflict)
}

func orNoneList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
