package schema

import "testing"

// TestOutputSchemasRefuse makes sure the output schemas can fail: the
// command tests that hold fleet's JSON to them would otherwise prove
// nothing.
func TestOutputSchemasRefuse(t *testing.T) {
	tests := map[string]struct {
		schema, doc string
		ok          bool
	}{
		"event":                  {schema: "events", doc: `{"format_version":"1","event":"state_saved","serial":2,"done":0,"total":1}`, ok: true},
		"event of another kind":  {schema: "events", doc: `{"format_version":"1","event":"exploded","done":0,"total":1}`},
		"old version key":        {schema: "events", doc: `{"format_version":"1.0","event":"state_saved","done":0,"total":1}`},
		"finished without tally": {schema: "events", doc: `{"format_version":"1","event":"apply_finished","done":0,"total":0}`},
		"two events in one":      {schema: "events", doc: "{\"format_version\":\"1\",\"event\":\"state_saved\",\"done\":0,\"total\":1}\n{}"},
		"empty plan":             {schema: "plan", doc: `{}`},
		"undocumented field":     {schema: "validate", doc: `{"format_version":"1","valid":true,"error_count":0,"warning_count":0,"diagnostics":[],"extra":1}`},
		"validate":               {schema: "validate", doc: `{"format_version":"1","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}`, ok: true},
		"state with version":     {schema: "state", doc: `{"format_version":"1","version":1,"lineage":"x","serial":1,"fleet":"f","resources":[]}`},
		"resource":               {schema: "state#resource", doc: `{"address":"keypair/k","kind":"keypair","provider":"nhn","id":"k"}`, ok: true},
		"not JSON":               {schema: "state", doc: `{`},
		"unknown schema":         {schema: "nope", doc: `{}`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := ValidateOutput(tt.schema, []byte(tt.doc))
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
