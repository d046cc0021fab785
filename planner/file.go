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
		if s := out.Actions[i].Server; s != nil && s.SensitiveUserData {
			c := *s
			c.UserData = ""
			out.Actions[i].Server = &c
		}
	}
	return &out
}

// RestoreSensitive puts back into a saved plan the user data Save left
// out, from the fleet it is applied with; CheckFresh has made sure the
// fleet files and the variables are the ones it was made with.
func (p *Plan) RestoreSensitive(f *spec.Fleet) {
	for i := range p.Actions {
		s := p.Actions[i].Server
		if s == nil || !s.SensitiveUserData {
			continue
		}
		if d := f.Server(s.Name); d != nil {
			s.UserData = d.UserData
		}
	}
}
