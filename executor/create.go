package executor

import (
	"context"
	"fmt"
	"slices"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// createServer creates the server, records its id at once, waits for it to
// run, and then brings it to its declared power state.
func (s *step) createServer() (string, error) {
	srv := s.a.Create.Server
	imageID, err := s.imageID()
	if err != nil {
		return "", err
	}
	created := providers.CreatedServer{Name: srv.Name}
	err = s.call("create", func(ctx context.Context) error {
		resp, err := s.prov.Create(ctx, providers.CreateRequest{Owner: s.owner(s.a.Address),
			Server: &providers.ServerCreate{Spec: srv, ImageID: imageID}})
		created.ID = resp.ID
		return err
	})
	if err != nil {
		return "", err
	}
	return s.settleCreated(created)
}

// imageID is the cloud id of the image the server boots from when it is
// one the fleet makes (image/NAME), "" when the spec names it.
func (s *step) imageID() (string, error) {
	srv := s.a.Create.Server
	name, ok := srv.DeclaredImage()
	if !ok {
		return "", nil
	}
	id, err := s.idOf(addrs.Image(name))
	if err != nil {
		return "", fmt.Errorf("image of %s: %w", s.a.Address, err)
	}
	return id, nil
}

// settleCreated records a created server's id under the name the cloud
// gave it, waits for it to run, gives it a public address when the create
// could not, and brings it to its declared power state.
func (s *step) settleCreated(created providers.CreatedServer) (string, error) {
	srv := s.a.Create.Server
	id := created.ID
	// Record the id before waiting: a crash during the build must not lose it.
	// The file's values the cloud does not report back go with it, so that
	// a later change to them is seen (Action.Declared).
	rec := state.Resource{Address: s.a.Address, Kind: addrs.KindServer, Provider: s.a.Provider, ID: id,
		Server: desiredServer(id, srv, s.owner(s.a.Address)), Declared: s.a.Declared}
	rec.Server.Name = created.Name
	if err := s.commit(func(st *state.State) { st.Put(rec) }); err != nil {
		return id, err
	}
	if s.recorded != nil {
		s.recorded()
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindServer, ID: id, Target: providers.TargetRunning})
	if err != nil {
		return id, fmt.Errorf("wait for %s to run: %w", s.a.Address, err)
	}
	if srv.PublicIP && (seen.Server == nil || seen.Server.PublicIP == "") {
		if err := s.publicIPAfterCreate(id, seen.Server); err != nil {
			return id, err
		}
	}
	switch srv.Power {
	case spec.PowerStopped, spec.PowerShelved:
		// Both clouds build servers running; the declared power state is a
		// second call, under its own intent.
		if err := s.commit(s.refreshCreated(seen, created.Name)); err != nil {
			return id, err
		}
		return id, s.powerOf(id, srv.Power, targetOfPower[srv.Power])
	}
	return id, s.finish(s.refreshCreated(seen, created.Name))
}

// publicIPAfterCreate gives a new server its public address where the
// create call could not (NHN: floating IPs are the Network API's; NCP: a
// server created in a batch or one whose create did not associate one).
// The server's id is in the state already, so a crash here leaves an owned,
// unassociated address that the next plan adopts.
func (s *step) publicIPAfterCreate(id string, seen *providers.Server) error {
	req := providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.a.Address.String(),
		Change: providers.PublicIPChange{On: true, Owner: s.owner(s.a.Address), Network: s.a.Create.Server.PublicNetwork}}
	return s.call("update", func(ctx context.Context) error {
		resp, err := s.prov.Update(ctx, req)
		if seen != nil {
			seen.PublicIP = resp.PublicIP
		}
		return err
	})
}

var targetOfPower = map[spec.Power]providers.Target{
	spec.PowerRunning: providers.TargetRunning,
	spec.PowerStopped: providers.TargetStopped,
	spec.PowerShelved: providers.TargetShelved,
}

// desiredServer is what the state records of a server between its create
// call and the first time fleet sees it.
func desiredServer(id string, srv *providers.ServerSpec, owner providers.Owner) *providers.Server {
	sgs := slices.Clone(srv.Network.SecurityGroups)
	slices.Sort(sgs)
	return &providers.Server{
		ID: id, Name: srv.Name, Owner: owner, Image: srv.Image, Type: srv.Type, Zone: srv.Zone,
		VPC: srv.Network.VPC, Subnet: srv.Network.Subnet, SecurityGroups: sgs, IP: srv.Network.IP,
		Key: srv.Key, Protect: srv.Protect, Busy: true,
	}
}

