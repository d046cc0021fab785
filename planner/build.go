package planner

import (
	"slices"
	"sort"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// Input is everything a plan is computed from.
type Input struct {
	Fleet *spec.Fleet  // the desired fleet; required
	State *state.State // nil is an empty state

	// Inventory is the refreshed inventory by provider name. A provider
	// missing from the map was not refreshed (plan --refresh=false): its
	// resources are taken from the state as they were last seen, no drift
	// is reported and nothing is adopted.
	Inventory map[string]providers.InventoryResponse

	// ProviderTypes maps provider names to spec.ProviderNCloud or
	// spec.ProviderNHNCloud for providers the fleet file no longer declares
	// (their resources are still in the state). Fleet.Providers wins.
	ProviderTypes map[string]string

	Targets      []string // --target addresses; each must match something
	Replace      []string // --replace addresses (server/web-1, server/GROUP): replaced whatever their diff
	SkipChecks   bool     // --skip-checks: plan no rollout checks (and say so)
	Destroy      bool     // plan the deletion of everything fleet manages
	FleetVersion string   // the running binary's version, recorded in the plan

	// Batchers are the providers, by name, whose cloud creates several
	// members of a count group in one call: the plan makes their alike
	// member creates batch creates, with the renames the cloud's names
	// need. A provider missing from the map creates one server per call.
	Batchers map[string]providers.ServerBatchSizer

	// Now is when the plan is made: a server still building longer than
	// its cloud's build limit after it was created is stuck. Zero judges
	// no ages; only the state's stuck marks count then.
	Now time.Time
	// BuildLimits replaces the build limit of a cloud (spec.ProviderNCloud,
	// spec.ProviderNHNCloud), for tests; see BuildLimit.
	BuildLimits map[string]time.Duration
}

// Build computes the plan. It is deterministic: the same input gives the
// same plan. Problems come back as diagnostics; a plan is returned even
// when they contain errors (blocked actions, cycles, unknown types), so that
// it can be shown, but such a plan must not be applied.
func Build(in Input) (*Plan, spec.Diagnostics) {
	// The fingerprint only reads the inventory: hashing 10,000 servers
	// took a tenth of a no-change plan's time, now spent beside planning.
	fingerprint := make(chan string, 1)
	go func() { fingerprint <- InventoryFingerprint(in.Inventory) }()
	b := newBuilder(in)
	defer func() { b.plan.InventoryFingerprint = <-fingerprint }()
	b.loadCurrent()
	b.applyMoved()
	b.resolveLookups()
	b.checkCatalog()
	b.checkUnchangeable()
	b.planWaits()
	b.planKeypairs()
	b.planImages()
	b.planServers()
	b.planVolumes()
	b.planDuplicates()
	b.planGone()
	b.wire()
	b.planChecks()
	b.applyTargets()
	b.planRollouts()
	b.planBatches()
	b.reportBlocked()
	b.reportIgnored()
	b.finish()
	return b.plan, b.diags
}

// builder holds the working set of one Build.
type builder struct {
	in    Input
	fleet *spec.Fleet
	types map[string]string // provider name → provider type
	plan  *Plan
	diags spec.Diagnostics

	cur      map[addrs.Address]*current // by address
	curAddrs []addrs.Address            // sorted keys of cur
	curByID  map[cloudKey]*current      // servers and volumes
	attached map[cloudRef][]*current    // current volumes by their server

	desiredServers map[addrs.Address]*spec.Server
	desiredVolumes map[addrs.Address]desiredVolume
	servers        map[addrs.Address]*serverPlan // by desired or current server address

	intents        map[addrs.Address]state.Intent               // pending intents by address, the latest of each
	reportedIntent map[addrs.Address]bool                       // addresses already in Plan.Interrupted
	dups           []*current                                   // extra tagged servers and volumes to delete (duplicate.go)
	existing       map[addrs.Address]bool                       // declared keypairs found in the cloud that this fleet did not create (existing.go)
	ignored        map[string]map[string]map[addrs.Address]bool // group → ignored path that differs → server addresses (ignore.go)
	fieldErrors    map[fieldKey]bool                            // already reported (fieldError)
	gone           []*state.Resource                            // state entries the refresh did not find (gone.go)

	actions []*Action
	byID    map[string]*Action
	base    map[addrs.Address][]string // address → actions every other change of it waits for (adopt, rename, wait)
	waits   map[cloudRef]string        // the wait action on a resource
}

// desiredVolume is one volume of one desired server.
type desiredVolume struct {
	server *spec.Server
	volume spec.Volume
}

func newBuilder(in Input) *builder {
	fleet := in.Fleet
	if fleet == nil {
		fleet = &spec.Fleet{}
	}
	b := &builder{
		in:             in,
		fleet:          fleet,
		types:          map[string]string{},
		cur:            make(map[addrs.Address]*current, stateSize(in.State)),
		curByID:        map[cloudKey]*current{},
		attached:       map[cloudRef][]*current{},
		desiredServers: map[addrs.Address]*spec.Server{},
		desiredVolumes: map[addrs.Address]desiredVolume{},
		servers:        map[addrs.Address]*serverPlan{},
		intents:        map[addrs.Address]state.Intent{},
		reportedIntent: map[addrs.Address]bool{},
		existing:       map[addrs.Address]bool{},
		fieldErrors:    map[fieldKey]bool{},
		byID:           map[string]*Action{},
		base:           map[addrs.Address][]string{},
		waits:          map[cloudRef]string{},
	}
	for name, t := range in.ProviderTypes {
		b.types[name] = t
	}
	for name, p := range fleet.Providers {
		if p != nil {
			b.types[name] = p.Type
		}
	}
	b.plan = &Plan{
		FormatVersion: FormatVersion,
		FleetVersion:  in.FleetVersion,
		Fleet:         fleet.Name,
		SpecDigest:    fleet.Digest,
		Environment:   EnvironmentOf(fleet),
		Refreshed:     len(in.Inventory) > 0,
		Actions:       []Action{},
	}
	if in.State != nil {
		b.plan.StateLineage = in.State.Lineage
		b.plan.StateSerial = in.State.Serial
	}
	if !in.Destroy {
		for _, s := range fleet.Servers {
			b.desiredServers[s.Address()] = s
			for _, v := range s.Volumes {
				b.desiredVolumes[addrs.Volume(s.Name, v.Name)] = desiredVolume{server: s, volume: v}
			}
		}
	}
	return b
}

// add records an action and returns its id. Ids are unique by construction
// (ActionID).
func (b *builder) add(a *Action) string {
	if a.ID == "" {
		a.ID = ActionID(a.Type, a.Address, a.Role, a.CloudID)
	}
	if prev, ok := b.byID[a.ID]; ok {
		// The same step reached from two paths (a detach needed both by a
		// volume delete and by its server's delete): one action, merged deps.
		prev.DependsOn = append(prev.DependsOn, a.DependsOn...)
		return prev.ID
	}
	a.DependsOn = append(a.DependsOn, b.base[a.Address]...)
	b.actions = append(b.actions, a)
	b.byID[a.ID] = a
	return a.ID
}

// dependOn adds edges: id waits for each of deps ("" entries are skipped).
func (b *builder) dependOn(id string, deps ...string) {
	a := b.byID[id]
	for _, d := range deps {
		if d != "" && d != id {
			a.DependsOn = append(a.DependsOn, d)
		}
	}
}

// cloud returns the provider type of a provider name ("" when unknown).
func (b *builder) cloud(provider string) string { return b.types[provider] }

// refreshed reports whether the provider's inventory was refreshed.
func (b *builder) refreshed(provider string) bool {
	_, ok := b.in.Inventory[provider]
	return ok
}

// errorf appends an error diagnostic about one address: planning failed.
func (b *builder) errorf(addr addrs.Address, summary, detail string) {
	b.fail(spec.Diagnostic{Severity: spec.SeverityError, Summary: summary, Detail: detail, Address: addr.String()})
}

// fail appends an error diagnostic that makes the plan Failed: what it
// holds is not what apply would do, so it is not shown.
func (b *builder) fail(d spec.Diagnostic) {
	b.plan.Failed = true
	b.diags = append(b.diags, d)
}

// errorText is errorf for an address as the user wrote it, which may be no
// address at all (a --target or --replace that does not parse).
func (b *builder) errorText(addr, summary, detail string) {
	b.fail(spec.Diagnostic{Severity: spec.SeverityError, Summary: summary, Detail: detail, Address: addr})
}

// warnf appends a warning diagnostic about one address.
func (b *builder) warnf(addr addrs.Address, summary, detail string) {
	b.diags = append(b.diags, spec.Diagnostic{Severity: spec.SeverityWarning, Summary: summary, Detail: detail, Address: addr.String()})
}

// sortedKeys returns a map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedAddrs returns a map's address keys in address order.
func sortedAddrs[V any](m map[addrs.Address]V) []addrs.Address {
	keys := make([]addrs.Address, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, addrs.Compare)
	return keys
}

// stateSize is how many resources the state records, to size the maps
// keyed by address once.
func stateSize(st *state.State) int {
	if st == nil {
		return 0
	}
	return len(st.Resources)
}
