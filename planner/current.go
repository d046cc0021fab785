package planner

import (
	"sort"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// current is one resource as it is now: from the refreshed inventory when
// its provider was refreshed, otherwise from the state as last seen.
type current struct {
	Address  addrs.Address
	Kind     addrs.Kind
	Provider string
	ID       string
	Server   *providers.Server
	Volume   *providers.Volume
	Image    *providers.Image
	Keypair  *providers.Keypair
	Adopted  bool // found in the cloud, not in the state: an adopt action records it
	// Declared holds what the state recorded of the file when fleet created
	// the resource, for values the cloud does not report (replace.go).
	Declared map[string]string
}

// inventoryIndex finds one provider's inventory records by cloud id.
type inventoryIndex struct {
	servers  map[string]*providers.Server
	volumes  map[string]*providers.Volume
	images   map[string]*providers.Image
	keypairs map[string]*providers.Keypair // by name: keypairs have no other id
	used     map[cloudKey]bool             // records matched to the state (no provider: one index is one provider's)
}

func indexInventory(inv providers.InventoryResponse) *inventoryIndex {
	x := &inventoryIndex{
		servers:  make(map[string]*providers.Server, len(inv.Servers)),
		volumes:  make(map[string]*providers.Volume, len(inv.Volumes)),
		images:   make(map[string]*providers.Image, len(inv.Images)),
		keypairs: make(map[string]*providers.Keypair, len(inv.Keypairs)),
		used:     make(map[cloudKey]bool, len(inv.Servers)+len(inv.Volumes)+len(inv.Images)+len(inv.Keypairs)),
	}
	for i := range inv.Servers {
		x.servers[inv.Servers[i].ID] = &inv.Servers[i]
	}
	for i := range inv.Volumes {
		x.volumes[inv.Volumes[i].ID] = &inv.Volumes[i]
	}
	for i := range inv.Images {
		x.images[inv.Images[i].ID] = &inv.Images[i]
	}
	for i := range inv.Keypairs {
		x.keypairs[inv.Keypairs[i].Name] = &inv.Keypairs[i]
	}
	return x
}

// loadCurrent matches the state to the inventory by cloud id, records
// drift, and turns owned records missing from the state into adopt actions.
func (b *builder) loadCurrent() {
	b.loadIntents()
	idx := map[string]*inventoryIndex{}
	for _, name := range sortedKeys(b.in.Inventory) {
		idx[name] = indexInventory(b.in.Inventory[name])
	}
	if st := b.in.State; st != nil {
		for i := range st.Resources {
			b.matchState(&st.Resources[i], idx[st.Resources[i].Provider])
		}
	}
	for _, name := range sortedKeys(b.in.Inventory) {
		b.adoptUnmatched(name, b.in.Inventory[name], idx[name])
	}
	b.reportIntents()
	b.reindex()
}

// matchState turns one state entry into its current form.
func (b *builder) matchState(r *state.Resource, x *inventoryIndex) {
	c := &current{Address: r.Address, Kind: r.Kind, Provider: r.Provider, ID: r.ID, Declared: r.Declared}
	if x == nil { // not refreshed: trust the state
		c.Server, c.Volume, c.Image, c.Keypair = r.Server, r.Volume, r.Image, r.Keypair
		b.cur[c.Address] = c
		return
	}
	found := false
	switch r.Kind {
	case addrs.KindServer:
		if s, ok := x.servers[r.ID]; ok {
			c.Server, found = s, true
			// A record fleet made mid-transition (a run died before the final
			// one) is not what fleet last saw settle: differences from it
			// were not made outside fleet.
			if r.Server == nil || !r.Server.Busy {
				b.recordDiff(r.Address, DriftChanged, b.dropIgnored(b.desiredServers[r.Address], r.Address, serverDrift(r.Server, s)))
			}
		}
	case addrs.KindVolume:
		if v, ok := x.volumes[r.ID]; ok {
			c.Volume, found = v, true
			if r.Volume == nil || !r.Volume.Busy {
				b.recordDiff(r.Address, DriftChanged, volumeDrift(r.Volume, v))
			}
		}
	case addrs.KindImage:
		if im, ok := x.images[r.ID]; ok {
			c.Image, found = im, true
		}
	case addrs.KindKeypair:
		if k, ok := x.keypairs[r.ID]; ok {
			c.Keypair, found = k, true
			b.recordDiff(r.Address, DriftChanged, keypairDrift(r.Keypair, k))
		}
	}
	if !found {
		b.recordDiff(r.Address, DriftDeleted, nil)
		b.gone = append(b.gone, r)
		return
	}
	x.used[cloudKey{kind: r.Kind, id: r.ID}] = true
	b.cur[c.Address] = c
}

// adoptUnmatched adopts the owned records of one provider that no state
// entry matched. Records of another fleet or none (untagged resources the
// state asked for by id) are never touched. Where several tagged servers or
// volumes claim one address (a crash between the halves of a replace, or a
// create whose result was never recorded), exactly one is kept: the one the
// state holds, else the healthiest, then lowest id, which is adopted; the
// others are deleted as duplicates (duplicate.go).
func (b *builder) adoptUnmatched(provider string, inv providers.InventoryResponse, x *inventoryIndex) {
	var found []*tagged
	owned := func(o providers.Owner) bool { return o.Fleet == b.fleet.Name }
	for i := range inv.Servers {
		s := &inv.Servers[i]
		if !x.used[cloudKey{kind: addrs.KindServer, id: s.ID}] && owned(s.Owner) {
			found = append(found, &tagged{current: &current{Kind: addrs.KindServer, Provider: provider, ID: s.ID, Server: s}, tag: s.Owner.Address})
		}
	}
	for i := range inv.Volumes {
		v := &inv.Volumes[i]
		if !x.used[cloudKey{kind: addrs.KindVolume, id: v.ID}] && owned(v.Owner) {
			found = append(found, &tagged{current: &current{Kind: addrs.KindVolume, Provider: provider, ID: v.ID, Volume: v}, tag: v.Owner.Address})
		}
	}
	for i := range inv.Images {
		im := &inv.Images[i]
		if !x.used[cloudKey{kind: addrs.KindImage, id: im.ID}] && owned(im.Owner) {
			found = append(found, &tagged{current: &current{Kind: addrs.KindImage, Provider: provider, ID: im.ID, Image: im}, tag: im.Owner.Address})
		}
	}
	b.useExistingKeypairs(provider, inv, x)
	// Per address, the record to keep comes first.
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].tag != found[j].tag {
			return found[i].tag < found[j].tag
		}
		if hi, hj := health(found[i].current), health(found[j].current); hi != hj {
			return hi < hj
		}
		return found[i].ID < found[j].ID
	})
	for _, t := range found {
		c := t.current
		addr, err := addrs.Parse(t.tag)
		if err != nil || addr.Kind != c.Kind {
			b.malformedTag(t, provider)
			continue
		}
		c.Address = addr
		if prev, ok := b.cur[c.Address]; ok {
			if prev.Kind == c.Kind && (c.Kind == addrs.KindServer || c.Kind == addrs.KindVolume) {
				b.dups = append(b.dups, c)
				continue
			}
			b.warnf(c.Address, "found a second "+string(c.Kind)+" tagged "+c.Address.String(),
				"cloud id "+c.ID+" carries the same address as "+prev.ID+"; fleet leaves it alone: delete it in the console, or remove its tag")
			continue
		}
		c.Adopted = true
		c.Declared = b.createdDeclared(c.Address)
		b.cur[c.Address] = c
		b.base[c.Address] = []string{b.add(&Action{
			Type: Adopt, Kind: c.Kind, Address: c.Address, Provider: provider, CloudID: c.ID,
			Adopted:  &AdoptedResource{Server: c.Server, Volume: c.Volume, Image: c.Image, Keypair: c.Keypair},
			Declared: c.Declared,
			Reason:   "owned by this fleet but missing from the state",
		})}
	}
}

