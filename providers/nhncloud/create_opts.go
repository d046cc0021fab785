package nhncloud

import (
	"encoding/base64"
	"fmt"
	"maps"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/providers"
)

// defaultRootSize is the root volume size when the fleet file gives none:
// NHN requires volume_size for volume-backed flavors and 20 GB is its Linux
// minimum (Windows images need root_volume.size: 50 or more).
const defaultRootSize = 20

// serverCreateOpts adds NHN's networks[].subnet, which gophercloud's
// servers.Network lacks, to the body gophercloud builds.
type serverCreateOpts struct {
	servers.CreateOpts
	KeyName string // required by NHN; gophercloud keeps it in keypairs.CreateOptsExt
	Subnet  string // NHN extension: the subnet id to place the NIC in
	Network string // network (VPC) id, when no subnet is given
	FixedIP string
	// ReturnReservationID asks for {"reservation_id": ...} instead of the
	// first server: a batch's members are then listed by it.
	ReturnReservationID bool
}

func (o serverCreateOpts) ToServerCreateMap() (map[string]any, error) {
	b, err := o.CreateOpts.ToServerCreateMap()
	if err != nil {
		return nil, err
	}
	nic := map[string]any{}
	switch {
	case o.Subnet != "":
		nic["subnet"] = o.Subnet
	case o.Network != "":
		nic["uuid"] = o.Network
	default:
		return nil, fmt.Errorf("a network or subnet is required")
	}
	if o.FixedIP != "" {
		nic["fixed_ip"] = o.FixedIP
	}
	srv := b["server"].(map[string]any)
	srv["networks"] = []map[string]any{nic}
	if o.KeyName != "" {
		srv["key_name"] = o.KeyName
	}
	if o.ReturnReservationID {
		srv["return_reservation_id"] = true
	}
	return b, nil
}

// createOpts builds the create body of one server. flavorID is resolved
// from s.Type; imageID is the image to boot (the fleet file's id, or the
// cloud id of an image/NAME).
func createOpts(s *providers.ServerSpec, owner providers.Owner, flavorID, imageID string) (serverCreateOpts, error) {
	md := map[string]string{}
	maps.Copy(md, s.Metadata)
	maps.Copy(md, ownerTags(owner)) // the tags win over user keys of the same name
	if s.Protect {
		md[metaProtect] = "true"
	}
	o := serverCreateOpts{
		CreateOpts: servers.CreateOpts{
			Name: s.Name, ImageRef: imageID, FlavorRef: flavorID,
			SecurityGroups: s.Network.SecurityGroups, AvailabilityZone: s.Zone,
			Metadata: md, Min: 1, Max: 1,
		},
		KeyName: s.Key, Subnet: s.Network.Subnet, Network: s.Network.VPC, FixedIP: s.Network.IP,
	}
	o.CreateOpts.Networks = nil
	if s.UserData != "" {
		// Encoded here: gophercloud sends text that already decodes as
		// base64 unchanged, which would corrupt such plain-text scripts.
		o.UserData = []byte(base64.StdEncoding.EncodeToString([]byte(s.UserData)))
	}
	if family(s.Type) == "u2" {
		// U2 flavors boot from local disk sized by the flavor: no BDM.
		return o, nil
	}
	root := s.RootVolume
	if root != nil && root.Encrypted {
		return o, fmt.Errorf("encrypted root volumes need Secure Key Manager keys (nhn_encryption), which fleet cannot pass")
	}
	bd := servers.BlockDevice{
		SourceType: servers.SourceImage, UUID: imageID, BootIndex: 0,
		DestinationType: servers.DestinationVolume, DeleteOnTermination: true, VolumeSize: defaultRootSize,
	}
	if root != nil {
		if root.Size > 0 {
			bd.VolumeSize = root.Size
		}
		bd.VolumeType = root.Type
	}
	o.BlockDevice = []servers.BlockDevice{bd}
	return o, nil
}
