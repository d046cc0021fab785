package providers

import (
	"maps"
	"slices"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// ServerSpec is a server as a cloud is asked to create it: what the fleet
// file declares once expanded and resolved, and nothing the loader or the
// planner keeps for themselves (source positions, the group's rollout and
// ignore list, the image lookup already resolved into Image). The planner
// builds it once per create (NewServerSpec); the plan and the provider
// requests carry it.
type ServerSpec struct {
	Name           string            `json:"name"`
	Group          string            `json:"group"`
	Index          int               `json:"index,omitempty"` // 1-based position in the group, 0 without count
	Image          string            `json:"image"`           // image id/code, or image/NAME for a declared image
	Type           string            `json:"type"`
	Zone           string            `json:"zone,omitempty"`
	Network        ServerNetwork     `json:"network"`
	Key            string            `json:"key,omitempty"`
	Power          spec.Power        `json:"power,omitempty"`
	Protect        bool              `json:"protect,omitempty"`
	RootVolume     *RootVolumeSpec   `json:"root_volume,omitempty"`
	Volumes        []VolumeSpec      `json:"volumes,omitempty"`
	UserData       string            `json:"user_data,omitempty"` // NHN: plain text; base64-encoded by the provider
	Metadata       map[string]string `json:"metadata,omitempty"`
	PublicIP       bool              `json:"public_ip,omitempty"`
	PublicNetwork  string            `json:"public_network,omitempty"`
	InitScript     string            `json:"init_script,omitempty"`
	PlacementGroup string            `json:"placement_group,omitempty"`
	Billing        string            `json:"billing,omitempty"`
	Description    string            `json:"description,omitempty"`
	Partitions     []PartitionSpec   `json:"partitions,omitempty"`
	BatchCreate    bool              `json:"batch_create,omitempty"` // batch creates even where the cloud names members differently
}

// ServerNetwork places a server.
type ServerNetwork struct {
	VPC            string   `json:"vpc,omitempty"`
	Subnet         string   `json:"subnet,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"` // NCP ACG numbers; NHN security group names
	IP             string   `json:"ip,omitempty"`
	Interfaces     []string `json:"interfaces,omitempty"` // NCP: existing NICs by number, primary first
}

// RootVolumeSpec is the boot disk.
type RootVolumeSpec struct {
	Size      int    `json:"size,omitempty"` // GB; 0 means the image or flavor default
	Type      string `json:"type,omitempty"`
	Encrypted bool   `json:"encrypted,omitempty"`
}

// VolumeSpec is an additional volume of a server.
type VolumeSpec struct {
	Name string `json:"name"`
	Size int    `json:"size"` // GB
	Type string `json:"type,omitempty"`
}

// PartitionSpec is an NCP block device partition.
type PartitionSpec struct {
	MountPoint string `json:"mount_point"`
	Size       int    `json:"size"` // GB
}

// NewServerSpec is what a cloud needs of the fleet file's server s.
func NewServerSpec(s *spec.Server) *ServerSpec {
	out := &ServerSpec{
		Name: s.Name, Group: s.Group, Index: s.Index, Image: s.Image, Type: s.Type, Zone: s.Zone,
		Network: ServerNetwork{VPC: s.Network.VPC, Subnet: s.Network.Subnet, SecurityGroups: slices.Clone(s.Network.SecurityGroups),
			IP: s.Network.IP, Interfaces: slices.Clone(s.Network.Interfaces)},
		Key: s.Key, Power: s.Power, Protect: s.Protect, UserData: s.UserData, Metadata: maps.Clone(s.Metadata),
		PublicIP: s.PublicIP, PublicNetwork: s.PublicNetwork, InitScript: s.InitScript, PlacementGroup: s.PlacementGroup,
		Billing: s.Billing, Description: s.Description, BatchCreate: s.BatchCreate,
	}
	if r := s.RootVolume; r != nil {
		out.RootVolume = &RootVolumeSpec{Size: r.Size, Type: r.Type, Encrypted: r.Encrypted}
	}
	for _, v := range s.Volumes {
		out.Volumes = append(out.Volumes, VolumeSpec{Name: v.Name, Size: v.Size, Type: v.Type})
	}
	for _, p := range s.Partitions {
		out.Partitions = append(out.Partitions, PartitionSpec{MountPoint: p.MountPoint, Size: p.Size})
	}
	return out
}

// Address is the server's address: server/NAME.
func (s *ServerSpec) Address() addrs.Address { return addrs.Server(s.Name) }

// DeclaredImage is the name of the image of the images block the server
// boots from (image: image/NAME); ok is false for an image the cloud names.
func (s *ServerSpec) DeclaredImage() (name string, ok bool) { return spec.DeclaredImageName(s.Image) }