// tagged is a record found in the cloud with this fleet's tag, before its
// tag is read as an address.
type tagged struct {
	*current
	tag string // the owner tag's address text
}

// malformedTag warns of a record whose tag names no address of its kind.
// The diagnostic carries the tag's text as it is: it is no address.
func (b *builder) malformedTag(t *tagged, provider string) {
	b.diags = append(b.diags, spec.Diagnostic{Severity: spec.SeverityWarning, Address: t.tag,
		Summary: "ignored a " + string(t.Kind) + " with a malformed owner address",
		Detail:  "cloud id " + t.ID + " in provider " + provider + " carries this fleet's tag with address \"" + t.tag + "\"; fix or remove the tag in the console"})
}

// health ranks a found record for keeping among duplicates: 0 usable, 1
// busy or in transition, 2 failed.
func health(c *current) int {
	switch {
	case c.Server != nil && c.Server.Failed:
		return 2
	case c.Server != nil && (c.Server.Busy || c.Server.Power == ""):
		return 1
	case c.Volume != nil && c.Volume.Busy:
		return 1
	}
	return 0
}

// reindex rebuilds the lookups derived from cur.
func (b *builder) reindex() {
	b.curAddrs = sortedAddrs(b.cur)
	b.curByID = make(map[cloudKey]*current, len(b.cur))
	b.attached = map[cloudRef][]*current{}
	for _, a := range b.curAddrs {
		c := b.cur[a]
		if c.Kind == addrs.KindServer || c.Kind == addrs.KindVolume {
			b.curByID[cloudKey{c.Provider, c.Kind, c.ID}] = c
		}
	}
	// Duplicate servers are found by id too, so that a volume attached to
	// one is detached from it; duplicate volumes stay out of the attachment
	// index: their own detach is planned with them.
	for _, c := range b.dups {
		if c.Kind == addrs.KindServer {
			b.curByID[cloudKey{c.Provider, c.Kind, c.ID}] = c
		}
	}
	for _, a := range b.curAddrs {
		c := b.cur[a]
		if c.Kind == addrs.KindVolume && c.Volume != nil && c.Volume.ServerID != "" {
			k := cloudRef{c.Provider, c.Volume.ServerID}
			b.attached[k] = append(b.attached[k], c)
		}
	}
}

// attachedTo returns the current server a volume is attached to, or nil
// when it is detached or its server is gone.
func (b *builder) attachedTo(v *current) *current {
	if v.Volume == nil || v.Volume.ServerID == "" {
		return nil
	}
	return b.curByID[cloudKey{v.Provider, addrs.KindServer, v.Volume.ServerID}]
}

// volumesOf returns the current volumes attached to a current server.
func (b *builder) volumesOf(s *current) []*current {
	return b.attached[cloudRef{s.Provider, s.ID}]
}
