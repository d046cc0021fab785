package nhncloud

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

func (p *Provider) getVolume(ctx context.Context, id, address string) (wireVolume, error) {
	var v wireVolume // ExtractInto unwraps {"volume": ...} itself
	if err := volumes.Get(ctx, p.volume, id).ExtractInto(&v); err != nil {
		return wireVolume{}, apiError("GET /volumes/{id}", address, err)
	}
	return v, nil
}

// volumeAct is settle for a volume call: took decides from the volume as
// read back whether the call took effect.
func (p *Provider) volumeAct(ctx context.Context, id, address, op string, send func() error, took func(wireVolume) bool) error {
	return p.settle(ctx, op, address, send, func() (bool, error) {
		v, err := p.getVolume(ctx, id, address)
		return err == nil && took(v), err
	})
}

// attach attaches a volume through Nova (os-volume_attachments). Attaching
// it to the server it is already on, or is being attached to, is a no-op.
func (p *Provider) attach(ctx context.Context, address string, a providers.Attachment) error {
	v, err := p.getVolume(ctx, a.VolumeID, address)
	if err != nil {
		return err
	}
	if on := v.serverID(); on == a.ServerID {
		return nil
	} else if on != "" {
		return &providers.APIError{Provider: providerName, Operation: "POST /servers/{id}/os-volume_attachments",
			Status: http.StatusConflict, Message: fmt.Sprintf("volume %s is attached to server %s", a.VolumeID, on),
			Address: address, Err: providers.ErrConflict}
	}
	return p.volumeAct(ctx, a.VolumeID, address, "POST /servers/{id}/os-volume_attachments",
		func() error {
			_, err := volumeattach.Create(ctx, p.compute, a.ServerID, volumeattach.CreateOpts{VolumeID: a.VolumeID}).Extract()
			return err
		},
		func(v wireVolume) bool {
			return v.serverID() == a.ServerID || v.Status == "attaching" || v.Status == "reserved"
		})
}

// detach detaches a volume; one that is not attached to that server is
// already detached.
func (p *Provider) detach(ctx context.Context, address string, a providers.Attachment) error {
	v, err := p.getVolume(ctx, a.VolumeID, address)
	if err != nil {
		return err
	}
	// Cinder detaches only in-use volumes: one still attaching (a run that
	// died right after the attach call) is waited for first, one already
	// detaching needs no second call.
	for v.Status == "attaching" || v.Status == "reserved" {
		if err := backoff.Sleep(ctx, p.cfg.PollInterval); err != nil {
			return err
		}
		if v, err = p.getVolume(ctx, a.VolumeID, address); err != nil {
			return err
		}
	}
	if v.Status == "detaching" {
		return nil
	}
	attached := false
	for _, at := range v.Attachments {
		attached = attached || at.ServerID == a.ServerID
	}
	if !attached {
		return nil
	}
	err = volumeattach.Delete(ctx, p.compute, a.ServerID, a.VolumeID).ExtractErr()
	if err != nil && isStatus(err, http.StatusNotFound) {
		return nil // detached meanwhile
	}
	return apiError("DELETE /servers/{id}/os-volume_attachments/{volumeId}", address, err)
}

// extend grows a volume with Cinder's os-extend; the cloud refuses to
// shrink, and so does fleet, before calling.
func (p *Provider) extend(ctx context.Context, id, address string, size int) error {
	v, err := p.getVolume(ctx, id, address)
	if err != nil {
		return err
	}
	switch {
	case v.Size == size:
		return nil
	case v.Size > size:
		return fmt.Errorf("%s: nhncloud: volume is %d GB: it can grow, not shrink to %d GB: %w", address, v.Size, size, providers.ErrConflict)
	}
	return p.volumeAct(ctx, id, address, "POST /volumes/{id}/action os-extend",
		func() error {
			return volumes.ExtendSize(ctx, p.volume, id, volumes.ExtendSizeOpts{NewSize: size}).ExtractErr()
		},
		func(v wireVolume) bool { return v.Size == size || v.Status == "extending" })
}