// createVolume creates a server's volume in the server's zone and records
// its id before waiting.
func (s *step) createVolume() (string, error) {
	vol := s.a.Create.Volume
	srvAddr := s.serverAddr()
	srvRec, ok := s.record(srvAddr)
	if !ok || srvRec.ID == "" {
		return "", fmt.Errorf("server of %s: %s has no cloud id in the state", s.a.Address, srvAddr)
	}
	req := &providers.VolumeCreate{
		Name:     srvAddr.Name + "-" + vol.Name,
		Size:     vol.Size,
		Type:     vol.Type,
		ServerID: srvRec.ID,
	}
	if srvRec.Server != nil {
		req.Zone = srvRec.Server.Zone
	}
	var resp providers.CreateResponse
	err := s.call("create", func(ctx context.Context) (err error) {
		resp, err = s.prov.Create(ctx, providers.CreateRequest{Owner: s.owner(s.a.Address), Volume: req})
		return err
	})
	if err != nil {
		return "", err
	}
	id := resp.ID
	rec := state.Resource{Address: s.a.Address, Kind: addrs.KindVolume, Provider: s.a.Provider, ID: id,
		Volume: &providers.Volume{ID: id, Name: req.Name, Owner: s.owner(s.a.Address), Size: vol.Size, Type: vol.Type, Zone: req.Zone, Busy: true}}
	if err := s.commit(func(st *state.State) { st.Put(rec) }); err != nil {
		return id, err
	}
	// Some clouds create the volume attached to ServerID (NCP), others
	// detached for a later attach action (NHN): idle is the end of both.
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindVolume, ID: id, Target: providers.TargetIdle})
	if err != nil {
		return id, fmt.Errorf("wait for %s to be created: %w", s.a.Address, err)
	}
	return id, s.finish(s.refresh(seen, func(r *state.Resource) { r.Volume.Busy = false }))
}

// createKeypair imports (or generates) a keypair; it is usable at once.
func (s *step) createKeypair() (string, error) {
	kp := s.a.Create.Keypair
	var resp providers.CreateResponse
	err := s.call("create", func(ctx context.Context) (err error) {
		resp, err = s.prov.Create(ctx, providers.CreateRequest{Owner: s.owner(s.a.Address),
			Keypair: &providers.KeypairCreate{Name: kp.Name, PublicKey: kp.PublicKey}})
		return err
	})
	if err != nil {
		return "", err
	}
	id := resp.ID
	if id == "" {
		id = kp.Name // keypairs are named, not numbered, on both clouds
	}
	rec := state.Resource{Address: s.a.Address, Kind: addrs.KindKeypair, Provider: s.a.Provider, ID: id,
		Keypair: &providers.Keypair{Name: kp.Name, Owner: s.owner(s.a.Address)}, Declared: s.a.Declared}
	return id, s.finish(func(st *state.State) { st.Put(rec) })
}

// createImage makes an image from its source server and waits until it is
// ready.
func (s *step) createImage() (string, error) {
	// An image action (MakeImage), or a create of a kind image (Create).
	var img *spec.Image
	if s.a.MakeImage != nil {
		img = s.a.MakeImage.Image
	} else {
		img = s.a.Create.Image
	}
	srvID, err := s.idOf(s.serverAddr())
	if err != nil {
		return "", fmt.Errorf("source of %s: %w", s.a.Address, err)
	}
	var resp providers.CreateResponse
	err = s.call("create", func(ctx context.Context) (err error) {
		resp, err = s.prov.Create(ctx, providers.CreateRequest{Owner: s.owner(s.a.Address),
			Image: &providers.ImageCreate{Name: img.Name, ServerID: srvID}})
		return err
	})
	if err != nil {
		return "", err
	}
	id := resp.ID
	rec := state.Resource{Address: s.a.Address, Kind: addrs.KindImage, Provider: s.a.Provider, ID: id,
		Image: &providers.Image{ID: id, Name: img.Name, Owner: s.owner(s.a.Address), SourceServerID: srvID}, Declared: s.a.Declared}
	if err := s.commit(func(st *state.State) { st.Put(rec) }); err != nil {
		return id, err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindImage, ID: id, Target: providers.TargetAvailable})
	if err != nil {
		return id, fmt.Errorf("wait for %s to be available: %w", s.a.Address, err)
	}
	return id, s.finish(s.refresh(seen, nil))
}

// adopt records a resource the plan found in the cloud; it calls nothing.
func (s *step) adopt() (string, error) {
	ad := s.a.Adopted
	r := state.Resource{Address: s.a.Address, Kind: s.a.Kind, Provider: s.a.Provider, Declared: s.a.Declared}
	switch {
	case ad.Server != nil:
		srv := *ad.Server
		r.ID, r.Server = srv.ID, &srv
	case ad.Volume != nil:
		v := *ad.Volume
		r.ID, r.Volume = v.ID, &v
	case ad.Image != nil:
		img := *ad.Image
		r.ID, r.Image = img.ID, &img
	case ad.Keypair != nil:
		kp := *ad.Keypair
		r.ID, r.Keypair = kp.Name, &kp
	}
	s.begin()
	return r.ID, s.commit(func(st *state.State) { st.Put(r) })
}
