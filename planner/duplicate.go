package planner

import (
	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// planDuplicates deletes the extra tagged servers and volumes that share an
// address with the one kept (see adoptUnmatched). Every action names the
// duplicate by cloud id, so none of them can reach the kept resource; their
// role is RoleDuplicate, so their ids carry "(duplicate ID)" and stay apart
// from the kept resource's actions. Volumes go first, so that a duplicate server waits for the
// duplicate volumes attached to it to be detached.
func (b *builder) planDuplicates() {
	detachesOf := map[cloudRef][]string{} // server → detaches of duplicate volumes
	for _, c := range b.dups {
		if c.Kind != addrs.KindVolume {
			continue
		}
		reason := b.duplicateOf(c)
		var deps []string
		if sid := c.Volume.ServerID; sid != "" {
			a := &Action{Role: RoleDuplicate, Type: Detach, Kind: addrs.KindVolume, Address: c.Address,
				Provider: c.Provider, CloudID: c.ID, Attachment: &AttachParams{ServerID: sid}, Reason: reason}
			srv := b.curByID[cloudKey{c.Provider, addrs.KindServer, sid}]
			if srv != nil {
				a.Attachment.ServerAddr = srv.Address
			}
			det := b.add(a)
			deps = append(deps, det)
			detachesOf[cloudRef{c.Provider, sid}] = append(detachesOf[cloudRef{c.Provider, sid}], det)
			// A server being deleted waits for it, as for its own volumes.
			if srv != nil {
				if sp := b.servers[srv.Address]; sp != nil && sp.cur == srv && sp.deleteID != "" {
					b.dependOn(sp.deleteID, det)
					b.dependOn(det, sp.stopID)
				}
			}
		}
		b.add(&Action{Role: RoleDuplicate, Type: Delete, Kind: addrs.KindVolume, Address: c.Address,
			Provider: c.Provider, CloudID: c.ID, DependsOn: deps, Reason: reason})
	}
	for _, c := range b.dups {
		if c.Kind != addrs.KindServer {
			continue
		}
		reason := b.duplicateOf(c)
		ncp := b.cloud(c.Provider) != spec.ProviderNHNCloud
		var deps []string
		if c.Server.Protect {
			// The kept server stays, so lifting the duplicate's termination
			// protection takes nothing declared away.
			off := false
			deps = append(deps, b.add(&Action{Role: RoleDuplicate, Type: Update, Kind: addrs.KindServer,
				Address: c.Address, Provider: c.Provider, CloudID: c.ID, Update: &UpdateParams{Protect: &off}, Reason: reason,
				Changes: []FieldChange{{Path: FieldProtect, From: "true", To: "false"}}}))
		}
		stop := ""
		if ncp && stopBeforeTerminate(c.Server) {
			stop = b.add(&Action{Role: RoleDuplicate, Type: Stop, Kind: addrs.KindServer, Address: c.Address,
				Provider: c.Provider, CloudID: c.ID, Reason: "NCP terminates only stopped servers"})
			deps = append(deps, stop)
		}
		for _, v := range b.volumesOf(c) { // volumes fleet keeps, attached to the duplicate
			det := b.detach(v, c, false)
			b.dependOn(det, stop)
			deps = append(deps, det)
		}
		for _, det := range detachesOf[cloudRef{c.Provider, c.ID}] {
			b.dependOn(det, stop)
			deps = append(deps, det)
		}
		b.add(&Action{Role: RoleDuplicate, Type: Delete, Kind: addrs.KindServer, Address: c.Address,
			Provider: c.Provider, CloudID: c.ID, DependsOn: deps, Reason: reason})
	}
}

// duplicateOf returns the reason shown for a duplicate's actions.
func (b *builder) duplicateOf(c *current) (reason string) {
	reason = "duplicate of " + c.Address.String() + " left by an interrupted run"
	if kept := b.cur[c.Address]; kept != nil {
		reason += "; fleet keeps " + kept.ID
	}
	return reason
}
