package nhncloud

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/secgroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// Update makes one in-place change. Each change first reads the resource,
// so a change already in effect costs no mutating call.
func (p *Provider) Update(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
	var err error
	switch c := req.Change.(type) {
	case providers.Resize:
		err = p.resize(ctx, req.ID, req.Address, c.Type)
	case providers.PowerChange:
		err = p.power(ctx, req.ID, req.Address, c.To)
	case providers.Reboot:
		err = p.reboot(ctx, req.ID, req.Address, c.Hard)
	case providers.Rename:
		err = p.rename(ctx, req.ID, req.Address, c)
	case providers.Protect:
		err = p.protect(ctx, req.ID, req.Address, c.On)
	case providers.SecurityGroups:
		err = p.securityGroups(ctx, req.ID, req.Address, c.Names)
	case providers.Metadata:
		err = p.metadata(ctx, req.ID, req.Address, c.Values)
	case providers.Attach:
		err = p.attach(ctx, req.Address, providers.Attachment(c))
	case providers.Detach:
		err = p.detach(ctx, req.Address, providers.Attachment(c))
	case providers.ExtendVolume:
		err = p.extend(ctx, req.ID, req.Address, c.Size)
	case providers.Tag:
		err = p.tag(ctx, req.Kind, req.ID, req.Address, c.Owner)
	case providers.PublicIPChange:
		ip, err := p.publicIP(ctx, req.ID, req.Address, c)
		return providers.UpdateResponse{PublicIP: ip}, err
	default:
		err = fmt.Errorf("%s: nhncloud: update request names no change", req.Address)
	}
	return providers.UpdateResponse{}, err
}

func (p *Provider) getServer(ctx context.Context, id, address string) (wireServer, error) {
	var s wireServer // ExtractInto unwraps {"server": ...} itself
	if err := servers.Get(ctx, p.compute, id).ExtractInto(&s); err != nil {
		return wireServer{}, apiError("GET /servers/{id}", address, err)
	}
	return s, nil
}

// act is settle for a server action: took decides from the server as
// read back whether the action is under way.
func (p *Provider) act(ctx context.Context, id, address, op string, send func() error, took func(wireServer) bool) error {
	return p.settle(ctx, op, address, send, func() (bool, error) {
		s, err := p.getServer(ctx, id, address)
		return err == nil && took(s), err
	})
}

// resize changes the flavor. Completion (and confirmResize when the cloud
// stops in VERIFY_RESIZE) is Wait's business.
func (p *Provider) resize(ctx context.Context, id, address, flavorName string) error {
	fid, err := p.flavorID(ctx, flavorName, address)
	if err != nil {
		return err
	}
	s, err := p.getServer(ctx, id, address)
	if err != nil {
		return err
	}
	if s.Flavor.ID == fid {
		return nil
	}
	return p.act(ctx, id, address, "POST /servers/{id}/action resize",
		func() error {
			return servers.Resize(ctx, p.compute, id, servers.ResizeOpts{FlavorRef: fid}).ExtractErr()
		},
		func(s wireServer) bool {
			return s.Flavor.ID == fid || s.Status == "RESIZE" || s.Status == "VERIFY_RESIZE" || strings.HasPrefix(s.task(), "resize")
		})
}

// powerAction is the server action that moves a server to a power state.
type powerAction struct {
	name   string   // the action key, for errors
	tasks  []string // task_state prefixes while it runs
	status string   // status when it is done
	send   func(ctx context.Context, c *gophercloud.ServiceClient, id string) error
}

var (
	startAction = powerAction{"os-start", []string{"powering-on"}, "ACTIVE", func(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
		return servers.Start(ctx, c, id).ExtractErr()
	}}
	unshelveAction = powerAction{"unshelve", []string{"unshelving", "spawning"}, "ACTIVE", func(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
		return servers.Unshelve(ctx, c, id, servers.UnshelveOpts{}).ExtractErr()
	}}
	stopAction = powerAction{"os-stop", []string{"powering-off"}, "SHUTOFF", func(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
		return servers.Stop(ctx, c, id).ExtractErr()
	}}
	shelveAction = powerAction{"shelve", []string{"shelving"}, "SHELVED_OFFLOADED", func(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
		return servers.Shelve(ctx, c, id).ExtractErr()
	}}
)

// running reports whether the action is under way or done on s.
func (a powerAction) running(s wireServer) bool {
	for _, t := range a.tasks {
		if strings.HasPrefix(s.task(), t) {
			return true
		}
	}
	return s.Status == a.status && s.task() == ""
}

// power moves a server to running, stopped or shelved (NHN's "terminate",
// which releases the hypervisor and stops compute billing). A server
// already there, or on its way, needs no call.
func (p *Provider) power(ctx context.Context, id, address string, to spec.Power) error {
	s, err := p.getServer(ctx, id, address)
	if err != nil {
		return err
	}
	var a powerAction
	switch to {
	case spec.PowerRunning:
		a = startAction
		if strings.HasPrefix(s.Status, "SHELVED") {
			a = unshelveAction
		}
	case spec.PowerStopped:
		a = stopAction
	case spec.PowerShelved:
		a = shelveAction
	default:
		return fmt.Errorf("%s: nhncloud: unknown power state %q", address, to)
	}
	if a.running(s) {
		return nil
	}
	return p.act(ctx, id, address, "POST /servers/{id}/action "+a.name,
		func() error { return a.send(ctx, p.compute, id) }, a.running)
}

