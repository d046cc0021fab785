package planner

import (
	"encoding/json"
	"io"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// jsonPlan is the public --json document. It is kept apart from Plan so
// that the saved plan can change without breaking readers: fields are only
// ever added, and format_version says which layout a reader gets.
type jsonPlan struct {
	FormatVersion        string        `json:"format_version"`
	FleetVersion         string        `json:"fleet_version"`
	Fleet                string        `json:"fleet"`
	State                jsonState     `json:"state"`
	SpecDigest           string        `json:"spec_digest"`
	Environment          *Environment  `json:"environment,omitempty"` // only for a fleet with variables
	InventoryFingerprint string        `json:"inventory_fingerprint"`
	Refreshed            bool          `json:"refreshed"`
	HasChanges           bool          `json:"has_changes"`
	Applyable            bool          `json:"applyable"`
	Actions              []jsonAction  `json:"actions"`
	Drift                []Drift       `json:"drift"`
	Interrupted          []Interrupted `json:"interrupted"`
	Existing             []Existing    `json:"existing,omitempty"` // only when there are some: older readers never saw it
	Ignored              []Ignored     `json:"ignored,omitempty"`  // likewise
	Lookups              []Lookup      `json:"lookups,omitempty"`  // likewise
	Rollouts             []Rollout     `json:"rollouts"`
	Summary              Summary       `json:"summary"`
	SummaryLine          string        `json:"summary_line"`
	// Errored is true when planning failed: Diagnostics says why, and
	// Actions holds what was planned before it failed (often nothing).
	Errored     bool              `json:"errored"`
	Diagnostics []spec.Diagnostic `json:"diagnostics"` // errors and warnings, sorted
}

type jsonState struct {
	Lineage string `json:"lineage"`
	Serial  uint64 `json:"serial"`
}

// jsonAction is one action. Actions is terraform's list form: ["create"],
// ["update"], ["delete"], ["read"] for adopt, ["no-op"] for wait, and ["create","delete"] on
// both halves of a create-then-delete replacement, so that readers can look
// for "delete" alone.
type jsonAction struct {
	ID         string        `json:"id"`
	Address    addrs.Address `json:"address"`
	Kind       addrs.Kind    `json:"kind"`
	Provider   string        `json:"provider"`
	Type       ActionType    `json:"type"`
	Actions    []string      `json:"actions"`
	CloudID    string        `json:"cloud_id,omitempty"`
	NewAddress addrs.Address `json:"new_address,omitzero"`
	Replace    bool          `json:"replace,omitempty"`
	Requested  bool          `json:"requested,omitempty"` // the new half of a replacement --replace asked for
	Group      string        `json:"group,omitempty"`
	Batch      int           `json:"batch,omitempty"`
	Blocked    string        `json:"blocked,omitempty"`
	Changes    []FieldChange `json:"changes"`
	Reason     string        `json:"reason,omitempty"`
	Stuck      bool          `json:"stuck,omitempty"` // wait: an earlier apply gave up waiting for it, or it has built past its cloud's build limit
	Check      *CheckSpec    `json:"check,omitempty"` // check: the rollout's health check
	DependsOn  []string      `json:"depends_on"`
	// Attributes are what a create makes: for a server, every field of
	// the fleet file under its name (user data only as user_data_set).
	Attributes map[string]any `json:"attributes,omitempty"`
	// Members are the addresses of the servers a batch create makes in one
	// call, in index order; its attributes are theirs but for the name.
	Members []string `json:"members,omitempty"`
}

// terraformActions maps an action to terraform's action list.
func terraformActions(a *Action) []string {
	switch {
	case a.Replace:
		return []string{"create", "delete"}
	case a.Type == Create || a.Type == MakeImg:
		return []string{"create"}
	case a.Type == Delete:
		return []string{"delete"}
	case a.Type == Adopt || a.Type == Check:
		return []string{"read"}
	case a.Type == Wait:
		return []string{"no-op"} // changes nothing; the actions after it do
	default:
		return []string{"update"}
	}
}

// RenderJSON writes the plan as one versioned JSON document, actions in
// execution order.
func RenderJSON(w io.Writer, p *Plan) error {
	return renderJSON(w, p, nil, false)
}

// RenderJSONDiagnostics writes the --json document of a plan that came with
// diagnostics: the warnings of a plan that succeeded, or the errors of one
// that failed (errored), where p is what was planned before the failure
// (an empty plan naming the fleet when nothing was).
func RenderJSONDiagnostics(w io.Writer, p *Plan, diags spec.Diagnostics, errored bool) error {
	return renderJSON(w, p, diags, errored)
}

func renderJSON(w io.Writer, p *Plan, diags spec.Diagnostics, errored bool) error {
	sorted := append(spec.Diagnostics{}, diags...)
	sorted.Sort()
	summaryLine := p.SummaryLine()
	if errored {
		summaryLine = "Planning failed: nothing can be applied."
	}
	doc := jsonPlan{
		Errored:              errored,
		Diagnostics:          sorted,
		FormatVersion:        FormatVersion,
		FleetVersion:         p.FleetVersion,
		Fleet:                p.Fleet,
		State:                jsonState{Lineage: p.StateLineage, Serial: p.StateSerial},
		SpecDigest:           p.SpecDigest,
		Environment:          p.Environment,
		InventoryFingerprint: p.InventoryFingerprint,
		Refreshed:            p.Refreshed,
		HasChanges:           p.HasChanges() && !errored,
		Applyable:            p.Applyable() && !errored,
		Actions:              make([]jsonAction, len(p.Actions)),
		Drift:                p.Drift,
		Interrupted:          p.Interrupted,
		Existing:             p.Existing,
		Ignored:              p.Ignored,
		Lookups:              p.Lookups,
		Rollouts:             p.Rollouts,
		Summary:              p.Summary,
		SummaryLine:          summaryLine,
	}
	if doc.Drift == nil {
		doc.Drift = []Drift{}
	}
	if doc.Interrupted == nil {
		doc.Interrupted = []Interrupted{}
	}
	if doc.Rollouts == nil {
		doc.Rollouts = []Rollout{}
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		ja := jsonAction{
			ID: a.ID, Address: a.Address, Kind: a.Kind, Provider: a.Provider, Type: a.Type,
			Actions: terraformActions(a), CloudID: a.CloudID, NewAddress: a.NewAddress(), Replace: a.Replace,
			Requested: a.Requested, Group: a.Group, Batch: a.Batch, Blocked: a.Blocked, Changes: a.Changes, Reason: a.Reason,
			Stuck: a.Stuck, Check: a.Check, DependsOn: a.DependsOn, Attributes: createAttributes(a),
		}
		for _, m := range a.BatchMembers() {
			ja.Members = append(ja.Members, m.Address.String())
		}
		if ja.Changes == nil {
			ja.Changes = []FieldChange{}
		}
		if ja.DependsOn == nil {
			ja.DependsOn = []string{}
		}
		doc.Actions[i] = ja
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
