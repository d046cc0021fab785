package planner

import (
	"strings"

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
		from, ok := b.cur[m.From]
		if !ok || from.Kind != addrs.KindServer {
			continue // already moved on an earlier apply, or never existed
		}
		if _, ok := b.cur[m.To]; ok {
			b.errorf(m.From, "cannot move "+m.From+" to "+m.To+": both exist",
				"the state (or the cloud) holds both addresses; remove the moved block, or remove one of them with \"fleet state rm\"")
			continue
		}
		if _, ok := b.desiredServers[m.To]; !ok {
			b.warnf(m.From, "moved block ignored: "+m.To+" is not declared",
				"declare the server "+strings.TrimPrefix(m.To, "server/")+" or remove the moved block")
			continue
		}
		oldName := strings.TrimPrefix(m.From, "server/")
		newName := strings.TrimPrefix(m.To, "server/")
		id := b.add(&Action{
			Type: Rename, Kind: addrs.KindServer, Address: m.From, Provider: from.Provider, CloudID: from.ID,
			NewName: newName, NewAddress: m.To,
			Changes: []FieldChange{{Path: "name", From: oldName, To: newName}},
			Reason:  "moved block",
		})
		delete(b.cur, m.From)
		from.Address = m.To
		if from.Server != nil { // nil: an empty record, which planServers reports
			renamed := *from.Server // the rename gives it the new name: nothing more to rename
			renamed.Name = newName
			from.Server = &renamed
		}
		b.cur[m.To] = from
		b.base[m.To] = []string{id}
		oldPrefix := "volume/" + oldName + "/"
		for _, a := range b.curAddrs {
			v, ok := b.cur[a]
			if !ok || v.Kind != addrs.KindVolume || !strings.HasPrefix(a, oldPrefix) {
				continue
			}
			na := "volume/" + newName + "/" + strings.TrimPrefix(a, oldPrefix)
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
