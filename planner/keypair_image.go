package planner

import (
	"github.com/fleet-iac/fleet/addrs"
)

// planKeypairs creates declared keypairs that do not exist and deletes
// recorded ones nothing declares (only the state's: fleet deletes only
// keypairs it created; one it found is used, see existing.go). Keypairs are never changed in place: a
// new public key under the same name shows as drift.
func (b *builder) planKeypairs() {
	declared := map[addrs.Address]bool{}
	if !b.in.Destroy {
		for _, k := range b.fleet.Keypairs {
			addr := k.Address()
			declared[addr] = true
			if _, ok := b.cur[addr]; ok || b.existing[addr] {
				continue
			}
			kc := *k
			b.add(&Action{Type: Create, Kind: addrs.KindKeypair, Address: addr, Provider: k.Provider, Create: &CreateParams{Keypair: &kc},
				Declared: declaredKeypair(k)})
		}
	}
	for _, addr := range b.curAddrs {
		c := b.cur[addr]
		if c.Kind == addrs.KindKeypair && !declared[addr] {
			b.add(&Action{Type: Delete, Kind: addrs.KindKeypair, Address: addr, Provider: c.Provider, CloudID: c.ID})
		}
	}
}

// planImages makes declared images that do not exist and deletes recorded
// ones nothing declares. An image is never remade: its server changing
// later does not change it.
func (b *builder) planImages() {
	declared := map[addrs.Address]bool{}
	if !b.in.Destroy {
		for _, im := range b.fleet.Images {
			addr := im.Address()
			declared[addr] = true
			if _, ok := b.cur[addr]; ok {
				continue
			}
			provider := ""
			if s := b.fleet.Server(im.From); s != nil {
				provider = s.Provider
			}
			ic := *im
			b.add(&Action{Type: MakeImg, Kind: addrs.KindImage, Address: addr, Provider: provider,
				MakeImage: &ImageParams{Image: &ic, ServerAddr: addrs.Server(im.From)}, Declared: declaredImage(im)})
		}
	}
	for _, addr := range b.curAddrs {
		c := b.cur[addr]
		if c.Kind == addrs.KindImage && !declared[addr] {
			b.add(&Action{Type: Delete, Kind: addrs.KindImage, Address: addr, Provider: c.Provider, CloudID: c.ID})
		}
	}
}

// wire adds the edges between resources of different kinds: keypairs and
// images before the servers that use them, an image after its source server
// is at its target, detaches before the delete of the server they leave,
// servers deleted before the keypair they use, and waits (wait.go).
func (b *builder) wire() {
	for _, addr := range sortedAddrs(b.servers) {
		sp := b.servers[addr]
		if sp.blocked != "" {
			b.markBlocked(sp)
		}
		if sp.create != "" {
			d := sp.desired
			b.dependOn(sp.create, b.ifPlanned(Create, addrs.Keypair(d.Key)))
			if name, ok := d.DeclaredImage(); ok {
				b.dependOn(sp.create, b.ifPlanned(MakeImg, addrs.Image(name)), b.ifPlanned(Wait, addrs.Image(name)))
			}
		}
		if sp.deleteID != "" {
			old := sp.cur
			for _, v := range b.volumesOf(old) {
				b.dependOn(sp.deleteID, b.detach(v, old, sp.replaced))
			}
			if old.Server != nil && old.Server.Key != "" {
				if del := b.ifPlanned(Delete, addrs.Keypair(old.Server.Key)); del != "" {
					b.dependOn(del, sp.deleteID)
				}
			}
		}
	}
	for _, im := range b.fleet.Images {
		id := b.ifPlanned(MakeImg, im.Address())
		if id == "" {
			continue
		}
		src := addrs.Server(im.From)
		a := b.byID[id]
		if sp := b.servers[src]; sp != nil && sp.create == "" && sp.cur != nil {
			a.MakeImage.ServerID = sp.cur.ID
		}
		a.DependsOn = append(a.DependsOn, b.base[src]...)
		for _, other := range b.actions {
			if other.Address == src && !(other.Replace && other.Type != Create) {
				a.DependsOn = append(a.DependsOn, other.ID)
			}
		}
	}
	b.wireWaits()
}

// ifPlanned returns the id of the action of type t on the resource at addr
// when the plan holds one, else "".
func (b *builder) ifPlanned(t ActionType, addr addrs.Address) string {
	id := ActionID(t, addr, RoleDeclared, "")
	if _, ok := b.byID[id]; ok {
		return id
	}
	return ""
}
