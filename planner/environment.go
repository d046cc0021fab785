package planner

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/spec"
)

// Environment is what a plan was made for: the var files, where the state
// is, and the variables' values. Apply refuses a saved plan when the
// variables' digest differs, so a plan made for dev is never applied with
// prod's values.
type Environment struct {
	VarFiles []string `json:"var_files"`
	// State is where the state is: the local backend's file or the
	// postgres backend's key.
	State           string        `json:"state"`
	StateBackend    string        `json:"state_backend"`
	VariablesDigest string        `json:"variables_digest"`
	Variables       []EnvVariable `json:"variables"`
}

// EnvVariable is one variable's value; a sensitive one's is "(sensitive)".
type EnvVariable struct {
	Name      string `json:"name"`
	Value     any    `json:"value"`
	Source    string `json:"source,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// EnvironmentOf describes the environment a fleet was loaded for, or nil
// when the fleet declares no variables and no var file was given: then
// there is only one.
func EnvironmentOf(f *spec.Fleet) *Environment {
	if f == nil || f.Environment == nil || len(f.Environment.Variables) == 0 && len(f.Environment.VarFiles) == 0 {
		return nil
	}
	env := &Environment{VarFiles: append([]string{}, f.Environment.VarFiles...), StateBackend: f.State.Backend,
		State: f.State.Path, VariablesDigest: f.Environment.Digest, Variables: []EnvVariable{}}
	if f.State.Backend == "postgres" {
		env.State = f.State.Key
	}
	for _, v := range f.Environment.Variables {
		env.Variables = append(env.Variables, EnvVariable{Name: v.Name, Value: v.Shown(), Source: v.Source, Sensitive: v.Sensitive})
	}
	return env
}

// Line is the environment in one line for people.
func (e *Environment) Line() string {
	files := "no var file"
	if len(e.VarFiles) > 0 {
		files = "var file " + strings.Join(e.VarFiles, ", ")
	}
	where := "state " + e.State
	if e.StateBackend == "postgres" {
		where = "state key " + e.State + " (postgres)"
	}
	return fmt.Sprintf("Environment: %s; %s", files, where)
}

// varsDigest is the digest a fleet's variables have, "" without any.
func varsDigest(f *spec.Fleet) string {
	if f == nil || f.Environment == nil {
		return ""
	}
	return f.Environment.Digest
}

func (p *Plan) variablesDigest() string {
	if p.Environment == nil {
		return ""
	}
	return p.Environment.VariablesDigest
}

// changedVariables names the variables whose values differ between two
// environments (either may be nil); sensitive ones are named, never shown.
func changedVariables(was, now *Environment) string {
	values := func(e *Environment) map[string]string {
		m := map[string]string{}
		if e != nil {
			for _, v := range e.Variables {
				b, _ := json.Marshal(v.Value)
				m[v.Name] = string(b)
			}
		}
		return m
	}
	a, b := values(was), values(now)
	var names []string
	for n, v := range a {
		if w, ok := b[n]; !ok || w != v {
			names = append(names, n)
		}
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "a sensitive variable differs"
	}
	return plural(len(names), "variable ", "variables ") + strings.Join(names, ", ") + "; made with " + was.files() + ", this run has " + now.files()
}

// files names the var files for a message.
func (e *Environment) files() string {
	if e == nil || len(e.VarFiles) == 0 {
		return "no var file"
	}
	return "var file " + strings.Join(e.VarFiles, ", ")
}
