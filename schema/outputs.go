package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The schemas of what fleet prints for programs, as `fleet schema --output
// NAME` prints them. Each document they describe carries
// "format_version": "1".
var (
	//go:embed plan.schema.json
	planJSON []byte
	//go:embed events.schema.json
	eventsJSON []byte
	//go:embed state.schema.json
	stateJSON []byte
	//go:embed validate.schema.json
	validateJSON []byte
	//go:embed output.schema.json
	outputJSON []byte
)

// Outputs are the names `fleet schema --output` takes, the fleet file's
// own schema first.
var Outputs = []string{"fleet", "plan", "events", "state", "validate", "output"}

// Output returns the schema named name (one of Outputs), byte for byte.
func Output(name string) ([]byte, bool) {
	switch name {
	case "fleet":
		return JSON, true
	case "plan":
		return planJSON, true
	case "events":
		return eventsJSON, true
	case "state":
		return stateJSON, true
	case "validate":
		return validateJSON, true
	case "output":
		return outputJSON, true
	}
	return nil, false
}

var (
	outputsOnce sync.Once
	outputs     map[string]*jsonschema.Schema // by name, and "state#resource"
	outputsErr  error
)

func compileOutputs() {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	urls := map[string]string{}
	for _, name := range Outputs[1:] {
		data, _ := Output(name)
		var head struct {
			ID string `json:"$id"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			outputsErr = fmt.Errorf("parse %s schema: %w", name, err)
			return
		}
		if err := c.AddResource(head.ID, bytes.NewReader(data)); err != nil {
			outputsErr = fmt.Errorf("add %s schema: %w", name, err)
			return
		}
		urls[name] = head.ID
	}
	urls["state#resource"] = urls["state"] + "#/$defs/resource"
	outputs = map[string]*jsonschema.Schema{}
	for name, url := range urls {
		s, err := c.Compile(url)
		if err != nil {
			outputsErr = fmt.Errorf("compile %s schema: %w", name, err)
			return
		}
		outputs[name] = s
	}
}

// ValidateOutput checks one JSON document fleet printed against the
// output schema name ("plan", "events" for one event line, "state",
// "state#resource" for `state show`, "validate"). It is for tests, and for
// anyone who wants to hold fleet to its contract.
func ValidateOutput(name string, data []byte) error {
	outputsOnce.Do(compileOutputs)
	if outputsErr != nil {
		return outputsErr
	}
	s, ok := outputs[name]
	if !ok {
		return fmt.Errorf("no output schema %q (have %v)", name, slices.Sorted(maps.Keys(outputs)))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON document")
	}
	return s.Validate(doc)
}
