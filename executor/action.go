package executor

import (
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// do runs the action and returns the cloud id of the resource acted on.
func (s *step) do() (string, error) {
	a := s.a
	switch a.Type {
	case planner.Create:
		switch a.Kind {
		case addrs.KindServer:
			if a.IsBatch() {
				return s.createBatch()
			}
			return s.createServer()
		case addrs.KindVolume:
			return s.createVolume()
		case addrs.KindKeypair:
			return s.createKeypair()
		case addrs.KindImage:
			return s.createImage()
		}
	case planner.MakeImg:
		return s.createImage()
	case planner.Adopt:
		return s.adopt()
	case planner.Wait:
		return s.settle()
	case planner.Rename:
		return s.rename()
	case planner.Delete:
		return s.delete()
	case planner.Resize:
		return s.resize()
	case planner.Start, planner.Unshelve:
		return s.power(spec.PowerRunning, providers.TargetRunning)
	case planner.Stop:
		return s.power(spec.PowerStopped, providers.TargetStopped)
	case planner.Shelve:
		return s.power(spec.PowerShelved, providers.TargetShelved)
	case planner.Attach:
		return s.attach()
	case planner.Detach:
		return s.detach()
	case planner.Update:
		return s.update()
	case planner.Reboot:
		return s.reboot()
	case planner.Check:
		return s.check()
	}
	return "", fmt.Errorf("cannot %s a %s", a.Type, a.Kind)
}

// owner is the tag the resource carries in the cloud.
func (s *step) owner(address addrs.Address) providers.Owner {
	return providers.Owner{Fleet: s.w.opt.Plan.Fleet, Address: address.String()}
}

// record returns a copy of the state's resource at address.
func (s *step) record(address addrs.Address) (state.Resource, bool) {
	var r state.Resource
	var ok bool
	s.w.j.read(func(st *state.State) {
		if p := st.Lookup(address); p != nil {
			r, ok = *p, true
		}
	})
	return r, ok
}

// idOf resolves an address to its cloud id from the state: resources
// created earlier in the same apply get their ids only at run time.
func (s *step) idOf(address addrs.Address) (string, error) {
	r, ok := s.record(address)
	if !ok || r.ID == "" {
		return "", fmt.Errorf("%s has no cloud id in the state", address)
	}
	return r.ID, nil
}

// targetID is the cloud id of the resource the action acts on.
func (s *step) targetID() (string, error) {
	if s.a.CloudID != "" {
		return s.a.CloudID, nil
	}
	return s.idOf(s.a.Address)
}

// serverAddr is the address of the server a volume or image action names.
func (s *step) serverAddr() addrs.Address {
	if addr, _ := s.a.OnServer(); !addr.IsZero() {
		return addr
	}
	if srv, ok := s.a.Address.ServerAddress(); ok && s.a.Kind == addrs.KindVolume {
		return srv
	}
	if s.a.MakeImage != nil && s.a.MakeImage.Image != nil {
		return addrs.Server(s.a.MakeImage.Image.From)
	}
	return addrs.Address{}
}

// refresh replaces the attributes recorded for the action's resource with
// what the wait saw, or patches the recorded ones when it saw nothing.
func (s *step) refresh(seen providers.WaitResponse, patch func(*state.Resource)) func(*state.State) {
	return func(st *state.State) {
		p := st.Lookup(s.a.Address)
		if p == nil {
			return
		}
		// Only the resource acted on may be refreshed: stopping a duplicate,
		// or the old half of a replace, must not overwrite the record of the
		// server that now holds the address.
		acted := s.a.CloudID
		switch {
		case seen.Server != nil:
			acted = seen.Server.ID
		case seen.Volume != nil:
			acted = seen.Volume.ID
		case seen.Image != nil:
			acted = seen.Image.ID
		}
		if acted != "" && p.ID != acted {
			return
		}
		r := *p
		r.Stuck = nil // it settled
		switch {
		case seen.Server != nil && r.Kind == addrs.KindServer:
			srv := *seen.Server
			r.Server = &srv
		case seen.Volume != nil && r.Kind == addrs.KindVolume:
			v := *seen.Volume
			r.Volume = &v
		case seen.Image != nil && r.Kind == addrs.KindImage:
			img := *seen.Image
			r.Image = &img
		default:
			if patch != nil {
				// Copy before patching: stored attributes may be shared
				// with a snapshot being written.
				r.Server, r.Volume = cloneServer(r.Server), cloneVolume(r.Volume)
				patch(&r)
			}
		}
		st.Put(r)
	}
}

func cloneServer(s *providers.Server) *providers.Server {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

func cloneVolume(v *providers.Volume) *providers.Volume {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}
