package nhncloud

import (
	"context"
	"fmt"
	"maps"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v2/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// tag puts fleet's owner tag on a server or volume another tool made (fleet
// import). It reads first: a resource already carrying exactly this tag
// costs no write, so a re-run after an interrupted import tags nothing twice.
// A resource another fleet owns is refused, never re-tagged.
func (p *Provider) tag(ctx context.Context, kind addrs.Kind, id, address string, o providers.Owner) error {
	var md map[string]string
	switch kind {
	case addrs.KindServer:
		s, err := p.getServer(ctx, id, address)
		if err != nil {
			return err
		}
		md = s.Metadata
	case addrs.KindVolume:
		v, err := p.getVolume(ctx, id, address)
		if err != nil {
			return err
		}
		md = v.Metadata
	default:
		return fmt.Errorf("%s: nhncloud: a %s carries no owner tag: %w", address, kind, providers.ErrUnsupported)
	}
	if cur, ok := ownerOf(md); ok && cur.Fleet != o.Fleet {
		return fmt.Errorf("%s: nhncloud: %s %s belongs to fleet %q: %w", address, kind, id, cur.Fleet, providers.ErrConflict)
	}
	want := ownerTags(o)
	if got := map[string]string{metaFleet: md[metaFleet], metaAddress: md[metaAddress]}; maps.Equal(got, want) {
		return nil
	}
	if kind == addrs.KindServer {
		// POST merges: the user's and NHN's pre-filled keys stay.
		if _, err := servers.UpdateMetadata(ctx, p.compute, id, servers.MetadataOpts(want)).Extract(); err != nil {
			return apiError("POST /servers/{id}/metadata", address, err)
		}
		return nil
	}
	// Cinder's volume update replaces the metadata: send all of it.
	next := maps.Clone(md)
	if next == nil {
		next = map[string]string{}
	}
	maps.Copy(next, want)
	if _, err := volumes.Update(ctx, p.volume, id, volumes.UpdateOpts{Metadata: next}).Extract(); err != nil {
		return apiError("PUT /volumes/{id}", address, err)
	}
	return nil
}
