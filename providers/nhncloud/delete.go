package nhncloud

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Delete deletes one resource. DELETE is idempotent, so gophercloud's
// retries apply; a resource already gone is an error wrapping ErrNotFound.
// A server is read first: one carrying fleet's protect tag (or NHN's own
// flag) is refused with ErrConflict. Deletion is asynchronous: Wait with
// TargetGone follows it.
func (p *Provider) Delete(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error) {
	var err error
	var op string
	switch req.Kind {
	case addrs.KindServer:
		s, gerr := p.getServer(ctx, req.ID, req.Address)
		if gerr != nil {
			return providers.DeleteResponse{}, gerr
		}
		if s.protected() {
			return providers.DeleteResponse{}, fmt.Errorf("%s: nhncloud: server %s is protected: turn protect off first: %w", req.Address, req.ID, providers.ErrConflict)
		}
		if err := p.releaseServerAddresses(ctx, s, req.Address); err != nil {
			return providers.DeleteResponse{}, err
		}
		op, err = "DELETE /servers/{id}", servers.Delete(ctx, p.compute, req.ID).ExtractErr()
	case addrs.KindVolume:
		op, err = "DELETE /volumes/{id}", volumes.Delete(ctx, p.volume, req.ID, nil).ExtractErr()
	case addrs.KindImage:
		op, err = "DELETE /v2/images/{id}", images.Delete(ctx, p.image, req.ID).ExtractErr()
	case addrs.KindKeypair:
		op, err = "DELETE /os-keypairs/{name}", keypairs.Delete(ctx, p.compute, req.ID, nil).ExtractErr()
	default:
		return providers.DeleteResponse{}, fmt.Errorf("%s: nhncloud: cannot delete a %q", req.Address, req.Kind)
	}
	return providers.DeleteResponse{}, apiError(op, req.Address, err)
}
