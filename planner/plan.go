package planner

import (
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// FormatVersion is the version of the --json document (the saved plan has
// its own, planfile.FormatVersion).
const FormatVersion = "1"

// ActionType is what the executor does to one resource.
type ActionType string

const (
	Create   ActionType = "create"   // create a server, volume, keypair (or the new half of a replace)
	Resize   ActionType = "resize"   // change a server's spec/flavor
	Start    ActionType = "start"    // power on
	Stop     ActionType = "stop"     // power off
	Shelve   ActionType = "shelve"   // NHN shelve (stops compute billing)
	Unshelve ActionType = "unshelve" // NHN unshelve
	Attach   ActionType = "attach"   // attach a volume to its server
	Detach   ActionType = "detach"   // detach a volume from its server
	Update   ActionType = "update"   // in place: security groups, protection, metadata, volume size
	Rename   ActionType = "rename"   // from a moved block
	Delete   ActionType = "delete"   // delete (or the old half of a replace)
	MakeImg  ActionType = "image"    // create an image from a server
	Adopt    ActionType = "adopt"    // record an owned resource found in the cloud but missing from the state
	Wait     ActionType = "wait"     // wait for a resource found in transition to settle before anything acts on it
	Reboot   ActionType = "reboot"   // restart a running server (fleet reboot, never planned by plan)
	Check    ActionType = "check"    // run a rollout's health check against a server until it passes
)

// Plan is everything apply needs, and nothing else: plain data, written to
// disk as JSON, round-tripping exactly.
type Plan struct {
	FormatVersion        string `json:"format_version"`
	FleetVersion         string `json:"fleet_version"` // the fleet binary that made it; apply refuses others
	Fleet                string `json:"fleet"`
	StateLineage         string `json:"state_lineage"`         // apply refuses another state
	StateSerial          uint64 `json:"state_serial"`          // apply refuses if the state moved on
	SpecDigest           string `json:"spec_digest"`           // spec.Fleet.Digest
	InventoryFingerprint string `json:"inventory_fingerprint"` // sha256 over the refreshed inventory

	// FleetFiles are the fleet files the plan was made from, as absolute
	// paths, so `fleet apply PLAN` finds them from any directory. The CLI sets
	// it when saving; SpecDigest still decides whether they changed.
	FleetFiles []string `json:"fleet_files,omitempty"`
	// VarFiles are the --var-file files it was made with, as absolute
	// paths: `fleet apply PLAN` without --var or --var-file reads them
	// again, and the variables' digest decides whether they still hold the
	// same values.
	VarFiles []string `json:"var_files,omitempty"`

	// Environment is the var files, state and variables the plan was made
	// for; nil for a fleet without variables.
	Environment *Environment `json:"environment,omitempty"`

	// Refreshed is false when the plan was made without refreshing any
	// provider (plan --refresh=false): its fingerprint covers no inventory,
	// so CheckFresh does not compare it.
	Refreshed bool `json:"refreshed"`

	// Failed is set when planning failed (an unknown type or zone, a check
	// against the catalog, a cycle, a --target that matches nothing): the
	// actions are not what apply would do, so the plan is not shown, only
	// its diagnostics. A plan blocked only by protect is not Failed: it
	// shows what it would do, and cannot be applied either.
	Failed bool `json:"failed,omitempty"`

	Actions []Action `json:"actions"`         // in a topological order, ties broken by ID
	Drift   []Drift  `json:"drift,omitempty"` // sorted by address
	// Interrupted lists addresses with an operation an earlier apply started
	// and did not record as finished (state intents), sorted by address.
	Interrupted []Interrupted `json:"interrupted,omitempty"`
	Rollouts    []Rollout     `json:"rollouts,omitempty"` // sorted by group
	// Existing lists declared resources found in the cloud that this fleet
	// did not create (keypairs, which carry no owner tag): used, never
	// deleted. Sorted by address. Not a change.
	Existing []Existing `json:"existing,omitempty"`
	// Ignored lists, once per server group, the ignored fields (ignore:)
	// that differ: nothing is planned for them. Sorted by group.
	Ignored []Ignored `json:"ignored,omitempty"`
	// Lookups are the names the plan resolved to ids, sorted by group.
	Lookups []Lookup `json:"lookups,omitempty"`
	Summary Summary  `json:"summary"`
}

// Action is one step. DependsOn holds the IDs of actions that must finish
// (and reach their target state) before this one starts.
type Action struct {
	ID       string        `json:"id"`                 // unique (ActionID): "<type> <address>", "delete <address> (replaced)"; carries no meaning of its own
	Type     ActionType    `json:"type"`               //
	Kind     addrs.Kind    `json:"kind"`               // of the resource acted on
	Address  addrs.Address `json:"address"`            // server/web-1, volume/web-1/data, ...
	Provider string        `json:"provider"`           // provider name in the fleet file
	CloudID  string        `json:"cloud_id,omitempty"` // existing resource; "" when the executor resolves it from the state at run time

	// Parameters: exactly the one group its Type needs (ParamsOf), none
	// for a type that needs none. Addresses, not ids: resources created
	// earlier in the same apply get their ids only at run time.
	Create     *CreateParams    `json:"create,omitempty"`
	Resize     *ResizeParams    `json:"resize,omitempty"`
	Rename     *RenameParams    `json:"rename,omitempty"`
	Update     *UpdateParams    `json:"update,omitempty"`
	Attachment *AttachParams    `json:"attachment,omitempty"` // attach, detach
	MakeImage  *ImageParams     `json:"make_image,omitempty"` // image
	Reboot     *RebootParams    `json:"reboot,omitempty"`     // reboot
	Adopted    *AdoptedResource `json:"adopted,omitempty"`    // adopt: what was found
	Check      *CheckSpec       `json:"check,omitempty"`      // check: the rollout's health check
	// Declared is what the state records with a resource this action
	// creates (state.Resource.Declared): the file's values the cloud does
	// not report back, compared with the file by later plans. An adopt of
	// what an interrupted create made carries the create's, from its
	// intent (state.Intent.Declared).
	Declared map[string]string `json:"declared,omitempty"`

	Replace   bool       `json:"replace,omitempty"`    // half of a create-then-delete replacement
	Role      ActionRole `json:"role,omitempty"`       // the old half of a replacement, or a duplicate
	Requested bool       `json:"requested,omitempty"`  // the new half of a replacement --replace asked for
	Group     string     `json:"group,omitempty"`      // server group, for rollouts
	Batch     int        `json:"batch,omitempty"`      // rollout batch, 1-based; 0 when not batched
	DependsOn []string   `json:"depends_on,omitempty"` // sorted

	// Blocked is set when the action must not run (a protected server would
	// be deleted or replaced). A plan with a blocked action cannot be applied.
	Blocked string `json:"blocked,omitempty"`

	// Changes, Reason and Stuck explain the action to people only; the
	// executor must not read them.
	Changes []FieldChange `json:"changes,omitempty"` // sorted by Path
	Reason  string        `json:"reason,omitempty"`
	Stuck   bool          `json:"stuck,omitempty"` // wait: an earlier apply already waited --wait-timeout for it in vain, or it has built longer than its cloud's build limit
}

// AdoptedResource is an owned resource found in the cloud but not in the state.
type AdoptedResource struct {
	Server  *providers.Server  `json:"server,omitempty"`
	Volume  *providers.Volume  `json:"volume,omitempty"`
	Image   *providers.Image   `json:"image,omitempty"`
	Keypair *providers.Keypair `json:"keypair,omitempty"`
}

// FieldChange is one attribute that differs.
type FieldChange struct {
	Path          FieldPath `json:"path"` // type, power, image, network.subnet, volumes.data.size, ...
	From          string    `json:"from"`
	To            string    `json:"to"`
	ForcesReplace bool      `json:"forces_replace,omitempty"`
}

// Drift is something the refresh found changed outside fleet.
type Drift struct {
	Address addrs.Address `json:"address"`
	Kind    DriftKind     `json:"kind"` // changed, deleted
	Changes []FieldChange `json:"changes,omitempty"`
}

// Interrupted is an operation an earlier apply started on an address and
// did not record as finished. Differences the refresh found there are its
// doing, not someone else's: they are reported here, not as drift.
type Interrupted struct {
	Address addrs.Address `json:"address"`
	Action  string        `json:"action"` // the plan action id that was running
	Op      ActionType    `json:"op"`     // what it did: resize, stop, create, ... (the action's type)
	Started time.Time     `json:"started"`
	Kind    DriftKind     `json:"kind,omitempty"` // changed, deleted; "" when nothing differs
	Changes []FieldChange `json:"changes,omitempty"`
}

// Rollout is how one server group's disruptive actions are batched.
type Rollout struct {
	Group          string `json:"group"`
	MaxUnavailable int    `json:"max_unavailable"`
	Batches        int    `json:"batches"`
	Servers        int    `json:"servers"`        // servers with disruptive actions
	Down           int    `json:"down,omitempty"` // servers already below target (an interrupted run): they fill batch 1 first
}

// Summary counts actions by type, as shown in the summary line.
type Summary struct {
	Create   int `json:"create"`
	Resize   int `json:"resize"`
	Start    int `json:"start"`
	Stop     int `json:"stop"`
	Shelve   int `json:"shelve"`
	Unshelve int `json:"unshelve"`
	Attach   int `json:"attach"`
	Detach   int `json:"detach"`
	Update   int `json:"update"`
	Rename   int `json:"rename"`
	Replace  int `json:"replace"`
	Delete   int `json:"delete"`
	Image    int `json:"image"`
	Adopt    int `json:"adopt"`
	Wait     int `json:"wait"`             // resources found in transition, waited for first
	Reboot   int `json:"reboot,omitempty"` // fleet reboot only
	Check    int `json:"check,omitempty"`  // rollout health checks
	Stuck    int `json:"stuck"`            // of those, the stuck ones (Action.Stuck)
	Blocked  int `json:"blocked"`
	Drift    int `json:"drift"`
	// Interrupted counts the entries of Plan.Interrupted, apart from drift.
	Interrupted int `json:"interrupted"`
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool { return len(p.Actions) > 0 }
