package planner

import (
	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// CreateParams are what a create makes: one of Server, Volume, Keypair,
// Image by Kind, or Members for a batch create.
type CreateParams struct {
	Server  *providers.ServerSpec `json:"server,omitempty"`
	Volume  *spec.Volume          `json:"volume,omitempty"`
	Keypair *spec.Keypair         `json:"keypair,omitempty"`
	Image   *spec.Image           `json:"image,omitempty"`
	// ServerAddr is a volume's server; ServerID its cloud id when known at
	// plan time, "" to resolve ServerAddr from the state at run time.
	ServerAddr addrs.Address `json:"server_address,omitzero"`
	ServerID   string        `json:"server_id,omitempty"`
	// Members are the servers a batch create makes in one call, in index
	// order; the action's Address is their group tag (server/web-[1-20])
	// and Server is nil. The renames their cloud names need are actions of
	// their own.
	Members []BatchMember `json:"members,omitempty"`
}

// ResizeParams change a server's type.
type ResizeParams struct {
	NewType string `json:"new_type"`
}

// RenameParams move a resource to a new name and address (moved block,
// or a batch member taking its declared name).
type RenameParams struct {
	NewName    string        `json:"new_name"`
	NewAddress addrs.Address `json:"new_address"`
}

// UpdateParams are an update's in-place changes; at least one is set.
type UpdateParams struct {
	Protect    *bool             `json:"protect,omitempty"`
	SecGroups  []string          `json:"security_groups,omitempty"` // the complete new list
	Metadata   map[string]string `json:"metadata,omitempty"`        // the complete new user metadata
	VolumeSize int               `json:"volume_size,omitempty"`     // volume: grow to this size
	PublicIP   *bool             `json:"public_ip,omitempty"`       // allocate and associate (true) or release (false) the public address
	PublicNet  string            `json:"public_network,omitempty"`  // with PublicIP: NHN's external network, when named
}

// AttachParams name the server a volume is attached to or detached from.
type AttachParams struct {
	ServerAddr addrs.Address `json:"server_address,omitzero"`
	ServerID   string        `json:"server_id,omitempty"` // "" means resolve ServerAddr from the state at run time (always set for detach)
}

// ImageParams make an image of a server.
type ImageParams struct {
	Image      *spec.Image   `json:"image"`
	ServerAddr addrs.Address `json:"server_address,omitzero"` // the source server
	ServerID   string        `json:"server_id,omitempty"`
}

// RebootParams restart a running server.
type RebootParams struct {
	Hard bool `json:"hard,omitempty"` // NHN Cloud HARD reboot
}

// NewServer is the server a create makes, nil for any other action and
// for a batch create (its members hold theirs).
func (a *Action) NewServer() *providers.ServerSpec {
	if a.Create == nil {
		return nil
	}
	return a.Create.Server
}

// BatchMembers are a batch create's members, nil for any other action.
func (a *Action) BatchMembers() []BatchMember {
	if a.Create == nil {
		return nil
	}
	return a.Create.Members
}

// NewAddress is where a rename moves the resource, the zero address for
// any other action.
func (a *Action) NewAddress() addrs.Address {
	if a.Rename == nil {
		return addrs.Address{}
	}
	return a.Rename.NewAddress
}

// OnServer is the server a volume create, attach, detach or image names:
// its address, and its cloud id when known at plan time ("" to resolve
// the address from the state at run time). Zero for other actions.
func (a *Action) OnServer() (addrs.Address, string) {
	switch {
	case a.Create != nil:
		return a.Create.ServerAddr, a.Create.ServerID
	case a.Attachment != nil:
		return a.Attachment.ServerAddr, a.Attachment.ServerID
	case a.MakeImage != nil:
		return a.MakeImage.ServerAddr, a.MakeImage.ServerID
	}
	return addrs.Address{}, ""
}

// ParamGroup names one of an action's parameter groups.
type ParamGroup string

const (
	NoParams     ParamGroup = ""           // the type needs none: start, stop, shelve, unshelve, delete, wait
	CreateGroup  ParamGroup = "create"     // Action.Create
	ResizeGroup  ParamGroup = "resize"     // Action.Resize
	RenameGroup  ParamGroup = "rename"     // Action.Rename
	UpdateGroup  ParamGroup = "update"     // Action.Update
	AttachGroup  ParamGroup = "attachment" // Action.Attachment
	ImageGroup   ParamGroup = "make_image" // Action.MakeImage
	RebootGroup  ParamGroup = "reboot"     // Action.Reboot
	AdoptedGroup ParamGroup = "adopted"    // Action.Adopted
	CheckGroup   ParamGroup = "check"      // Action.Check
)

// paramsOf is the one parameter group each action type carries.
var paramsOf = map[ActionType]ParamGroup{
	Create: CreateGroup, Resize: ResizeGroup, Rename: RenameGroup, Update: UpdateGroup,
	Attach: AttachGroup, Detach: AttachGroup, MakeImg: ImageGroup, Reboot: RebootGroup,
	Adopt: AdoptedGroup, Check: CheckGroup,
	Start: NoParams, Stop: NoParams, Shelve: NoParams, Unshelve: NoParams, Delete: NoParams, Wait: NoParams,
}

// ParamsOf is the parameter group an action of type t carries; ok is
// false for a type fleet does not know.
func ParamsOf(t ActionType) (g ParamGroup, ok bool) {
	g, ok = paramsOf[t]
	return g, ok
}

// ParamGroups are the parameter groups set on a, in declaration order: one
// for a well-formed action whose type needs parameters, none otherwise.
func (a *Action) ParamGroups() []ParamGroup {
	var out []ParamGroup
	for _, g := range []struct {
		set bool
		g   ParamGroup
	}{
		{a.Create != nil, CreateGroup}, {a.Resize != nil, ResizeGroup}, {a.Rename != nil, RenameGroup},
		{a.Update != nil, UpdateGroup}, {a.Attachment != nil, AttachGroup}, {a.MakeImage != nil, ImageGroup},
		{a.Reboot != nil, RebootGroup}, {a.Adopted != nil, AdoptedGroup}, {a.Check != nil, CheckGroup},
	} {
		if g.set {
			out = append(out, g.g)
		}
	}
	return out
}
