package planfile

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/saved.json")

// TestGolden holds the saved form to testdata/saved.json, so that a change
// to the file format shows in review like a change to code.
func TestGolden(t *testing.T) {
	got, err := Marshal(Encode(fixture(), fixtureOptions))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "saved.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planfile -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestRoundTrip: what Save writes, Load reads back equal, and Marshal of
// that gives the same bytes.
func TestRoundTrip(t *testing.T) {
	saved := Encode(fixture(), fixtureOptions)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := Save(path, saved); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved plan mode: %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(saved, loaded); d != "" {
		t.Errorf("loaded plan differs (-saved +loaded):\n%s", d)
	}
	if d := Difference(saved, loaded); d != "" {
		t.Errorf("Difference of a plan and its round trip = %q, want none", d)
	}
	again, _ := Marshal(loaded)
	first, _ := Marshal(saved)
	if string(again) != string(first) {
		t.Errorf("marshal after the round trip differs")
	}
}

// TestNoSecretNoPositions: the saved form holds user data only as its
// digest, no source positions, and only snake_case keys.
func TestNoSecretNoPositions(t *testing.T) {
	data, err := Marshal(Encode(fixture(), fixtureOptions))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, banned := range []string{"hunter2", "db-password", `"Range"`, `"filename"`, `"line"`, `"column"`, `"UserData"`} {
		if strings.Contains(text, banned) {
			t.Errorf("saved plan contains %s:\n%s", banned, text)
		}
	}
	if !strings.Contains(text, `"user_data_sha256": "`) {
		t.Errorf("saved plan has no user_data_sha256")
	}
	keys := jsonKeys(t, data)
	for _, k := range keys {
		if k != strings.ToLower(k) || strings.Contains(k, " ") {
			t.Errorf("key %q is not snake_case", k)
		}
	}
}

// jsonKeys are the object keys of a JSON document, metadata maps' keys
// included (the fixture's are lowercase).
func jsonKeys(t *testing.T, data []byte) []string {
	t.Helper()
	var keys []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				keys = append(keys, k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	walk(doc)
	return keys
}

func TestUnmarshalRefuses(t *testing.T) {
	tests := map[string]struct {
		data    string
		version bool   // a *VersionError
		want    string // in the message
	}{
		"format 1": {data: `{"format_version": "1", "fleet_files": ["/w/fleet.yaml"], "actions": [{"Server": {"UserData": "x"}}]}`,
			version: true, want: `p.json is a saved plan of format "1"; this fleet reads format "2" only`},
		"no version":    {data: `{"actions": []}`, version: true, want: `format ""`},
		"not json":      {data: `plan: yes`, want: "p.json is not a fleet plan"},
		"unknown field": {data: `{"format_version": "2", "actions": [{"id": "x", "create": {"server": {"UserData": "x"}}}]}`, want: `unknown field "UserData"`},
		// encoding/json matches keys case-insensitively and keeps the last
		// of two: jq and a policy check in CI would read these otherwise.
		"key in another case": {data: `{"format_version": "2", "options": {"Destroy": true, "refresh": true}, "actions": []}`,
			want: `options: key "Destroy" is not one fleet writes (keys are case-sensitive: it is spelled "destroy")`},
		"shadowed key in another case": {data: `{"format_version": "2", "actions": [{"id": "x", "create": {"Server": {"name": "web"}}}]}`,
			want: `actions[0].create: key "Server" is not one fleet writes (keys are case-sensitive: it is spelled "server")`},
		"key twice": {data: `{"format_version": "2", "options": {"destroy": false, "refresh": true, "destroy": true}, "actions": []}`,
			want: `options: key "destroy" is given twice`},
		"top-level key twice": {data: `{"format_version": "2", "actions": [], "actions": [{"id": "delete server/web"}]}`,
			want: `key "actions" is given twice`},
		"map key twice": {data: `{"format_version": "2", "actions": [{"id": "x", "create": {"server": {"metadata": {"a": "1", "a": "2"}}}}]}`,
			want: `actions[0].create.server.metadata: key "a" is given twice`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Unmarshal("p.json", []byte(tt.data))
			if err == nil {
				t.Fatal("got no error")
			}
			var ve *VersionError
			if errors.As(err, &ve) != tt.version {
				t.Errorf("got %T, version error %v", err, tt.version)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
	_, err := Unmarshal("p.json", []byte(`{"format_version": "1", "fleet_files": ["/w/fleet.yaml"], "var_files": ["/w/dev.yaml"]}`))
	var ve *VersionError
	if !errors.As(err, &ve) || !cmp.Equal(ve.FleetFiles, []string{"/w/fleet.yaml"}) || !cmp.Equal(ve.VarFiles, []string{"/w/dev.yaml"}) {
		t.Errorf("format 1 error %#v does not name the plan's files", err)
	}
}

// TestUnmarshalAcceptsMapKeys: keys the user chose (metadata, a map
// variable's value) are data, kept as written in any case.
func TestUnmarshalAcceptsMapKeys(t *testing.T) {
	data := `{"format_version": "2", "environment": {"var_files": [], "state": "", "state_backend": "", "variables_digest": "",
		"variables": [{"name": "tags", "value": {"Team": "a", "team": "b"}}]},
		"actions": [{"id": "create server/web", "create": {"server": {"name": "web", "metadata": {"Team": "a", "team": "b"}}}}]}`
	p, err := Unmarshal("p.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Actions[0].Create.Server.Metadata; !cmp.Equal(got, map[string]string{"Team": "a", "team": "b"}) {
		t.Errorf("metadata %v", got)
	}
}
