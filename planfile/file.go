package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/regularfile"
)

// VersionError is Load's refusal of a saved plan of another format
// version. FleetFiles and VarFiles are what the file names, when it names
// them, so that the message can give the command that makes a new plan.
type VersionError struct {
	Path       string
	Version    string
	FleetFiles []string
	VarFiles   []string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s is a saved plan of format %q; this fleet reads format %q only", e.Path, e.Version, FormatVersion)
}

// Marshal is the saved plan's bytes: indented JSON ending in a newline.
func Marshal(p *Plan) ([]byte, error) {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return append(data, '\n'), nil
}

// Unmarshal reads a saved plan's bytes. It refuses another format version
// (a *VersionError), unknown fields, and keys that are not spelled exactly
// as fleet writes them or are given twice (checkKeys): a plan is only ever
// applied by the fleet that made it, and it reads as every tool reads it.
func Unmarshal(path string, data []byte) (*Plan, error) {
	var head struct {
		FormatVersion string   `json:"format_version"`
		FleetFiles    []string `json:"fleet_files"`
		VarFiles      []string `json:"var_files"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s is not a fleet plan: %w", path, err)
	}
	if head.FormatVersion != FormatVersion {
		return nil, &VersionError{Path: path, Version: head.FormatVersion, FleetFiles: head.FleetFiles, VarFiles: head.VarFiles}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkKeys(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// Save writes the plan to path atomically (temp file in the same
// directory, fsync, rename) and readable by its owner only: a plan names
// the fleet's servers and addresses.
func Save(path string, p *Plan) error {
	data, err := Marshal(p)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

// Load reads a plan saved by Save; see Unmarshal.
func Load(path string) (*Plan, error) {
	data, err := regularfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load plan: %w", err)
	}
	return Unmarshal(path, data)
}
