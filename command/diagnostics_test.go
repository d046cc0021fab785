package command

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

func diagAt(file string, line, col, endCol int, summary, detail string) spec.Diagnostic {
	return spec.Diagnostic{Severity: spec.SeverityError, Summary: summary, Detail: detail,
		Range: &spec.Range{Filename: file, Start: spec.Pos{Line: line, Column: col}, End: spec.Pos{Line: line, Column: endCol}}}
}

func TestWriteDiagnostics(t *testing.T) {
	sources := map[string][]byte{
		"fleet.yaml": []byte("version: 1\nservers:\n\tweb: { count: -2 }\n  db: 한글: x\n"),
	}
	diags := spec.Diagnostics{
		diagAt("fleet.yaml", 3, 16, 18, "servers.web.count: must be >= 0, got -2", "Use 0 to 1000."),
		{Severity: spec.SeverityError, Summary: "cannot read fleet file x.yaml: no such file or directory"},
		diagAt("fleet.yaml", 4, 7, 9, "invalid YAML: mapping values are not allowed in this context", ""),
		{Severity: spec.SeverityWarning, Summary: "something to know", Range: &spec.Range{Filename: "other.yaml", Start: spec.Pos{Line: 9, Column: 1}}},
	}
	tests := map[string]struct {
		format string
		want   string
	}{
		"human": {format: "human", want: `Error: servers.web.count: must be >= 0, got -2

  on fleet.yaml line 3, column 16 (fleet.yaml:3:16):
  3: 	web: { count: -2 }
     	              ^^

Use 0 to 1000.

Error: invalid YAML: mapping values are not allowed in this context

  on fleet.yaml line 4, column 7 (fleet.yaml:4:7):
  4:   db: 한글: x
           ^^^^

Warning: something to know

  on other.yaml line 9, column 1 (other.yaml:9:1):

Error: cannot read fleet file x.yaml: no such file or directory

`},
		"compact": {format: "compact", want: `fleet.yaml:3:16: error: servers.web.count: must be >= 0, got -2
fleet.yaml:4:7: error: invalid YAML: mapping values are not allowed in this context
other.yaml:9:1: warning: something to know
error: cannot read fleet file x.yaml: no such file or directory
`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			if err := writeDiagnostics(&b, diags, sources, tc.format, style.Style{}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteDiagnosticsJSON(t *testing.T) {
	diags := spec.Diagnostics{diagAt("f.yaml", 2, 3, 5, "bad", "fix it")}
	var b strings.Builder
	if err := writeDiagnostics(&b, diags, nil, "json", style.New(true)); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	want := map[string]any{
		"format_version": "1", "valid": false, "error_count": 1.0, "warning_count": 0.0,
		"diagnostics": []any{map[string]any{
			"severity": "error", "summary": "bad", "detail": "fix it",
			"range": map[string]any{
				"filename": "f.yaml",
				"start":    map[string]any{"line": 2.0, "column": 3.0, "byte": 0.0},
				"end":      map[string]any{"line": 2.0, "column": 5.0, "byte": 0.0},
			},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("json output carries colour codes")
	}
}

// TestWriteDiagnosticsColour: diagnostics draw their labels, summary and
// carets in the run's style; expected-output files stay colourless.
func TestWriteDiagnosticsColour(t *testing.T) {
	on := style.New(true)
	sources := map[string][]byte{"f.yaml": []byte("a: b\n")}
	diags := spec.Diagnostics{diagAt("f.yaml", 1, 4, 5, "bad value", "")}
	tests := map[string]struct {
		style style.Style
		want  []string
		not   []string
	}{
		"on":  {style: on, want: []string{on.Error("Error:") + " " + on.Bold("bad value"), on.Error("^")}},
		"off": {want: []string{"Error: bad value", "^"}, not: []string{"\x1b["}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			if err := writeDiagnostics(&b, diags, sources, "human", tc.style); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%q", w, b.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("output has %q:\n%q", n, b.String())
				}
			}
		})
	}
}
