package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// rename renames the server in the cloud (name and owner tag), then moves
// its state entry to the new address.
func (s *step) rename() (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	to := s.owner(s.a.Rename.NewAddress)
	height := s.n.height
	if s.a.Rename.NewAddress == s.a.Address {
		height = renameHeight
	}
	err = s.callAt("update", height, func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: s.a.Kind, ID: id, Address: s.a.Address.String(),
			Change: providers.Rename{Name: s.a.Rename.NewName, Owner: to, NameOnly: s.a.Rename.NewAddress == s.a.Address}})
		return err
	})
	if err != nil {
		return id, err
	}
	return id, s.finish(func(st *state.State) {
		p := st.Lookup(s.a.Address)
		if p == nil {
			return
		}
		r := *p
		r.Address = s.a.Rename.NewAddress
		if r.Server != nil {
			r.Server = cloneServer(r.Server)
			r.Server.Name, r.Server.Owner = s.a.Rename.NewName, to
		}
		if s.a.Rename.NewAddress == s.a.Address {
			// A name only (a batch member's): nothing moves, and a large
			// batch must not pay a scan of the state per member.
			st.Put(r)
			return
		}
		st.Remove(s.a.Address)
		st.Put(r)
		// The server's volumes move with it: volume/FROM/x becomes volume/TO/x,
		// or the next plan would delete them and create empty ones.
		moveVolumes(st, s.a.Address, s.a.Rename.NewAddress)
	})
}

// moveVolumes re-addresses the volumes of server address from to server address to.
func moveVolumes(st *state.State, from, to addrs.Address) {
	var moved []state.Resource
	for _, r := range st.Resources {
		if r.Address.Kind == addrs.KindVolume {
			if _, ok := r.Address.Renamed(from, to); ok {
				moved = append(moved, r)
			}
		}
	}
	for _, r := range moved {
		st.Remove(r.Address)
		r.Address, _ = r.Address.Renamed(from, to)
		st.Put(r)
	}
}

// delete deletes the resource, waits until it is gone and removes it from
// the state; a resource already gone counts as deleted.
func (s *step) delete() (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	gone := false
	err = s.call("delete", func(ctx context.Context) error {
		_, err := s.prov.Delete(ctx, providers.DeleteRequest{Kind: s.a.Kind, ID: id, Address: s.a.Address.String()})
		if errors.Is(err, providers.ErrNotFound) {
			gone = true // already gone: what the action wanted
			return nil
		}
		return err
	})
	if err != nil {
		return id, err
	}
	if !gone && s.a.Kind != addrs.KindKeypair {
		_, err := s.wait(providers.WaitRequest{Kind: s.a.Kind, ID: id, Target: providers.TargetGone})
		if err != nil && !errors.Is(err, providers.ErrNotFound) {
			return id, fmt.Errorf("wait for %s to be gone: %w", s.a.Address, err)
		}
	}
	return id, s.finish(func(st *state.State) {
		// The new half of a replace may hold the address by now.
		if p := st.Lookup(s.a.Address); p != nil && p.ID == id {
			st.Remove(s.a.Address)
		}
	})
}

// resize changes the server's type and waits until the cloud reports it.
func (s *step) resize() (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	err = s.call("update", func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.a.Address.String(),
			Change: providers.Resize{Type: s.a.Resize.NewType}})
		return err
	})
	if err != nil {
		return id, err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindServer, ID: id, Target: providers.TargetIdle, Type: s.a.Resize.NewType})
	if err != nil {
		return id, fmt.Errorf("wait for %s to be %s: %w", s.a.Address, s.a.Resize.NewType, err)
	}
	return id, s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Server != nil {
			r.Server.Type, r.Server.Busy = s.a.Resize.NewType, false
		}
	}))
}

// power starts, stops, shelves or unshelves the server.
func (s *step) power(to spec.Power, target providers.Target) (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	err = s.powerOf(id, to, target)
	if errors.Is(err, providers.ErrNotFound) && s.deletedNext() {
		// Stopped for its delete, and already gone (an earlier, killed run's
		// terminate went through): the delete, which finds it gone, is done.
		return id, s.finish(nil)
	}
	return id, err
}

// deletedNext reports whether a delete of this very server waits on this
// action.
func (s *step) deletedNext() bool {
	for _, u := range s.n.users {
		if a := s.w.g.nodes[u].action; a != nil && a.Type == planner.Delete && a.Address == s.a.Address {
			return true
		}
	}
	return false
}

// powerOf moves server id to power state to and waits for target.
func (s *step) powerOf(id string, to spec.Power, target providers.Target) error {
	err := s.call("update", func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.a.Address.String(),
			Change: providers.PowerChange{To: to}})
		return err
	})
	if err != nil {
		return err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindServer, ID: id, Target: target})
	if err != nil {
		return fmt.Errorf("wait for %s to be %s: %w", s.a.Address, target, err)
	}
	return s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Server != nil {
			r.Server.Power, r.Server.Busy = to, false
		}
	}))
}