// reboot restarts an ACTIVE server, SOFT (the OS restarts itself) or
// HARD (a power cycle). After an ambiguous failure a reboot under way
// counts as sent.
func (p *Provider) reboot(ctx context.Context, id, address string, hard bool) error {
	s, err := p.getServer(ctx, id, address)
	if err != nil {
		return err
	}
	if s.Status != "ACTIVE" || s.task() != "" {
		return fmt.Errorf("%s: nhncloud: server %s is %s: only a running server can be rebooted: %w", address, id, s.Status, providers.ErrConflict)
	}
	kind := servers.SoftReboot
	if hard {
		kind = servers.HardReboot
	}
	return p.act(ctx, id, address, "POST /servers/{id}/action reboot",
		func() error { return servers.Reboot(ctx, p.compute, id, servers.RebootOpts{Type: kind}).ExtractErr() },
		func(s wireServer) bool { return strings.HasPrefix(s.task(), "reboot") })
}

// rename sets the name (PUT, idempotent) and moves the owner address in
// the metadata with it, so the tag keeps matching the state. With NameOnly
// (a batch member taking its declared name) the group tag stays: it reads
// the same address from the new name. A member renamed otherwise (moved)
// leaves its group for a tag of its own.
func (p *Provider) rename(ctx context.Context, id, address string, r providers.Rename) error {
	if _, err := servers.Update(ctx, p.compute, id, servers.UpdateOpts{Name: r.Name}).Extract(); err != nil {
		return apiError("PUT /servers/{id}", address, err)
	}
	if r.NameOnly {
		return nil
	}
	md := servers.MetadatumOpts{metaAddress: r.Owner.Address}
	if _, err := servers.CreateMetadatum(ctx, p.compute, id, md).Extract(); err != nil {
		return apiError("PUT /servers/{id}/metadata/{key}", r.Owner.Address, err)
	}
	return nil
}

// protect sets or clears fleet's protection tag (see metaProtect).
func (p *Provider) protect(ctx context.Context, id, address string, on bool) error {
	if on {
		_, err := servers.CreateMetadatum(ctx, p.compute, id, servers.MetadatumOpts{metaProtect: "true"}).Extract()
		return apiError("PUT /servers/{id}/metadata/{key}", address, err)
	}
	err := servers.DeleteMetadatum(ctx, p.compute, id, metaProtect).ExtractErr()
	if err != nil && isStatus(err, http.StatusNotFound) {
		return nil // the server exists (or the next call says otherwise) and carries no tag
	}
	return apiError("DELETE /servers/{id}/metadata/{key}", address, err)
}

// securityGroups applies the difference between the server's groups and
// want with add/removeSecurityGroup, in place, adds first.
func (p *Provider) securityGroups(ctx context.Context, id, address string, want []string) error {
	s, err := p.getServer(ctx, id, address)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, g := range s.SecurityGroups {
		have[g.Name] = true
	}
	wanted := map[string]bool{}
	for _, g := range want {
		wanted[g] = true
	}
	hasGroup := func(name string) func(wireServer) bool {
		return func(s wireServer) bool {
			for _, g := range s.SecurityGroups {
				if g.Name == name {
					return true
				}
			}
			return false
		}
	}
	for _, g := range slices.Sorted(maps.Keys(wanted)) {
		if have[g] {
			continue
		}
		if err := p.act(ctx, id, address, "POST /servers/{id}/action addSecurityGroup",
			func() error { return secgroups.AddServer(ctx, p.compute, id, g).ExtractErr() }, hasGroup(g)); err != nil {
			return err
		}
	}
	for _, g := range slices.Sorted(maps.Keys(have)) {
		if wanted[g] {
			continue
		}
		has := hasGroup(g)
		if err := p.act(ctx, id, address, "POST /servers/{id}/action removeSecurityGroup",
			func() error { return secgroups.RemoveServer(ctx, p.compute, id, g).ExtractErr() },
			func(s wireServer) bool { return !has(s) }); err != nil {
			return err
		}
	}
	return nil
}

// metadata replaces the user's keys with want in one idempotent PUT,
// keeping fleet's tags and NHN's pre-filled keys as they are.
func (p *Provider) metadata(ctx context.Context, id, address string, want map[string]string) error {
	s, err := p.getServer(ctx, id, address)
	if err != nil {
		return err
	}
	next := servers.MetadataOpts{}
	for k, v := range s.Metadata {
		if fleetKey(k) || prefilled[k] {
			next[k] = v
		}
	}
	for k, v := range want {
		if fleetKey(k) || prefilled[k] {
			return fmt.Errorf("%s: nhncloud: metadata key %q is reserved", address, k)
		}
		next[k] = v
	}
	if maps.Equal(map[string]string(next), s.Metadata) {
		return nil
	}
	if _, err := servers.ResetMetadata(ctx, p.compute, id, next).Extract(); err != nil {
		return apiError("PUT /servers/{id}/metadata", address, err)
	}
	return nil
}
