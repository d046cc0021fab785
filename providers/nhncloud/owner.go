package nhncloud

import (
	"github.com/fleet-iac/fleet/providers"
)

// Owner tags live in server, volume and image metadata: they survive
// renames (the address is updated with the name), are returned by every
// list call, and are invisible to the OS. Nova keypairs have no metadata,
// so keypairs are never tagged: fleet owns only those its state records as
// created by it (planner/existing.go).
const (
	metaFleet   = "fleet"         // the fleet name
	metaAddress = "fleet-address" // the resource's fleet address, e.g. server/web-1, or a batch's group tag server/web-[11-20]
	metaProtect = "fleet-protect" // "true": fleet refuses to delete the server
)

// NHN's API has no call to set its deletion protection flag
// (NHN-EXT-ATTR:protect is read-only there), so fleet keeps its own in
// server metadata and Delete refuses a server carrying either.

// fleetKey reports keys fleet owns in metadata. A server booted from an
// image fleet made inherits the image's metaSource (NHN pre-fills image
// properties): it is fleet's too, never the user's metadata to remove.
func fleetKey(k string) bool {
	return k == metaFleet || k == metaAddress || k == metaProtect || k == metaSource
}

// prefilled are the image-derived keys NHN writes into server metadata
// itself (nhn.md §2.2). They are neither fleet's nor the user's, so they
// are never reported as user metadata nor removed by a metadata update.
var prefilled = map[string]bool{
	"os_distro": true, "os_version": true, "os_type": true, "os_architecture": true,
	"image_name": true, "login_username": true, "description": true, "volume_size": true,
	"project_domain": true, "hypervisor_type": true, "monitoring_agent": true, "tc_env": true,
}

// ownerTags returns the metadata that marks a resource as fleet's.
func ownerTags(o providers.Owner) map[string]string {
	return map[string]string{metaFleet: o.Fleet, metaAddress: o.Address}
}

// ownerOf reads the owner tag; ok is false when the resource is not tagged
// by fleet at all.
func ownerOf(md map[string]string) (providers.Owner, bool) {
	f, ok := md[metaFleet]
	if !ok || f == "" {
		return providers.Owner{}, false
	}
	return providers.Owner{Fleet: f, Address: md[metaAddress]}, true
}

// serverOwner reads a server's owner tag. A batch's members share a group
// tag (providers.GroupTag), from which each member's address is read back
// through its name: NHN numbers every batch from 1, so a raw name is read
// relative to the batch's first member (providers.MemberAddress).
func serverOwner(name string, md map[string]string) (providers.Owner, bool) {
	o, ok := ownerOf(md)
	if ok {
		o.Address, _ = providers.TagAddress(o.Address, name, true)
	}
	return o, ok
}

// ownedBy reports whether md carries fleet's tag.
func ownedBy(md map[string]string, fleet string) bool {
	o, ok := ownerOf(md)
	return ok && o.Fleet == fleet
}

// untagged reports whether md carries no fleet's tag at all.
func untagged(md map[string]string) bool {
	_, ok := ownerOf(md)
	return !ok
}

// userMetadata is md without fleet's tags and NHN's pre-filled keys; nil
// when nothing remains.
func userMetadata(md map[string]string) map[string]string {
	var out map[string]string
	for k, v := range md {
		if fleetKey(k) || prefilled[k] {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}
