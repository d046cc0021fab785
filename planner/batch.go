package planner

import (
	"fmt"
	"slices"
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// BatchMember is one server a batch create makes: the action's Members,
// in index order.
type BatchMember struct {
	Address  addrs.Address         `json:"address"`
	Server   *providers.ServerSpec `json:"server"`
	Declared map[string]string     `json:"declared,omitempty"` // as Action.Declared
}

// IsBatch reports whether a is a batch create: one call that creates its
// Members, alike but for their names (Server is nil then).
func (a *Action) IsBatch() bool { return len(a.BatchMembers()) > 0 }

// Servers counts the servers an action acts on: a batch create's members,
// one otherwise.
func (a *Action) Servers() int { return max(1, len(a.BatchMembers())) }

// maxBatchAsk asks a provider for the largest batch it would make: more
// members than any cloud creates in one call.
const maxBatchAsk = 1 << 16

// planBatches turns runs of consecutive, alike member creates of a count
// group into batch creates where the provider creates several servers in
// one call (Input.Batchers), and lists the renames that the cloud's own
// names for the members make necessary, so that the plan lists every call
// apply makes. It runs once targets and rollouts are decided: members in a
// rollout batch or a replacement each go alone.
func (b *builder) planBatches() {
	runs := map[groupKey][]*Action{}
	var keys []groupKey
	for _, a := range b.actions {
		if !b.batchable(a) {
			continue
		}
		k := groupKey{a.Provider, a.NewServer().Group}
		if runs[k] == nil {
			keys = append(keys, k)
		}
		runs[k] = append(runs[k], a)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].provider < keys[j].provider || keys[i].provider == keys[j].provider && keys[i].group < keys[j].group
	})
	merged := map[string]string{}  // member create id → batch id
	renamed := map[string]string{} // member create id → rename id
	for _, k := range keys {
		members := runs[k]
		// Clouds number a batch from its first member, so runs go by index.
		sort.Slice(members, func(i, j int) bool { return members[i].NewServer().Index < members[j].NewServer().Index })
		sizer := b.in.Batchers[k.provider]
		for len(members) > 0 {
			lead := members[0]
			most := sizer.ServerBatchSize(lead.NewServer(), maxBatchAsk)
			n := 1
			if most > 1 {
				deps := b.depSet(lead)
				for n < len(members) && n < most && members[n].NewServer().Index == lead.NewServer().Index+n && b.sameCall(lead, deps, members[n]) {
					n++
				}
			}
			n = min(n, sizer.ServerBatchSize(lead.NewServer(), n))
			if n >= 2 {
				b.addBatch(members[:n], sizer, merged, renamed)
			}
			members = members[max(n, 1):]
		}
	}
	if len(merged) == 0 {
		return
	}
	kept := b.actions[:0]
	for _, a := range b.actions {
		if _, gone := merged[a.ID]; gone {
			delete(b.byID, a.ID)
			continue
		}
		kept = append(kept, a)
	}
	b.actions = kept
	// What waited for a member's create waits for its batch, and for the
	// rename that gives it its declared name, as it did for its create.
	for _, a := range b.actions {
		if !slices.ContainsFunc(a.DependsOn, func(d string) bool { _, ok := merged[d]; return ok }) {
			continue
		}
		var deps []string
		for _, d := range a.DependsOn {
			batch, ok := merged[d]
			if !ok {
				deps = append(deps, d)
				continue
			}
			if batch != a.ID {
				deps = append(deps, batch)
			}
			if r := renamed[d]; r != "" && r != a.ID {
				deps = append(deps, r)
			}
		}
		a.DependsOn = deps
	}
}

// groupKey names a count group within a provider.
type groupKey struct{ provider, group string }

// batchable reports whether a is a member create a provider could put in
// one call with others: a member of a count group, outside any rollout
// batch and any replacement, on a provider that batches.
func (b *builder) batchable(a *Action) bool {
	if a.Type != Create || a.Kind != addrs.KindServer || a.NewServer() == nil || a.NewServer().Index < 1 ||
		a.Batch > 0 || a.Replace || a.Blocked != "" {
		return false
	}
	return b.in.Batchers[a.Provider] != nil
}

// sameCall reports whether member y can share lead's create call: alike
// but for their names, and waiting for the same actions (leadDeps).
func (b *builder) sameCall(lead *Action, leadDeps []string, y *Action) bool {
	return lead.NewServer().SameBatch(y.NewServer()) && slices.Equal(leadDeps, b.depSet(y))
}

// depSet is a's dependencies as finish will keep them: known, sorted, once.
func (b *builder) depSet(a *Action) []string {
	var out []string
	for _, d := range a.DependsOn {
		if _, ok := b.byID[d]; ok && d != a.ID {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// addBatch adds the batch create of members (consecutive, alike, in index
// order) and a rename for each member the cloud names otherwise.
func (b *builder) addBatch(members []*Action, sizer providers.ServerBatchSizer, merged, renamed map[string]string) {
	lead := members[0]
	first, last := lead.NewServer().Index, lead.NewServer().Index+len(members)-1
	batch := &Action{
		Type: Create, Kind: addrs.KindServer, Provider: lead.Provider,
		Address:   providers.GroupAddress(lead.NewServer().Group, first, last),
		Group:     lead.Group,
		DependsOn: b.depSet(lead),
		Create:    &CreateParams{},
	}
	for _, m := range members {
		batch.Create.Members = append(batch.Create.Members, BatchMember{Address: m.Address, Server: m.NewServer(), Declared: m.Declared})
	}
	id := b.add(batch)
	for _, m := range members {
		merged[m.ID] = id
		cloudName := sizer.BatchMemberName(m.NewServer(), first)
		if cloudName == m.NewServer().Name {
			continue
		}
		rename := &Action{
			Type: Rename, Kind: addrs.KindServer, Address: m.Address, Provider: m.Provider,
			Rename: &RenameParams{NewName: m.NewServer().Name, NewAddress: m.Address}, Group: m.Group, DependsOn: []string{id},
			Changes: []FieldChange{{Path: "name", From: cloudName, To: m.NewServer().Name}},
			Reason:  "named by the batch create",
		}
		rename.ID = ActionID(Rename, m.Address, RoleDeclared, "")
		if b.byID[rename.ID] != nil {
			// A moved block renames the server that had this address.
			rename.ID += " (batch member)"
		}
		renamed[m.ID] = b.add(rename)
	}
}

// Shown is the address as people read it in a plan: a batch create's
// members as "server/web-1 … web-20", Address otherwise.
func (a *Action) Shown() string {
	if !a.IsBatch() {
		return a.Address.String()
	}
	first, last := a.BatchMembers()[0], a.BatchMembers()[len(a.BatchMembers())-1]
	return first.Address.String() + " … " + last.Address.Name
}

// batchDetail says what a batch create makes, as describeNewServer does for
// one server: the members are alike but for their names.
func (a *Action) batchDetail() string {
	return fmt.Sprintf("one call for %d servers, ", len(a.BatchMembers())) + describeNewServer(a.BatchMembers()[0].Server)
}
