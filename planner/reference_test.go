package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/schema"
)

// TestReferenceSaysWhatAChangeDoes keeps the fleet file reference (the
// schema's descriptions, from which the README's is generated) in step
// with serverRules: each attribute's description says what changing it
// does on the clouds that manage it.
func TestReferenceSaysWhatAChangeDoes(t *testing.T) {
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(schema.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	phrase := map[effect]string{
		forcesNew: "replaces the server",
		inResize:  "resizes the server in place",
		inPower:   "in place",
		inUpdate:  "in place",
	}
	for _, rule := range serverRules {
		t.Run(string(rule.path), func(t *testing.T) {
			def, field := "server", string(rule.path)
			if d, f, ok := strings.Cut(field, "."); ok {
				def, field = d, f
			}
			desc := doc.Defs[def].Properties[field].Description
			if desc == "" {
				t.Fatalf("the schema has no description of %s.%s", def, field)
			}
			for _, eff := range []effect{rule.ncp, rule.nhn} {
				if want := phrase[eff]; eff != ignored && !strings.Contains(desc, want) {
					t.Errorf("%s: description %q does not say %q", rule.path, desc, want)
				}
			}
		})
	}
}
