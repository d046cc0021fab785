package planner

import (
	"github.com/fleet-iac/fleet/addrs"
)

// applyMoved turns each moved block whose source still exists into a rename
// action and re-keys the server and its volumes under the new address, so
// that the rest of the plan diffs them as the renamed server's.
//
// The executor moves the state entries of server/FROM and of every
// volume/FROM/* to the new addresses when the rename succeeds.
func (b *builder) applyMoved() {
	if b.in.Destroy {
		return
	}
	changed := false
	for _, m := range b.fleet.Moved {
		fromAddr, toAddr := m.Servers()
		from, ok := b.cur[fromAddr]
		if !ok || from.Kind != addrs.KindServer {
			continue // already moved on an earlier apply, or never existed
		}
		if _, ok := b.cur[toAddr]; ok {
			b.errorf(fromAddr, "cannot move "+m.From+" to "+m.To+": both exist",
				"the state (or the cloud) holds both addresses; remove the moved block, or remove one of them with \"fleet state rm\"")
			continue
		}
		if _, ok := b.desiredServers[toAddr]; !ok {
			b.warnf(fromAddr, "moved block ignored: "+m.To+" is not declared",
				"declare the server "+toAddr.Name+" or remove the moved block")
			continue
		}
		oldName, newName := fromAddr.Name, toAddr.Name
		id := b.add(&Action{
			Type: Rename, Kind: addrs.KindServer, Address: fromAddr, Provider: from.Provider, CloudID: from.ID,
			Rename:  &RenameParams{NewName: newName, NewAddress: toAddr},
			Changes: []FieldChange{{Path: FieldName, From: oldName, To: newName}},
			Reason:  "moved block",
		})
		delete(b.cur, fromAddr)
		from.Address = toAddr
		if from.Server != nil { // nil: an empty record, which planServers reports
			renamed := *from.Server // the rename gives it the new name: nothing more to rename
			renamed.Name = newName
			from.Server = &renamed
		}
		b.cur[toAddr] = from
		b.base[toAddr] = []string{id}
		for _, a := range b.curAddrs {
			v, ok := b.cur[a]
			if !ok || v.Kind != addrs.KindVolume {
				continue
			}
			na, renamed := a.Renamed(fromAddr, toAddr)
			if !renamed {
				continue
			}
			if _, taken := b.cur[na]; taken {
				continue
			}
			delete(b.cur, a)
			v.Address = na
			b.cur[na] = v
			b.base[na] = append(append([]string(nil), b.base[a]...), id)
		}
		changed = true
	}
	if changed {
		b.reindex()
	}
}