// attach attaches the volume to its server and waits until it is.
func (s *step) attach() (string, error) {
	vid, err := s.targetID()
	if err != nil {
		return "", err
	}
	sid, err := s.idOf(s.serverAddr())
	if err != nil {
		return vid, fmt.Errorf("server of %s: %w", s.a.Address, err)
	}
	// A server an earlier, interrupted run created may still be building:
	// the clouds refuse attachments until it settles (NHN 409), so wait first.
	if r, ok := s.record(s.serverAddr()); ok && r.Server != nil && (r.Server.Busy || r.Server.Power == "") {
		if _, err := s.waitAt(s.serverAddr(), providers.WaitRequest{Kind: addrs.KindServer, ID: sid, Target: providers.TargetIdle}); err != nil {
			return vid, fmt.Errorf("wait for the server of %s to settle: %w", s.a.Address, err)
		}
	}
	err = s.call("update", func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: s.a.Address.String(),
			Change: providers.Attach{VolumeID: vid, ServerID: sid}})
		return err
	})
	if err != nil {
		return vid, err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindVolume, ID: vid, Target: providers.TargetAttached, ServerID: sid})
	if err != nil {
		return vid, fmt.Errorf("wait for %s to be attached: %w", s.a.Address, err)
	}
	return vid, s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Volume != nil {
			r.Volume.ServerID, r.Volume.Busy = sid, false
		}
	}))
}

// detach detaches the volume from its server and waits until it is free.
func (s *step) detach() (string, error) {
	vid, err := s.targetID()
	if err != nil {
		return "", err
	}
	// The server is the one the planner saw it attached to (during a replace
	// the address already names the new server), else the one the plan names,
	// else the one the state saw the volume attached to.
	_, sid := s.a.OnServer()
	err = nil
	if sid == "" {
		sid, err = s.idOf(s.serverAddr())
	}
	if err != nil {
		r, _ := s.record(s.a.Address)
		if r.Volume == nil || r.Volume.ServerID == "" {
			return vid, fmt.Errorf("server of %s: %w", s.a.Address, err)
		}
		sid = r.Volume.ServerID
	}
	err = s.call("update", func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindVolume, ID: vid, Address: s.a.Address.String(),
			Change: providers.Detach{VolumeID: vid, ServerID: sid}})
		return err
	})
	if err != nil {
		return vid, err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindVolume, ID: vid, Target: providers.TargetAvailable})
	if err != nil {
		return vid, fmt.Errorf("wait for %s to be detached: %w", s.a.Address, err)
	}
	return vid, s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Volume != nil {
			r.Volume.ServerID, r.Volume.Busy = "", false
		}
	}))
}

// update makes the action's in-place changes, one call each, in a fixed
// order.
func (s *step) update() (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	a := s.a
	var changes []providers.Change
	if a.Update.Protect != nil {
		changes = append(changes, providers.Protect{On: *a.Update.Protect})
	}
	if a.Update.SecGroups != nil {
		changes = append(changes, providers.SecurityGroups{Names: a.Update.SecGroups})
	}
	if a.Update.Metadata != nil {
		changes = append(changes, providers.Metadata{Values: a.Update.Metadata})
	}
	if a.Update.PublicIP != nil {
		changes = append(changes, providers.PublicIPChange{On: *a.Update.PublicIP, Owner: s.owner(a.Address), Network: a.Update.PublicNet})
	}
	if a.Update.VolumeSize > 0 {
		changes = append(changes, providers.ExtendVolume{Size: a.Update.VolumeSize})
	}
	publicIP := ""
	for _, c := range changes {
		req := providers.UpdateRequest{Kind: a.Kind, ID: id, Address: a.Address.String(), Change: c}
		err := s.call("update", func(ctx context.Context) error {
			resp, err := s.prov.Update(ctx, req)
			if _, ok := c.(providers.PublicIPChange); ok {
				publicIP = resp.PublicIP
			}
			return err
		})
		if err != nil {
			return id, err
		}
	}
	var seen providers.WaitResponse
	if a.Update.VolumeSize > 0 {
		// The volume is busy while it grows, attached or not.
		wr := providers.WaitRequest{Kind: addrs.KindVolume, ID: id, Target: providers.TargetIdle}
		if seen, err = s.wait(wr); err != nil {
			return id, fmt.Errorf("wait for %s to grow: %w", a.Address, err)
		}
	}
	return id, s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Server != nil {
			if a.Update.Protect != nil {
				r.Server.Protect = *a.Update.Protect
			}
			if a.Update.SecGroups != nil {
				r.Server.SecurityGroups = slices.Sorted(slices.Values(a.Update.SecGroups))
			}
			if a.Update.Metadata != nil {
				r.Server.Metadata = a.Update.Metadata
			}
			if a.Update.PublicIP != nil {
				r.Server.PublicIP, r.Server.PublicIPPending = publicIP, ""
			}
		}
		if r.Volume != nil && a.Update.VolumeSize > 0 {
			r.Volume.Size = a.Update.VolumeSize
		}
	}))
}
