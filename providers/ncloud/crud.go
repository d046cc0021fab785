package ncloud

import (
	"context"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Create creates one resource tagged with req.Owner and returns once NCP
// has accepted it; Wait follows it to its target state.
func (p *Provider) Create(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
	var (
		id  string
		err error
	)
	switch {
	case req.Server != nil:
		id, err = p.createServer(ctx, req.Owner, req.Server)
	case req.Volume != nil:
		id, err = p.createVolume(ctx, req.Owner, req.Volume)
	case req.Image != nil:
		id, err = p.createImage(ctx, req.Owner, req.Image)
	case req.Keypair != nil:
		return p.createKeypair(ctx, req.Owner, req.Keypair)
	default:
		return providers.CreateResponse{}, fmt.Errorf("ncloud: %s: create names no resource", req.Owner.Address)
	}
	if err == nil {
		p.poller.tr.Built(id)
	}
	return providers.CreateResponse{ID: id}, err
}

// Update makes one in-place change. Changes already in effect make no
// mutating call. Resize and power changes wait for an operation in
// progress to end first, since NCP refuses control calls meanwhile.
func (p *Provider) Update(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
	var err error
	_, tag := req.Change.(providers.Tag)
	ipc, publicIP := req.Change.(providers.PublicIPChange)
	switch {
	case tag:
		// The owner tag lives in the description, which NCP sets at create
		// and offers no call to change.
		err = fmt.Errorf("ncloud: %s: NCP cannot change the description of an existing %s, where fleet's owner tag lives: %w", req.Address, req.Kind, providers.ErrUnsupported)
	case req.Kind == addrs.KindServer && publicIP:
		ip, err := p.publicIP(ctx, req.ID, req.Address, ipc)
		return providers.UpdateResponse{PublicIP: ip}, err
	case req.Kind == addrs.KindServer:
		err = p.updateServer(ctx, req)
	case req.Kind == addrs.KindVolume:
		err = p.updateVolume(ctx, req)
	default:
		err = fmt.Errorf("ncloud: %s: a %s cannot be updated in place: %w", req.Address, req.Kind, providers.ErrConflict)
	}
	return providers.UpdateResponse{}, err
}

// Delete deletes one resource; ErrNotFound when it does not exist.
func (p *Provider) Delete(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error) {
	var err error
	switch req.Kind {
	case addrs.KindServer:
		err = p.deleteServer(ctx, req.ID, req.Address)
	case addrs.KindVolume:
		err = p.deleteVolume(ctx, req.ID, req.Address)
	case addrs.KindImage:
		err = p.deleteImage(ctx, req.ID, req.Address)
	case addrs.KindKeypair:
		err = p.deleteKeypair(ctx, req.ID, req.Address)
	default:
		err = fmt.Errorf("ncloud: %s: unknown kind %q", req.Address, req.Kind)
	}
	return providers.DeleteResponse{}, err
}
