package providers

import (
	"context"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// Provider manages the resources of one fleet in one cloud account and region.
//
// Every method takes a request struct and returns a response struct, so that
// adding a field never breaks an implementation. Mutating methods return as
// soon as the cloud has accepted the request; Wait then blocks until the
// resource reaches its target state. Errors wrap ErrNotFound, ErrConflict or
// are an *APIError, so callers can decide with errors.Is / errors.As.
type Provider interface {
	// Inventory lists every resource that carries this fleet's owner tag,
	// page by page through the cloud's list APIs (never one call per
	// resource). Untagged resources are never returned.
	Inventory(ctx context.Context, req InventoryRequest) (InventoryResponse, error)

	// Create creates exactly one resource (one of the request's pointer
	// fields is set) and tags it with req.Owner. It returns the cloud id as
	// soon as the cloud has accepted the request.
	Create(ctx context.Context, req CreateRequest) (CreateResponse, error)

	// Update performs exactly one in-place change on an existing resource.
	// An update that is already in effect (attach to the server it is
	// attached to, start a running server) succeeds without a call.
	Update(ctx context.Context, req UpdateRequest) (UpdateResponse, error)

	// Delete deletes one resource. It returns an error wrapping ErrNotFound
	// when the resource does not exist; the executor treats that as done.
	Delete(ctx context.Context, req DeleteRequest) (DeleteResponse, error)

	// Wait blocks until the resource reaches req.Target, the context ends, or
	// the resource fails (an error wrapping ErrFailed). Waits of one provider
	// share one poller: each poll interval lists what is in flight once.
	Wait(ctx context.Context, req WaitRequest) (WaitResponse, error)
}

// Owner is fleet's tag on a cloud resource: the fleet name and the
// resource's address. Inventory returns only resources whose Fleet matches.
type Owner struct {
	Fleet   string `json:"fleet"`
	Address string `json:"address"`
}

// InventoryRequest asks for the owned inventory.
type InventoryRequest struct {
	Fleet   string // owner tag to filter on
	Catalog bool   // also return the cloud's catalog (types, zones) for plan-time checks
	// CatalogNames also lists the networks and security groups by name
	// (one list call per kind), for a fleet that names them so.
	CatalogNames bool

	// Known lists resources the state records (fleet import adopts untagged
	// resources): they are returned too, tagged or not, with Owner as found.
	// Still never a call per resource: they are picked out of the same pages.
	Known []Known
	// KnownLater, when set, gives Known instead, once the provider's lists
	// are in: the caller reads its state while they are out (a 10,000-server
	// state takes a tenth of a second to decode). It gives nil when that
	// read failed; the caller reports the failure and drops the inventory.
	KnownLater func() []Known

	// Unowned also returns every server and additional volume that carries
	// no fleet's owner tag at all (fleet import --discover), with an empty
	// Owner. Resources another fleet owns are never returned.
	Unowned bool
}

// KnownNow is Known, or what KnownLater gives: call it once the lists are
// in.
func (r InventoryRequest) KnownNow() []Known {
	if r.KnownLater != nil {
		return r.KnownLater()
	}
	return r.Known
}

// MayKnow reports whether the state may record resources: Known names some,
// or it comes later.
func (r InventoryRequest) MayKnow() bool { return len(r.Known) > 0 || r.KnownLater != nil }

// Known is a resource the state records.
type Known struct {
	Kind addrs.Kind
	ID   string
}

// InventoryResponse is everything the fleet owns in this provider, each list
// sorted by Owner.Address then ID.
type InventoryResponse struct {
	Servers  []Server
	Volumes  []Volume
	Images   []Image
	Keypairs []Keypair
	Catalog  *Catalog // nil unless requested
}

// Catalog is what the cloud offers, for checks the planner makes before
// anything is created.
type Catalog struct {
	Types  []TypeInfo  // sorted by Name
	Zones  []string    // sorted
	Images []ImageInfo // sorted by ID
	// Subnets are the account's subnets, sorted by ID; empty where the
	// provider does not list them (an NHN catalog without a network
	// endpoint).
	Subnets []SubnetInfo
	// Networks (NCP VPCs from getVpcList, NHN Neutron networks) and
	// SecurityGroups (NCP ACGs; NHN servers take security group names
	// already) by name, sorted by ID: listed only when the request asks
	// (CatalogNames), for a fleet that names them by name.
	Networks       []NamedInfo `json:"networks,omitempty"`
	SecurityGroups []NamedInfo `json:"security_groups,omitempty"`
}

// NamedInfo is one VPC, network or security group: what a lookup by name
// needs.
type NamedInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Network string `json:"network,omitempty"` // the VPC an NCP ACG belongs to
}

