package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConvertVar(t *testing.T) {
	tests := []struct {
		name string
		raw  any
		text bool
		typ  string
		want any
		err  string
	}{
		{"string from text", "dev", true, VarString, "dev", ""},
		{"string from a number in a var file", int64(3), false, VarString, "3", ""},
		{"string refuses a list", []any{"a"}, false, VarString, nil, "must be a string"},
		{"number from text", "3", true, VarNumber, int64(3), ""},
		{"fraction from text", "2.5", true, VarNumber, 2.5, ""},
		{"whole number written with a point", "3.0", true, VarNumber, int64(3), ""},
		{"whole number in exponent form", "1e3", true, VarNumber, int64(1000), ""},
		{"number refuses words", "three", true, VarNumber, nil, "must be a number"},
		{"number from a var file", int64(7), false, VarNumber, int64(7), ""},
		{"bool from text", "true", true, VarBool, true, ""},
		{"bool refuses yes", "yes", true, VarBool, nil, "must be true or false"},
		{"bool refuses 1", "1", true, VarBool, nil, "must be true or false"},
		{"list from flow text", `["43", 44]`, true, VarList, []any{"43", int64(44)}, ""},
		{"list refuses a word", "abc", true, VarList, nil, "must be a list such as [a, b]"},
		{"map from flow text", "{team: web, n: 2}", true, VarMap, map[string]any{"team": "web", "n": int64(2)}, ""},
		{"map with a whole number written with a point", "{size: 50.0, f: 0.5}", true, VarMap, map[string]any{"size": int64(50), "f": 0.5}, ""},
		{"map refuses a list", "[a]", true, VarMap, nil, "must be a map such as {key: value}"},
		{"list from a var file", []any{"a"}, false, VarList, []any{"a"}, ""},
		{"list refuses text in a var file", "[a]", false, VarList, nil, "must be a list such as [a, b]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := convertVar(tt.raw, tt.text, tt.typ)
			if err != tt.err || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("convertVar(%#v, %v, %s) = %#v, %q; want %#v, %q", tt.raw, tt.text, tt.typ, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestCheckValidation(t *testing.T) {
	tests := []struct {
		name  string
		val   any
		valid map[string]any
		err   string
	}{
		{"allowed", "dev", map[string]any{"allowed": []any{"dev", "prod"}}, ""},
		{"not allowed", "qa", map[string]any{"allowed": []any{"dev", "prod"}}, `must be one of "dev", "prod"`},
		{"allowed number", int64(2), map[string]any{"allowed": []any{int64(1), int64(2)}}, ""},
		{"at the minimum", int64(1), map[string]any{"min": int64(1)}, ""},
		{"below the minimum", int64(0), map[string]any{"min": int64(1)}, "must be at least 1"},
		{"above the maximum", 10.5, map[string]any{"max": int64(10)}, "must be at most 10"},
		{"pattern matches the whole value", "s2-g2-s50", map[string]any{"pattern": "s[0-9]-g2-s50"}, ""},
		{"pattern must match all of it", "xs2-g2-s50", map[string]any{"pattern": "s[0-9]-g2-s50"}, `must match the pattern "s[0-9]-g2-s50"`},
		{"bad pattern", "x", map[string]any{"pattern": "("}, "has a validation pattern that is not a valid regular expression"},
		{"min ignores strings", "x", map[string]any{"min": int64(3)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkValidation(tt.val, tt.valid); got != tt.err {
				t.Errorf("checkValidation(%#v) = %q, want %q", tt.val, got, tt.err)
			}
		})
	}
}

// varsFleet puts the environment in the name as well as the state key, as
// a fleet with a state per environment should (else a warning).
var varsFleet = strings.Replace(header, "name: shop\n", "name: shop-${var.env}\n", 1) + `variables:
  env: {}
  n: { type: number, default: 1 }
  groups: { type: list, default: ["43"] }
  secret: { sensitive: true, default: s3cret-value }
state: { backend: postgres, key: "shop-${var.env}" }
servers:
  web:
    provider: nhn
    count: ${var.n}
    image: i
    type: t
    key: k
    network: { subnet: s, security_groups: "${var.groups}" }
    user_data: "pw=${var.secret}"
`

// TestLoadVariables loads a fleet with variables from each source and
// checks the values, their precedence and what they build.
func TestLoadVariables(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fleet.yaml": varsFleet, "a.yaml": "env: a\nn: 2\n", "b.yaml": "n: 3\n"})
	tests := []struct {
		name    string
		env     map[string]string
		in      VarInputs
		wantEnv string
		wantN   int
	}{
		{"defaults and --var", nil, VarInputs{Set: []string{"env=dev"}}, "dev", 1},
		{"environment", map[string]string{"FLEET_VAR_env": "stage", "FLEET_VAR_n": "4"}, VarInputs{}, "stage", 4},
		{"var file beats environment", map[string]string{"FLEET_VAR_n": "4"}, VarInputs{Files: []string{filepath.Join(dir, "a.yaml")}}, "a", 2},
		{"later var file wins", nil, VarInputs{Files: []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")}}, "a", 3},
		{"--var beats var files", nil, VarInputs{Files: []string{filepath.Join(dir, "a.yaml")}, Set: []string{"n=5", "env=x", "n=6"}}, "x", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{Getenv: getenv, Vars: tt.in})
			if f.State.Key != "shop-"+tt.wantEnv {
				t.Errorf("state key = %q, want shop-%s", f.State.Key, tt.wantEnv)
			}
			if len(f.Servers) != tt.wantN {
				t.Errorf("%d servers, want %d", len(f.Servers), tt.wantN)
			}
			s := f.Servers[0]
			if !reflect.DeepEqual(s.Network.SecurityGroups, []string{"43"}) || !s.SensitiveUserData || s.UserData != "pw=s3cret-value" {
				t.Errorf("server = %+v", s)
			}
			if v := f.Environment.Variable("secret"); v.Shown() != SensitiveText {
				t.Errorf("secret shown as %v", v.Shown())
			}
			if f.Environment.Digest == "" {
				t.Error("no digest")
			}
		})
	}
}

// TestVariablesDigest: the same values give the same digest, others not.
func TestVariablesDigest(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fleet.yaml": varsFleet})
	digest := func(set ...string) string {
		return mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{Vars: VarInputs{Set: set}}).Environment.Digest
	}
	if a, b := digest("env=dev"), digest("env=dev"); a != b {
		t.Errorf("same values, digests %s and %s", a, b)
	}
	if a, b := digest("env=dev"), digest("env=dev", "secret=other-secret"); a == b {
		t.Error("a different sensitive value gave the same digest")
	}
	noVars := writeFiles(t, map[string]string{"fleet.yaml": header})
	if d := mustLoad(t, []string{filepath.Join(noVars, "fleet.yaml")}, LoadOptions{}).Environment.Digest; d != "" {
		t.Errorf("a fleet without variables has digest %q", d)
	}
}

// FuzzVarFile feeds arbitrary var files: no panic, and every diagnostic
// about the var file is positioned inside it.
func FuzzVarFile(f *testing.F) {
	for _, s := range []string{"", "env: dev\n", "n: three\n", "groups: [a, b]\nenv: {}\n", "nope: 1\n", "- a\n", "env: &a dev\nn: *a\n", "<<: {env: x}\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	fleet := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(fleet, []byte(varsFleet), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "vars.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res := Load([]string{fleet}, LoadOptions{Getenv: noEnv, Vars: VarInputs{Files: []string{p}}, MaxFileSize: 1 << 20})
		lines := strings.Count(string(data), "\n") + 2
		for _, d := range res.Diagnostics {
			if d.Range != nil && d.Range.Filename == p && (d.Range.Start.Line < 1 || d.Range.Start.Line > lines) {
				t.Errorf("diagnostic outside the var file: %+v", d)
			}
		}
	})
}
