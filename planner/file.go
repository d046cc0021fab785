package planner

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/regularfile"
)

// Save writes the plan to path as JSON, atomically (temp file in the same
// directory, fsync, rename) and readable by its owner only: a plan names
// the fleet's servers and addresses.
func Save(path string, p *Plan) error {
	data, err := json.MarshalIndent(p, "", "  ")
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
