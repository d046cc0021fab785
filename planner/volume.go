package planner

import (
	"strconv"

	"github.com/fleet-iac/fleet/addrs"
)

// planVolumes creates, grows, replaces, moves and deletes additional
// volumes. A volume follows its server through a replacement (detached from
// the old server once the new one exists, attached to the new one), except
// into another zone, where it is replaced too.
func (b *builder) planVolumes() {
	for _, addr := range sortedAddrs(b.desiredVolumes) {
		dv := b.desiredVolumes[addr]
		sp := b.servers[dv.server.Address()]
		c, ok := b.cur[addr]
		switch {
		case !ok:
			b.newVolume(addr, dv, sp, false, nil)
		case c.Kind != addrs.KindVolume || c.Volume == nil:
			b.errorf(addr, addr.String()+": the state holds a "+string(c.Kind)+" here", "remove it with \"fleet state rm "+addr.String()+"\"")
		default:
			b.changeVolume(addr, dv, sp, c)
		}
	}
	for _, addr := range b.curAddrs {
		c := b.cur[addr]
		if c.Kind != addrs.KindVolume {
			continue
		}
		if _, ok := b.desiredVolumes[addr]; ok {
			continue
		}
		var deps []string
		if srv := b.attachedTo(c); srv != nil {
			deps = append(deps, b.detach(c, srv, false))
		}
		b.add(&Action{Type: Delete, Kind: addrs.KindVolume, Address: addr, Provider: c.Provider, CloudID: c.ID, DependsOn: deps})
	}
}

// newVolume creates a volume after its server exists and attaches it. A
// replacement volume (replace) waits for its predecessor to be detached
// before it is attached.
func (b *builder) newVolume(addr addrs.Address, dv desiredVolume, sp *serverPlan, replace bool, forced []FieldChange) (create, attach string) {
	v := dv.volume
	srvID := ""
	if sp.create == "" && sp.cur != nil {
		srvID = sp.cur.ID
	}
	serverDeps := []string{sp.create}
	serverDeps = append(serverDeps, b.base[sp.addr]...)
	create = b.add(&Action{Type: Create, Kind: addrs.KindVolume, Address: addr, Provider: dv.server.Provider,
		Create: &CreateParams{Volume: &v, ServerAddr: sp.addr, ServerID: srvID}, Replace: replace, Group: dv.server.Group,
		Changes: forced, DependsOn: serverDeps})
	attach = b.add(&Action{Type: Attach, Kind: addrs.KindVolume, Address: addr, Provider: dv.server.Provider,
		Attachment: &AttachParams{ServerAddr: sp.addr, ServerID: srvID}, Group: dv.server.Group, DependsOn: append([]string{create}, serverDeps...)})
	if sp.powerOff != "" {
		b.dependOn(sp.powerOff, attach)
	}
	if sp.replaced {
		sp.batched = append(sp.batched, create, attach)
	}
	return create, attach
}

// changeVolume converges an existing volume: grow in place, replace when it
// would shrink or change type, and attach it to its server.
func (b *builder) changeVolume(addr addrs.Address, dv desiredVolume, sp *serverPlan, c *current) {
	want, have := dv.volume, c.Volume
	var forced []FieldChange
	reason := ""
	if want.Size < have.Size {
		forced = append(forced, FieldChange{Path: FieldSize, From: strconv.Itoa(have.Size), To: strconv.Itoa(want.Size), ForcesReplace: true})
		reason = "volumes cannot shrink"
	}
	if want.Type != "" && have.Type != "" && want.Type != have.Type {
		forced = append(forced, FieldChange{Path: FieldType, From: have.Type, To: want.Type, ForcesReplace: true})
	}
	switch {
	case sp.zoneMove && c.Provider != sp.desired.Provider:
		forced = append(forced, FieldChange{Path: FieldProvider, From: c.Provider, To: sp.desired.Provider, ForcesReplace: true})
		reason = "its server moves to another provider"
	case sp.zoneMove:
		forced = append(forced, FieldChange{Path: FieldZone, From: orNone(have.Zone), To: orNone(sp.desired.Zone), ForcesReplace: true})
		reason = "its server moves to another zone"
	}
	srv := b.attachedTo(c)
	if len(forced) > 0 {
		create, attach := b.newVolume(addr, dv, sp, true, forced)
		b.byID[create].Reason = reason
		var deps []string
		if srv != nil {
			det := b.detach(c, srv, true)
			if !sp.oldFirst { // else the new volume waits for the new server, which waits for this detach
				b.dependOn(det, create)
			}
			b.dependOn(attach, det)
			deps = append(deps, det)
		}
		del := b.add(&Action{Role: RoleReplaced, Type: Delete, Kind: addrs.KindVolume, Address: addr,
			Provider: c.Provider, CloudID: c.ID, Replace: true, DependsOn: append(deps, create)})
		if sp.replaced {
			sp.batched = append(sp.batched, del)
		}
		return
	}
	// Neither cloud extends a volume in use (Cinder v2 refuses, NCP detaches
	// first), so a grow is detach → update → attach, in the open.
	grow := want.Size > have.Size
	inPlace := sp.create == "" && srv != nil && sp.cur != nil && srv.ID == sp.cur.ID
	if inPlace && !grow {
		return // attached where it belongs
	}
	srvID := ""
	if sp.create == "" && sp.cur != nil {
		srvID = sp.cur.ID
	}
	deps := []string{sp.create}
	var steps []string
	if srv != nil {
		det := b.detach(c, srv, false)
		deps = append(deps, det)
		steps = append(steps, det)
	}
	if grow {
		upd := b.add(&Action{Type: Update, Kind: addrs.KindVolume, Address: addr, Provider: c.Provider, CloudID: c.ID,
			Update: &UpdateParams{VolumeSize: want.Size}, Group: dv.server.Group, DependsOn: append([]string(nil), deps[1:]...),
			Changes: []FieldChange{{Path: FieldSize, From: strconv.Itoa(have.Size), To: strconv.Itoa(want.Size)}}})
		deps = append(deps, upd)
		steps = append(steps, upd)
	}
	attach := b.add(&Action{Type: Attach, Kind: addrs.KindVolume, Address: addr, Provider: c.Provider, CloudID: c.ID,
		Attachment: &AttachParams{ServerAddr: sp.addr, ServerID: srvID}, Group: dv.server.Group, DependsOn: deps})
	if sp.powerOff != "" {
		b.dependOn(sp.powerOff, attach)
	}
	if sp.replaced {
		sp.batched = append(sp.batched, steps...)
		sp.batched = append(sp.batched, attach)
	}
}

// detach detaches a current volume from the current server it is attached
// to. When that server is being replaced, the detach waits for the new
// server (capacity first) and for the old one to stop.
func (b *builder) detach(v, srv *current, replace bool) string {
	var deps []string
	if sp := b.servers[srv.Address]; sp != nil && sp.cur == srv {
		if !sp.oldFirst { // else the create waits for this server's delete, which waits for this detach
			deps = append(deps, sp.create)
		}
		deps = append(deps, sp.stopID)
	}
	return b.add(&Action{Type: Detach, Kind: addrs.KindVolume, Address: v.Address, Provider: v.Provider, CloudID: v.ID,
		Attachment: &AttachParams{ServerAddr: srv.Address, ServerID: srv.ID}, Replace: replace, DependsOn: deps})
}