// SubnetInfo is one subnet, for checking a fixed IP before any call.
type SubnetInfo struct {
	ID      string `json:"id"`
	Network string `json:"network"` // the network (NHN VPC) it belongs to
	Name    string `json:"name,omitempty"`
	CIDR    string `json:"cidr"`
}

// ImageInfo is one bootable image as far as plan-time checks need it.
type ImageInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	MinDisk int    `json:"min_disk,omitempty"` // GB a root disk booted from it needs at least; 0 when unknown
	// Created orders releases of one name (RFC 3339, UTC); "" where the
	// cloud gives no date (NCP image products).
	Created string `json:"created,omitempty"`
	// Inactive images (NHN Glance status other than active: queued,
	// saving, deactivated) are never what a lookup by name picks.
	Inactive bool `json:"inactive,omitempty"`
}

// TypeInfo is one server spec (NCP) or flavor (NHN).
type TypeInfo struct {
	Name     string `json:"name"`      // spec code / flavor name
	ID       string `json:"id"`        // product code / flavor id
	Family   string `json:"family"`    // NCP product type (STAND, HICPU, ...); NHN flavor prefix (m2, u2, ...)
	DiskType string `json:"disk_type"` // NCP disk detail type (SSD, HDD); "" for NHN
	CPUs     int    `json:"cpus"`
	MemoryMB int    `json:"memory_mb"`
	DiskGB   int    `json:"disk_gb,omitempty"` // the flavor's local root disk (NHN u2); 0 when its root is a volume
}

// Server is a server as the cloud reports it, in fleet's terms.
type Server struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Owner          Owner    `json:"owner"`
	Image          string   `json:"image"`                   // image code/id as fleet files write it
	ImageAliases   []string `json:"image_aliases,omitempty"` // other names of the same image (NCP product code vs image no)
	Type           string   `json:"type"`                    // NCP spec code; NHN flavor name
	Zone           string   `json:"zone,omitempty"`
	VPC            string   `json:"vpc,omitempty"`
	Subnet         string   `json:"subnet,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"` // sorted
	IP             string   `json:"ip,omitempty"`
	PublicIP       string   `json:"public_ip,omitempty"`
	// PublicIPPending is the id of a public address this fleet allocated
	// for the server (owner tag) that is associated with nothing: a run
	// stopped between allocate and associate. The next update adopts it
	// (public_ip: true) or releases it (false), so it never leaks.
	PublicIPPending string            `json:"public_ip_pending,omitempty"`
	Key             string            `json:"key,omitempty"`
	Power           spec.Power        `json:"power"`              // spec.PowerRunning/Stopped/Shelved, or "" while in transition
	Settling        spec.Power        `json:"settling,omitempty"` // in transition: the power state it ends in, when the cloud's status says; "" otherwise
	Status          string            `json:"status"`             // the cloud's own status code, for display
	Busy            bool              `json:"busy,omitempty"`     // an operation is in progress
	Failed          bool              `json:"failed,omitempty"`   // the cloud reports a failure state
	Protect         bool              `json:"protect,omitempty"`
	RootVolume      *RootVolume       `json:"root_volume,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"` // user metadata only: no owner tags, no cloud-filled keys
	Attached        []string          `json:"attached,omitempty"` // ids of attached additional volumes, sorted
	Extra           map[string]string `json:"extra,omitempty"`    // cloud-specific settings fleet manages (init_script, placement_group, billing, ...)
	Created         time.Time         `json:"created,omitzero"`   // when the cloud made it (NCP createDate, Nova created); zero when not reported
}

