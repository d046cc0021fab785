package planner

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/regularfile"
	"github.com/fleet-iac/fleet/spec"
)

// Save writes the plan to path as JSON, atomically (temp file in the same
// directory, fsync, rename) and readable by its owner only: a plan names
// the fleet's servers and addresses.
func Save(path string, p *Plan) error {
	data, err := json.MarshalIndent(withoutSensitive(p), "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

// Load reads a plan saved by Save. It refuses another format version and
// unknown fields: a plan is only ever applied by the fleet that made it.
func Load(path string) (*Plan, error) {
	data, err := regularfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load plan: %w", err)
	}
	var head struct {
		FormatVersion string `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("load plan %s: not a fleet plan: %w", path, err)
	}
	if head.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("load plan %s: format version %q is not supported (this fleet reads %q); run fleet plan again", path, head.FormatVersion, FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("load plan %s: %w", path, err)
	}
	return &p, nil
}

// withoutSensitive is p with the user data that holds a sensitive variable
// left out: a plan file is not a place for secrets. Apply puts it back
// from the fleet (RestoreSensitive) once the variables' digest matched.
func withoutSensitive(p *Plan) *Plan {
	out := *p
	out.Actions = append([]Action(nil), p.Actions...)
	for i := range out.Actions {
		a := &out.Actions[i]
		a.Server = withoutUserData(a.Server)
		if a.IsBatch() {
			a.Members = append([]BatchMember(nil), a.Members...)
			for k := range a.Members {
				a.Members[k].Server = withoutUserData(a.Members[k].Server)
			}
		}
	}
	return &out
}

// withoutUserData is s without its user data when that holds a sensitive
// variable, s itself otherwise.
func withoutUserData(s *spec.Server) *spec.Server {
	if s == nil || !s.SensitiveUserData {
		return s
	}
	c := *s
	c.UserData = ""
	return &c
}

// RestoreSensitive puts back into a saved plan the user data Save left
// out, from the fleet it is applied with; CheckFresh has made sure the
// fleet files and the variables are the ones it was made with.
func (p *Plan) RestoreSensitive(f *spec.Fleet) {
	restore := func(s *spec.Server) {
		if s == nil || !s.SensitiveUserData {
			return
		}
		if d := f.Server(s.Name); d != nil {
			s.UserData = d.UserData
		}
	}
	for i := range p.Actions {
		restore(p.Actions[i].Server)
		for _, m := range p.Actions[i].Members {
			restore(m.Server)
		}
	}
}
