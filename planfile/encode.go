package planfile

import (
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
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
		sa := Action{Create: create(a.Create), MakeImage: makeImage(a.MakeImage)}
		a.Create, a.MakeImage = nil, nil
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
		a.Create, a.MakeImage = sa.Create.params(), sa.MakeImage.params()
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

// create is a create's parameters in the saved form.
func create(c *planner.CreateParams) *Create {
	if c == nil {
		return nil
	}
	return &Create{Server: server(c.Server), Volume: volume(c.Volume), Keypair: keypair(c.Keypair), Image: image(c.Image),
		ServerAddr: c.ServerAddr, ServerID: c.ServerID, Members: members(c.Members)}
}

// params are the saved create's parameters as the plan's, a server's user
// data the digest.
func (c *Create) params() *planner.CreateParams {
	if c == nil {
		return nil
	}
	out := &planner.CreateParams{Server: c.Server.spec(), Volume: c.Volume.spec(), Keypair: c.Keypair.spec(), Image: c.Image.spec(),
		ServerAddr: c.ServerAddr, ServerID: c.ServerID}
	for _, m := range c.Members {
		out.Members = append(out.Members, planner.BatchMember{Address: m.Address, Server: m.Server.spec(), Declared: m.Declared})
	}
	return out
}

func makeImage(m *planner.ImageParams) *MakeImage {
	if m == nil {
		return nil
	}
	return &MakeImage{Image: image(m.Image), ServerAddr: m.ServerAddr, ServerID: m.ServerID}
}

func (m *MakeImage) params() *planner.ImageParams {
	if m == nil {
		return nil
	}
	return &planner.ImageParams{Image: m.Image.spec(), ServerAddr: m.ServerAddr, ServerID: m.ServerID}
}

func server(s *providers.ServerSpec) *Server {
	if s == nil {
		return nil
	}
	out := &Server{ServerSpec: *s, UserDataSHA256: planner.UserDataDigest(s.UserData)}
	out.ServerSpec.UserData = ""
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

// spec is the saved server as the plan's, its user data the digest.
func (s *Server) spec() *providers.ServerSpec {
	if s == nil {
		return nil
	}
	out := s.ServerSpec
	out.UserData = s.UserDataSHA256
	return &out
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
