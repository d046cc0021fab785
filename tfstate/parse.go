package tfstate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// State is the part of a version 4 state fleet reads.
type State struct {
	Version   int        `json:"version"`
	Resources []Resource `json:"resources"`
}

// Resource is one resource block with its instances (one without count or
// for_each, one per index or key with them).
type Resource struct {
	Module    string     `json:"module,omitempty"`
	Mode      string     `json:"mode"` // managed or data
	Type      string     `json:"type"`
	Name      string     `json:"name"`
	Instances []Instance `json:"instances"`
}

// Instance is one instance: its count index or for_each key, and its
// attributes as the provider's schema names them.
type Instance struct {
	IndexKey   any             `json:"index_key,omitempty"` // float64 for count, string for for_each
	Attributes json.RawMessage `json:"attributes"`
}

// Address is the instance's address as terraform state rm takes it:
// module.m.ncloud_server.web[0], openstack_compute_instance_v2.app["a"].
func (r Resource) Address(i Instance) string {
	a := r.Type + "." + r.Name
	if r.Module != "" {
		a = r.Module + "." + a
	}
	switch k := i.IndexKey.(type) {
	case float64:
		a += "[" + strconv.Itoa(int(k)) + "]"
	case string:
		a += "[" + strconv.Quote(k) + "]"
	}
	return a
}

// Parse reads a state file. Another format version is an error saying what
// to do: fleet reads what Terraform 0.12 and later and OpenTofu write.
func Parse(name string, data []byte) (*State, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s is not a Terraform state (JSON): %w", name, err)
	}
	if head.Version == nil {
		return nil, fmt.Errorf("%s has no \"version\": it is not a Terraform state", name)
	}
	if *head.Version != 4 {
		return nil, &VersionError{File: name, Version: *head.Version}
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return &st, nil
}

// VersionError is a state of a format version fleet does not read.
type VersionError struct {
	File    string
	Version int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s is a Terraform state of format version %d; fleet reads version 4", e.File, e.Version)
}

// Fix says what to do about it.
func (e *VersionError) Fix() string {
	if e.Version < 4 {
		return "Upgrade it with Terraform 0.12 or later (run \"terraform apply -refresh-only\" or \"terraform state push\" with a current Terraform, or OpenTofu), then pass the state it writes (\"terraform state pull > terraform.tfstate\")."
	}
	return "This fleet does not know that version yet: export the state with a Terraform or OpenTofu release that writes version 4."
}

// quoteShell quotes an address for a POSIX shell: for_each keys carry
// quotes and brackets.
func quoteShell(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
