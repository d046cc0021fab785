package planfile

import (
	"time"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/spec"
)

// Encode is p in the saved form, made with options o. Apply encodes the
// plan it makes again the same way, so that the two compare field by field.
func Encode(p *planner.Plan, o Options) *Plan {
	out := &Plan{
		FormatVersion: FormatVersion, FleetVersion: p.FleetVersion, Fleet: p.Fleet,
		StateLineage: p.StateLineage, StateSerial: p.StateSerial, SpecDigest: p.SpecDigest,
		InventoryFingerprint: p.InventoryFingerprint, Refreshed: p.Refreshed,
		FleetFiles: p.FleetFiles, VarFiles: p.VarFiles, Environment: p.Environment, Options: o,
		Actions: make([]Action, len(p.Actions)),
		Drift:   p.Drift, Interrupted: p.Interrupted, Rollouts: p.Rollouts, Existing: p.Existing,
		Ignored: p.Ignored, Lookups: p.Lookups, Summary: p.Summary,
	}
	for i, a := range p.Actions {
		sa := Action{Server: server(a.Server), Volume: volume(a.Volume), Keypair: keypair(a.Keypair), Image: image(a.Image), Members: members(a.Members)}
		a.Server, a.Volume, a.Keypair, a.Image, a.Members = nil, nil, nil, nil, nil
		sa.Action = a
		out.Actions[i] = sa
	}
	return out
}

// Header is the saved plan's record of what it was made from, as the
// planner.Plan that CheckFresh compares with the state, files and clouds.
func (p *Plan) Header() *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, FleetVersion: p.FleetVersion, Fleet: p.Fleet,
		StateLineage: p.StateLineage, StateSerial: p.StateSerial, SpecDigest: p.SpecDigest,
		InventoryFingerprint: p.InventoryFingerprint, Refreshed: p.Refreshed,
		FleetFiles: p.FleetFiles, VarFiles: p.VarFiles, Environment: p.Environment,
	}
}

// Display is the saved plan as a planner.Plan for the renderers (fleet
// show PLAN). It is never applied: a server's user data holds the digest
// in place of the text, which renderers only test for being set.
func (p *Plan) Display() *planner.Plan {
	out := p.Header()
	out.Actions = make([]planner.Action, len(p.Actions))
	out.Drift, out.Interrupted, out.Rollouts, out.Existing = p.Drift, p.Interrupted, p.Rollouts, p.Existing
	out.Ignored, out.Lookups, out.Summary = p.Ignored, p.Lookups, p.Summary
	for i, sa := range p.Actions {
		a := sa.Action
		a.Server, a.Volume, a.Keypair, a.Image = sa.Server.spec(), sa.Volume.spec(), sa.Keypair.spec(), sa.Image.spec()
		for _, m := range sa.Members {
			a.Members = append(a.Members, planner.BatchMember{Address: m.Address, Server: m.Server.spec(), Declared: m.Declared})
		}
		out.Actions[i] = a
	}
	return out
}

// Waits reports whether the plan waits for a resource in transition.
func (p *Plan) Waits() bool {
	for _, a := range p.Actions {
		if a.Type == planner.Wait {
			return true
		}
	}
	return false
}

func server(s *spec.Server) *Server {
	if s == nil {
		return nil
	}
	out := &Server{
		Name: s.Name, Group: s.Group, Index: s.Index, Provider: s.Provider, Image: s.Image, Type: s.Type, Zone: s.Zone,
		Network: Network{VPC: s.Network.VPC, Subnet: s.Network.Subnet, SecurityGroups: s.Network.SecurityGroups,
			IP: s.Network.IP, Interfaces: s.Network.Interfaces},
		Key: s.Key, Power: s.Power, Protect: s.Protect, UserDataSHA256: planner.UserDataDigest(s.UserData),
		Metadata: s.Metadata, PublicIP: s.PublicIP, PublicNetwork: s.PublicNetwork, InitScript: s.InitScript,
		PlacementGroup: s.PlacementGroup, Billing: s.Billing, Description: s.Description, BatchCreate: s.BatchCreate,
		Ignore: s.Ignore,
	}
	if l := s.ImageLookup; l != nil {
		out.ImageLookup = &ImageLookup{Name: l.Name, MostRecent: l.MostRecent}
	}
	if r := s.RootVolume; r != nil {
		out.RootVolume = &RootVolume{Size: r.Size, Type: r.Type, Encrypted: r.Encrypted}
	}
	for _, v := range s.Volumes {
		out.Volumes = append(out.Volumes, *volume(&v))
	}
	for _, pt := range s.Partitions {
		out.Partitions = append(out.Partitions, Partition{MountPoint: pt.MountPoint, Size: pt.Size})
	}
	if r := s.Rollout; r != nil {
		out.Rollout = &Rollout{MaxUnavailable: r.MaxUnavailable, Percent: r.Percent}
		if c := r.Check; c != nil {
			out.Rollout.Check = &Check{Command: c.Command, Timeout: c.Timeout.String(), Interval: c.Interval.String()}
		}
	}
	return out
}

