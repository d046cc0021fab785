package planner

import (
	"github.com/fleet-iac/fleet/providers"
)

// Existing is a declared resource found in the cloud that this fleet did
// not create: the plan uses it and never deletes it. Keypairs (NHN
// keypairs, NCP login keys) carry no owner tag on either cloud, so the
// state is the only record of which ones fleet created; one the state does
// not hold may be another fleet's or a person's.
type Existing struct {
	Address  string         `json:"address"`
	Kind     providers.Kind `json:"kind"`
	Provider string         `json:"provider"`
	CloudID  string         `json:"cloud_id"`
}

// Line is how people read it: "uses existing keypair/k".
func (e Existing) Line() string { return "uses existing " + e.Address }

// useExistingKeypairs handles the keypairs of one provider that no state
// entry matched. A declared one is used as it is (Plan.Existing): neither
// created nor, since the state does not hold it, ever deleted. The one
// exception is a keypair this fleet's own create left unrecorded (a pending
// create intent in the state): that one is fleet's, and is adopted.
func (b *builder) useExistingKeypairs(provider string, inv providers.InventoryResponse, x *inventoryIndex) {
	declared := map[string]bool{}
	if b.in.Destroy {
		return // nothing is used any more, and what the state lacks is not deleted
	}
	for _, k := range b.fleet.Keypairs {
		if k.Provider == provider || k.Provider == "" {
			declared[k.Name] = true
		}
	}
	for i := range inv.Keypairs {
		k := &inv.Keypairs[i]
		addr := "keypair/" + k.Name
		if x.used[string(providers.KindKeypair)+"\x00"+k.Name] || !declared[k.Name] {
			continue
		}
		if in, ok := b.intents[addr]; ok && in.Action == string(Create)+" "+addr {
			c := &current{Address: addr, Kind: providers.KindKeypair, Provider: provider, ID: k.Name, Keypair: k, Adopted: true,
				Declared: b.createdDeclared(addr)}
			b.cur[addr] = c
			b.base[addr] = []string{b.add(&Action{
				Type: Adopt, Kind: providers.KindKeypair, Address: addr, Provider: provider, CloudID: k.Name,
				Adopted:  &AdoptedResource{Keypair: k},
				Declared: c.Declared,
				Reason:   "created by an interrupted apply of this fleet",
			})}
			continue
		}
		b.existing[addr] = true
		b.plan.Existing = append(b.plan.Existing, Existing{Address: addr, Kind: providers.KindKeypair, Provider: provider, CloudID: k.Name})
	}
}
