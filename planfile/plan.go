package planfile

import (
	"errors"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// FormatVersion is the version of the saved plan's layout. It is not the
// public `plan --json` document's (planner.FormatVersion): the two change
// apart. Format 1 held the loader's types (PascalCase keys, source
// positions, user data in clear) and is refused.
const FormatVersion = "2"

// Plan is a saved plan: what `fleet plan --out` computed, with what it was
// computed from (the state it read, the fleet files' and variables'
// digests, the inventory's fingerprint, the options it was made with).
// Apply refuses it when any of those moved, and otherwise when planning
// again from them does not give the same actions.
type Plan struct {
	FormatVersion        string `json:"format_version"`
	FleetVersion         string `json:"fleet_version"` // the fleet binary that made it; apply refuses others
	Fleet                string `json:"fleet"`
	StateLineage         string `json:"state_lineage"`
	StateSerial          uint64 `json:"state_serial"`
	SpecDigest           string `json:"spec_digest"`
	InventoryFingerprint string `json:"inventory_fingerprint"`
	Refreshed            bool   `json:"refreshed"`

	// FleetFiles and VarFiles are absolute paths: `fleet apply PLAN`
	// reads them again from any directory.
	FleetFiles  []string             `json:"fleet_files,omitempty"`
	VarFiles    []string             `json:"var_files,omitempty"`
	Environment *planner.Environment `json:"environment,omitempty"`
	Options     Options              `json:"options"`

	Actions     []Action              `json:"actions"`
	Drift       []planner.Drift       `json:"drift,omitempty"`
	Interrupted []planner.Interrupted `json:"interrupted,omitempty"`
	Rollouts    []planner.Rollout     `json:"rollouts,omitempty"`
	Existing    []planner.Existing    `json:"existing,omitempty"`
	Ignored     []planner.Ignored     `json:"ignored,omitempty"`
	Lookups     []planner.Lookup      `json:"lookups,omitempty"`
	Summary     planner.Summary       `json:"summary"`
}

// Options are the plan command's options that shape the actions: apply
// plans again with the same ones.
type Options struct {
	Targets    []string `json:"targets,omitempty"`
	Replace    []string `json:"replace,omitempty"`
	Destroy    bool     `json:"destroy,omitempty"`
	SkipChecks bool     `json:"skip_checks,omitempty"`
	Refresh    bool     `json:"refresh"` // false: planned from the state alone (--refresh=false)
}

// Action is a planner.Action with the parameter groups that hold fleet-file
// values (create, make_image) in the saved form. The fields declared here
// shadow the embedded ones of the same JSON name (encoding/json prefers the
// shallower field), so those are never written; the test that no secret
// reaches the file guards the shadowing.
type Action struct {
	planner.Action
	Create    *Create    `json:"create,omitempty"`
	MakeImage *MakeImage `json:"make_image,omitempty"`
}

// Create is planner.CreateParams in the saved form.
type Create struct {
	Server     *Server       `json:"server,omitempty"`
	Volume     *Volume       `json:"volume,omitempty"`
	Keypair    *Keypair      `json:"keypair,omitempty"`
	Image      *Image        `json:"image,omitempty"`
	ServerAddr addrs.Address `json:"server_address,omitzero"`
	ServerID   string        `json:"server_id,omitempty"`
	Members    []Member      `json:"members,omitempty"` // a batch create's servers
}

// MakeImage is planner.ImageParams in the saved form.
type MakeImage struct {
	Image      *Image        `json:"image"`
	ServerAddr addrs.Address `json:"server_address,omitzero"`
	ServerID   string        `json:"server_id,omitempty"`
}

// Member is one server of a batch create (planner.BatchMember), its
// server in the saved form.
type Member struct {
	Address  addrs.Address     `json:"address"`
	Server   *Server           `json:"server"`
	Declared map[string]string `json:"declared,omitempty"`
}

// Server is the server a create makes: the plan's providers.ServerSpec,
// whose user data appears only as its SHA-256. Apply takes the text from
// the fleet files, which the spec digest holds unchanged. UserData here
// shadows the embedded field of the same JSON name (encoding/json prefers
// the shallower field): it is never written, and a file that holds one is
// refused; the test that no secret reaches the file guards the shadowing.
type Server struct {
	providers.ServerSpec
	UserData       noUserData `json:"user_data,omitzero"`
	UserDataSHA256 string     `json:"user_data_sha256,omitempty"`
}

// noUserData is the place of a user data text in a saved plan: empty.
type noUserData struct{}

// UnmarshalJSON refuses a user data text as the decoder refuses any field
// the format does not have.
func (noUserData) UnmarshalJSON([]byte) error {
	return errors.New(`unknown field "user_data": a saved plan holds user data only as its SHA-256 (user_data_sha256)`)
}

// Volume is an additional volume.
type Volume struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	Type string `json:"type,omitempty"`
}

// Keypair is a keypair a create makes. A public key is no secret: it is
// written as the file gives it, so a reviewer sees which key goes in.
type Keypair struct {
	Name          string `json:"name"`
	Provider      string `json:"provider"`
	PublicKeyFile string `json:"public_key_file,omitempty"`
	PublicKey     string `json:"public_key"`
}

// Image is an image made from a server.
type Image struct {
	Name string `json:"name"`
	From string `json:"from"`
}