// RootVolume is the boot disk as reported.
type RootVolume struct {
	Size      int    `json:"size"` // GB
	Type      string `json:"type,omitempty"`
	Encrypted bool   `json:"encrypted,omitempty"`
}

// Volume is an additional block storage volume.
type Volume struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Owner    Owner  `json:"owner"`
	Size     int    `json:"size"` // GB
	Type     string `json:"type,omitempty"`
	Zone     string `json:"zone,omitempty"`
	ServerID string `json:"server_id,omitempty"` // attached to; "" when detached
	Status   string `json:"status"`
	Busy     bool   `json:"busy,omitempty"`
}

// Image is a server image made from a server.
type Image struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Owner          Owner  `json:"owner"`
	SourceServerID string `json:"source_server_id,omitempty"`
	Status         string `json:"status"`
	Ready          bool   `json:"ready"`
}

// Keypair is a login key (NCP) or keypair (NHN). NCP login keys carry no
// tag: a keypair is owned when the fleet file declares its name.
type Keypair struct {
	Name        string `json:"name"`
	Owner       Owner  `json:"owner"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// CreateRequest creates one resource: exactly one pointer field is set.
type CreateRequest struct {
	Owner   Owner
	Server  *ServerCreate
	Volume  *VolumeCreate
	Image   *ImageCreate
	Keypair *KeypairCreate
}

// ServerCreate is a server to create. Spec is what the cloud needs of the
// fleet file's server (ServerSpec); the ids fleet resolved before the call
// are beside it.
type ServerCreate struct {
	Spec    *ServerSpec
	ImageID string // set when Spec.Image is "image/NAME": the cloud id of that image
}

// VolumeCreate is an additional volume. On clouds that create volumes
// attached (NCP XEN) ServerID is used at create time; elsewhere the volume is
// created in the server's zone and attached by a later Update.
type VolumeCreate struct {
	Name     string
	Size     int // GB
	Type     string
	Zone     string
	ServerID string
}

// ImageCreate makes an image from a server.
type ImageCreate struct {
	Name     string
	ServerID string
}

// KeypairCreate imports a public key, or generates a key when PublicKey is "".
type KeypairCreate struct {
	Name      string
	PublicKey string
}

// CreateResponse carries the new resource's cloud id.
type CreateResponse struct {
	ID         string
	PrivateKey string // generated keypairs only; shown once, never stored
}

// UpdateRequest changes one thing about an existing resource: Change,
// one of the change types in change.go.
type UpdateRequest struct {
	Kind    addrs.Kind
	ID      string
	Address string // for error messages
	Change  Change
}

// UpdateResponse carries what an update learned.
type UpdateResponse struct {
	PublicIP string // PublicIP updates: the address now associated, "" when turned off
}

// DeleteRequest deletes one resource.
type DeleteRequest struct {
	Kind    addrs.Kind
	ID      string
	Address string
}

// DeleteResponse is empty today.
type DeleteResponse struct{}

// Target is a state to wait for.
type Target string

const (
	TargetRunning   Target = "running"   // server running, no operation in progress
	TargetStopped   Target = "stopped"   // server stopped, no operation in progress
	TargetShelved   Target = "shelved"   // server shelved (NHN SHELVED_OFFLOADED)
	TargetIdle      Target = "idle"      // no operation in progress, whatever the power state
	TargetAttached  Target = "attached"  // volume attached to WaitRequest.ServerID
	TargetAvailable Target = "available" // volume detached and usable; image ready
	TargetGone      Target = "gone"      // the resource no longer exists
)

// WaitRequest waits for one resource to reach a target.
type WaitRequest struct {
	Kind     addrs.Kind
	ID       string
	Address  string
	Target   Target
	ServerID string // TargetAttached: the server the volume must be attached to
	Type     string // servers: also wait until the type equals this (resize)
}

// WaitResponse carries the resource as last seen.
type WaitResponse struct {
	Server *Server
	Volume *Volume
	Image  *Image
}
