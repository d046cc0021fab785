package nhncloud

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/providers"
)

// Create creates one server, volume, image or keypair.
func (p *Provider) Create(ctx context.Context, req providers.CreateRequest) (resp providers.CreateResponse, err error) {
	defer func() {
		if err == nil && req.Keypair == nil {
			p.transitions.Built(resp.ID)
		}
	}()
	switch {
	case req.Server != nil:
		return p.createServer(ctx, req.Owner, req.Server)
	case req.Volume != nil:
		return p.createVolume(ctx, req.Owner, req.Volume)
	case req.Image != nil:
		return p.createImage(ctx, req.Owner, req.Image)
	case req.Keypair != nil:
		return p.createKeypair(ctx, req.Owner, req.Keypair)
	}
	return providers.CreateResponse{}, fmt.Errorf("nhncloud: create request for %s names no resource", req.Owner.Address)
}

// createOnce sends a create that is not safe to repeat blindly; after an
// ambiguous failure find looks for the resource by its owner tag, so a
// create that succeeded behind a 503 or a timeout is adopted instead of
// duplicated (nhn.md §5.6, garm #79).
func (p *Provider) createOnce(ctx context.Context, op, address string, send func() (string, error), find func() (string, error)) (string, error) {
	var id string
	err := p.settle(ctx, op, address,
		func() (err error) { id, err = send(); return err },
		func() (bool, error) {
			found, err := find()
			if found != "" {
				p.cfg.Logger.Debug("nhncloud adopted after failed create", "address", address, "id", found)
				id = found
			}
			return found != "", err
		})
	return id, err
}

func (p *Provider) createServer(ctx context.Context, owner providers.Owner, sc *providers.ServerCreate) (providers.CreateResponse, error) {
	s := sc.Spec
	if s == nil {
		return providers.CreateResponse{}, fmt.Errorf("%s: nhncloud: server create without a spec", owner.Address)
	}
	opts, err := p.serverOpts(ctx, s, owner, sc.ImageID)
	if err != nil {
		return providers.CreateResponse{}, err
	}
	id, err := p.createOnce(ctx, "POST /servers", owner.Address,
		func() (string, error) {
			srv, err := servers.Create(ctx, p.compute, opts, nil).Extract()
			if err != nil {
				return "", err
			}
			return srv.ID, nil
		},
		func() (string, error) { return p.findServer(ctx, s.Name, owner) })
	return providers.CreateResponse{ID: id}, err
}

// serverOpts resolves s's flavor and image and builds its create body,
// tagged with owner. imageID is the cloud id of a declared image/NAME.
func (p *Provider) serverOpts(ctx context.Context, s *providers.ServerSpec, owner providers.Owner, imageID string) (serverCreateOpts, error) {
	flavorID, err := p.flavorID(ctx, s.Type, owner.Address)
	if err != nil {
		return serverCreateOpts{}, err
	}
	image := s.Image
	if _, declared := s.DeclaredImage(); declared {
		if imageID == "" {
			return serverCreateOpts{}, fmt.Errorf("%s: nhncloud: %s has no cloud id yet", owner.Address, s.Image)
		}
		image = imageID
	}
	opts, err := createOpts(s, owner, flavorID, image)
	if err != nil {
		return serverCreateOpts{}, fmt.Errorf("%s: nhncloud: %w", owner.Address, err)
	}
	return opts, nil
}

// findServer looks for a server carrying owner's tag under name. Nova's
// name filter is a regular expression, hence the anchors and quoting.
func (p *Provider) findServer(ctx context.Context, name string, owner providers.Owner) (string, error) {
	list, err := p.listServers(ctx, servers.ListOpts{Name: "^" + regexp.QuoteMeta(name) + "$", Limit: pageSize})
	if err != nil {
		return "", err
	}
	for _, s := range list {
		if o, ok := serverOwner(s.Name, s.Metadata); ok && o == owner {
			return s.ID, nil
		}
	}
	return "", nil
}

// createVolume creates a Cinder volume in the zone of the server it is
// for: NHN attaches volumes only within one availability zone.
func (p *Provider) createVolume(ctx context.Context, owner providers.Owner, vc *providers.VolumeCreate) (providers.CreateResponse, error) {
	zone := vc.Zone
	if zone == "" && vc.ServerID != "" {
		s, err := p.getServer(ctx, vc.ServerID, owner.Address)
		if err != nil {
			return providers.CreateResponse{}, err
		}
		zone = s.Zone
	}
	opts := volumes.CreateOpts{
		Name: vc.Name, Size: vc.Size, VolumeType: vc.Type, AvailabilityZone: zone, Metadata: ownerTags(owner),
	}
	id, err := p.createOnce(ctx, "POST /volumes", owner.Address,
		func() (string, error) {
			v, err := volumes.Create(ctx, p.volume, opts, nil).Extract()
			if err != nil {
				return "", err
			}
			return v.ID, nil
		},
		func() (string, error) {
			vols, err := p.listVolumes(ctx)
			if err != nil {
				return "", err
			}
			for _, v := range vols {
				if o, ok := ownerOf(v.Metadata); ok && o == owner && v.Name == vc.Name {
					return v.ID, nil
				}
			}
			return "", nil
		})
	return providers.CreateResponse{ID: id}, err
}

// createKeypair imports a public key, or has Nova generate one and returns
// its private key once. Keypairs carry no metadata, so owner is not stored.
func (p *Provider) createKeypair(ctx context.Context, owner providers.Owner, kc *providers.KeypairCreate) (providers.CreateResponse, error) {
	if kc.PublicKey != "" {
		// An import is repeatable: the same name and key mean it took, so
		// after an ambiguous failure it is looked up, and sent again only
		// when it is not there.
		err := p.settle(ctx, "POST /os-keypairs", owner.Address, func() error {
			_, err := keypairs.Create(ctx, p.compute, keypairs.CreateOpts{Name: kc.Name, PublicKey: kc.PublicKey}).Extract()
			return err
		}, func() (bool, error) {
			got, gerr := keypairs.Get(ctx, p.compute, kc.Name, nil).Extract()
			return gerr == nil && strings.TrimSpace(got.PublicKey) == strings.TrimSpace(kc.PublicKey), nil
		})
		if err != nil {
			return providers.CreateResponse{}, err
		}
		return providers.CreateResponse{ID: kc.Name}, nil
	}
	// A generated key cannot be repeated: its private half comes only in
	// the answer to the call that made it.
	kp, err := keypairs.Create(ctx, p.compute, keypairs.CreateOpts{Name: kc.Name}).Extract()
	if err != nil {
		return providers.CreateResponse{}, apiError("POST /os-keypairs", owner.Address, err)
	}
	return providers.CreateResponse{ID: kp.Name, PrivateKey: kp.PrivateKey}, nil
}