// members is a batch create's servers in the saved form.
func members(ms []planner.BatchMember) []Member {
	var out []Member
	for _, m := range ms {
		out = append(out, Member{Address: m.Address, Server: server(m.Server), Declared: m.Declared})
	}
	return out
}

func (s *Server) spec() *spec.Server {
	if s == nil {
		return nil
	}
	out := &spec.Server{
		Name: s.Name, Group: s.Group, Index: s.Index, Provider: s.Provider, Image: s.Image, Type: s.Type, Zone: s.Zone,
		Network: spec.Network{VPC: s.Network.VPC, Subnet: s.Network.Subnet, SecurityGroups: s.Network.SecurityGroups,
			IP: s.Network.IP, Interfaces: s.Network.Interfaces},
		Key: s.Key, Power: s.Power, Protect: s.Protect, UserData: s.UserDataSHA256,
		Metadata: s.Metadata, PublicIP: s.PublicIP, PublicNetwork: s.PublicNetwork, InitScript: s.InitScript,
		PlacementGroup: s.PlacementGroup, Billing: s.Billing, Description: s.Description, BatchCreate: s.BatchCreate,
		Ignore: s.Ignore,
	}
	if l := s.ImageLookup; l != nil {
		out.ImageLookup = &spec.ImageLookup{Name: l.Name, MostRecent: l.MostRecent}
	}
	if r := s.RootVolume; r != nil {
		out.RootVolume = &spec.RootVolume{Size: r.Size, Type: r.Type, Encrypted: r.Encrypted}
	}
	for _, v := range s.Volumes {
		out.Volumes = append(out.Volumes, *v.spec())
	}
	for _, pt := range s.Partitions {
		out.Partitions = append(out.Partitions, spec.Partition{MountPoint: pt.MountPoint, Size: pt.Size})
	}
	if r := s.Rollout; r != nil {
		out.Rollout = &spec.Rollout{MaxUnavailable: r.MaxUnavailable, Percent: r.Percent}
		if c := r.Check; c != nil {
			// Written by Encode from durations; a hand-edited one that does
			// not parse only shows as 0s.
			timeout, _ := time.ParseDuration(c.Timeout)
			interval, _ := time.ParseDuration(c.Interval)
			out.Rollout.Check = &spec.Check{Command: c.Command, Timeout: timeout, Interval: interval}
		}
	}
	return out
}

func volume(v *spec.Volume) *Volume {
	if v == nil {
		return nil
	}
	return &Volume{Name: v.Name, Size: v.Size, Type: v.Type}
}

func (v *Volume) spec() *spec.Volume {
	if v == nil {
		return nil
	}
	return &spec.Volume{Name: v.Name, Size: v.Size, Type: v.Type}
}

func keypair(k *spec.Keypair) *Keypair {
	if k == nil {
		return nil
	}
	return &Keypair{Name: k.Name, Provider: k.Provider, PublicKeyFile: k.PublicKeyFile, PublicKey: k.PublicKey}
}

func (k *Keypair) spec() *spec.Keypair {
	if k == nil {
		return nil
	}
	return &spec.Keypair{Name: k.Name, Provider: k.Provider, PublicKeyFile: k.PublicKeyFile, PublicKey: k.PublicKey}
}

func image(i *spec.Image) *Image {
	if i == nil {
		return nil
	}
	return &Image{Name: i.Name, From: i.From}
}

func (i *Image) spec() *spec.Image {
	if i == nil {
		return nil
	}
	return &spec.Image{Name: i.Name, From: i.From}
}
