package nhncloud

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/fleet-iac/fleet/providers"
)

// metaSource names the server an image was made from, on images made from
// a root volume: Nova's createImage records instance_uuid itself, Cinder's
// upload does not.
const metaSource = "fleet-source-server"

// createImage makes an image of a server. NHN allows createImage only for
// U2 (local disk) flavors; every other server boots from a volume, whose
// image is made with Cinder's os-volume_upload_image and then tagged with
// a Glance PATCH, since that action takes no metadata.
func (p *Provider) createImage(ctx context.Context, owner providers.Owner, ic *providers.ImageCreate) (providers.CreateResponse, error) {
	s, err := p.getServer(ctx, ic.ServerID, owner.Address)
	if err != nil {
		return providers.CreateResponse{}, err
	}
	if err := p.ensureFlavors(ctx); err != nil {
		return providers.CreateResponse{}, err
	}
	if family(p.flavorName(s.Flavor.ID)) == "u2" {
		return p.snapshotServer(ctx, owner, ic)
	}
	return p.uploadRootVolume(ctx, owner, ic)
}

// snapshotServer sends createImage with the owner tags as image metadata
// and reads the new image's id from the Location header: the legacy /v2
// compute endpoint sends no microversion header, on which gophercloud's
// ExtractImageID fails (nhn.md §0.4).
func (p *Provider) snapshotServer(ctx context.Context, owner providers.Owner, ic *providers.ImageCreate) (providers.CreateResponse, error) {
	opts := servers.CreateImageOpts{Name: ic.Name, Metadata: ownerTags(owner)}
	id, err := p.createOnce(ctx, "POST /servers/{id}/action createImage", owner.Address,
		func() (string, error) {
			r := servers.CreateImage(ctx, p.compute, ic.ServerID, opts)
			if r.Err != nil {
				return "", r.Err
			}
			return imageIDFromLocation(r.Header.Get("Location"))
		},
		func() (string, error) { return p.findImage(ctx, ic.Name, owner) })
	return providers.CreateResponse{ID: id}, err
}

// uploadRootVolume uploads the server's root volume to Glance (forced: the
// volume is in use) and tags the new image. The upload is not repeated
// after an ambiguous failure: its image would carry no tag to find it by.
func (p *Provider) uploadRootVolume(ctx context.Context, owner providers.Owner, ic *providers.ImageCreate) (providers.CreateResponse, error) {
	root, err := p.rootVolume(ctx, ic.ServerID, owner.Address)
	if err != nil {
		return providers.CreateResponse{}, err
	}
	r := volumes.UploadImage(ctx, p.volume, root, volumes.UploadImageOpts{
		ImageName: ic.Name, Force: true, DiskFormat: "qcow2", ContainerFormat: "bare", Visibility: "private",
	})
	var up struct {
		ImageID string `json:"image_id"`
	}
	if r.Err == nil {
		r.Err = r.ExtractIntoStructPtr(&up, "os-volume_upload_image")
	}
	if r.Err != nil {
		return providers.CreateResponse{}, apiError("POST /volumes/{id}/action os-volume_upload_image", owner.Address, r.Err)
	}
	if up.ImageID == "" {
		return providers.CreateResponse{}, fmt.Errorf("%s: nhncloud: os-volume_upload_image answered without an image id", owner.Address)
	}
	tags := ownerTags(owner)
	tags[metaSource] = ic.ServerID
	var patch images.UpdateOpts
	for _, k := range []string{metaFleet, metaAddress, metaSource} {
		patch = append(patch, images.UpdateImageProperty{Op: images.AddOp, Name: k, Value: tags[k]})
	}
	if _, err := images.Update(ctx, p.image, up.ImageID, patch).Extract(); err != nil {
		return providers.CreateResponse{ID: up.ImageID}, apiError("PATCH /v2/images/{id}", owner.Address, err)
	}
	return providers.CreateResponse{ID: up.ImageID}, nil
}

// rootVolume finds the volume attached as the server's boot disk.
func (p *Provider) rootVolume(ctx context.Context, serverID, address string) (string, error) {
	var root string
	err := volumeattach.List(p.compute, serverID).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		list, err := volumeattach.ExtractVolumeAttachments(page)
		if err != nil {
			return false, err
		}
		for _, a := range list {
			if rootDevice(a.Device) {
				root = a.VolumeID
			}
		}
		return true, nil
	})
	if err != nil {
		return "", apiError("GET /servers/{id}/os-volume_attachments", address, err)
	}
	if root == "" {
		return "", fmt.Errorf("%s: nhncloud: server %s has no root volume to make an image of", address, serverID)
	}
	return root, nil
}

func (p *Provider) findImage(ctx context.Context, name string, owner providers.Owner) (string, error) {
	ims, err := p.listImages(ctx)
	if err != nil {
		return "", err
	}
	for _, im := range ims {
		if o, ok := ownerOf(imageProps(im)); ok && o == owner && im.Name == name {
			return im.ID, nil
		}
	}
	return "", nil
}

// imageIDFromLocation takes the last path segment of .../images/{id}.
func imageIDFromLocation(loc string) (string, error) {
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return "", fmt.Errorf("createImage answered without a usable Location header (%q)", loc)
	}
	id := path.Base(strings.TrimSuffix(u.Path, "/"))
	if id == "" || id == "." || id == "/" {
		return "", fmt.Errorf("createImage Location %q names no image", loc)
	}
	return id, nil
}
