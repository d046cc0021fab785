package planner

import "github.com/fleet-iac/fleet/addrs"

// planGone settles state entries whose resource the refresh did not find.
// A declared one is created again by the usual path (its address has no
// current resource). An undeclared one would otherwise stay in the state for
// ever, as when a run died between deleting a server and recording it: it
// gets a delete, which the providers answer with not found and the executor
// then records as done, removing the entry.
func (b *builder) planGone() {
	for _, r := range b.gone {
		if _, held := b.cur[r.Address]; held || b.declared(r.Address, r.Kind) {
			continue
		}
		b.add(&Action{Role: RoleGone, Type: Delete, Kind: r.Kind, Address: r.Address,
			Provider: r.Provider, CloudID: r.ID, Reason: "already gone from the cloud: fleet forgets it"})
	}
}

// declared reports whether the fleet file declares the address.
func (b *builder) declared(addr addrs.Address, kind addrs.Kind) bool {
	switch kind {
	case addrs.KindServer:
		_, ok := b.desiredServers[addr]
		return ok
	case addrs.KindVolume:
		_, ok := b.desiredVolumes[addr]
		return ok
	case addrs.KindKeypair:
		for _, k := range b.fleet.Keypairs {
			if k.Address() == addr {
				return true
			}
		}
	case addrs.KindImage:
		for _, im := range b.fleet.Images {
			if im.Address() == addr {
				return true
			}
		}
	}
	return false
}
