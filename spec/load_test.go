package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/google/go-cmp/cmp"
)

const header = "version: 1\nname: shop\nproviders:\n  ncp: { type: ncloud, region: KR }\n  nhn: { type: nhncloud, region: KR1 }\n"

// writeFiles creates files (name → content) in a temp dir and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func noEnv(string) (string, bool) { return "", false }

func mustLoad(t *testing.T, paths []string, opts LoadOptions) *Fleet {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = noEnv
	}
	res := Load(paths, opts)
	if len(res.Diagnostics) > 0 {
		t.Fatalf("unexpected diagnostics: %v", res.Diagnostics)
	}
	return res.Fleet
}

func TestLoadExpandsCount(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fleet.yaml": header + `
servers:
  web:
    provider: ncp
    count: 3
    image: img
    type: s2-g2-s50
    network: { vpc: "1", subnet: "2", security_groups: ["43"] }
    volumes: [{ name: logs, size: 10 }, { name: data, size: 100, type: SSD }]
    rollout: { max_unavailable: "50%" }
  db:
    provider: nhn
    image: img
    type: m2.c4m8
    key: k
    network: { subnet: s }
  none:
    provider: nhn
    count: 0
    image: img
    type: m2.c4m8
    key: k
    network: { subnet: s }
`})
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{})
	var names []string
	for _, s := range f.Servers {
		names = append(names, s.Name+"/"+s.Group)
	}
	if diff := cmp.Diff([]string{"db/db", "web-1/web", "web-2/web", "web-3/web"}, names); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	web2 := f.Server("web-2")
	if web2.Index != 2 || web2.Power != PowerRunning || web2.Rollout.Limit(3) != 1 {
		t.Errorf("web-2 = index %d power %q limit %d, want 2 running 1", web2.Index, web2.Power, web2.Rollout.Limit(3))
	}
	if diff := cmp.Diff([]Volume{{Name: "data", Size: 100, Type: "SSD"}, {Name: "logs", Size: 10}}, web2.Volumes); diff != "" {
		t.Errorf("volumes sorted by name (-want +got):\n%s", diff)
	}
	// instances must not share slices: the planner may edit one
	web2.Network.SecurityGroups[0] = "changed"
	if f.Server("web-1").Network.SecurityGroups[0] != "43" {
		t.Error("web-1 shares its security group slice with web-2")
	}
	groups := map[string]ServerGroup{}
	for _, g := range f.Groups {
		groups[g.Name] = ServerGroup{Name: g.Name, Count: g.Count, Counted: g.Counted}
	}
	want := map[string]ServerGroup{
		"db":   {Name: "db", Count: 1},
		"none": {Name: "none", Count: 0, Counted: true},
		"web":  {Name: "web", Count: 3, Counted: true},
	}
	if diff := cmp.Diff(want, groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestLoadState(t *testing.T) {
	tests := map[string]struct {
		files    map[string]string
		paths    []string // relative to the temp dir
		env      map[string]string
		wantPath string // relative to the temp dir
		wantDSN  string
		backend  string
	}{
		"default beside the file": {
			files: map[string]string{"conf/fleet.yaml": header}, paths: []string{"conf/fleet.yaml"},
			wantPath: "conf/fleet.lock", backend: "local",
		},
		"default in the directory given": {
			files: map[string]string{"conf/a.yaml": header}, paths: []string{"conf"},
			wantPath: "conf/fleet.lock", backend: "local",
		},
		"path relative to the file": {
			files:    map[string]string{"conf/fleet.yaml": header + "state: { path: state/shop.json }\n"},
			paths:    []string{"conf/fleet.yaml"},
			wantPath: "conf/state/shop.json", backend: "local",
		},
		"postgres dsn from the environment": {
			files:   map[string]string{"fleet.yaml": header + "state: { backend: postgres, dsn: \"${PG}\" }\n"},
			paths:   []string{"fleet.yaml"},
			env:     map[string]string{"PG": "postgres://u:p@127.0.0.1/db"},
			wantDSN: "postgres://u:p@127.0.0.1/db", backend: "postgres",
		},
		"postgres without dsn leaves it to FLEET_PG_DSN": {
			files: map[string]string{"fleet.yaml": header + "state: { backend: postgres }\n"},
			paths: []string{"fleet.yaml"}, backend: "postgres",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			var paths []string
			for _, p := range tc.paths {
				paths = append(paths, filepath.Join(dir, p))
			}
			getenv := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			f := mustLoad(t, paths, LoadOptions{Getenv: getenv})
			wantPath := ""
			if tc.wantPath != "" {
				wantPath = filepath.Join(dir, tc.wantPath)
			}
			got := StateConfig{Backend: f.State.Backend, Path: f.State.Path, DSN: f.State.DSN}
			want := StateConfig{Backend: tc.backend, Path: wantPath, DSN: tc.wantDSN}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFilesAndDigest(t *testing.T) {
	a := header
	b := "servers:\n  db: { provider: nhn, image: i, type: t, key: k, network: { subnet: s } }\n"
	dir := writeFiles(t, map[string]string{"f/b.yml": b, "f/a.yaml": a, "f/readme.md": "x"})
	f := mustLoad(t, []string{filepath.Join(dir, "f")}, LoadOptions{})
	wantFiles := []string{filepath.Join(dir, "f/a.yaml"), filepath.Join(dir, "f/b.yml")}
	if diff := cmp.Diff(wantFiles, f.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	sum := sha256.Sum256([]byte(a + b))
	if want := "sha256:" + hex.EncodeToString(sum[:]); f.Digest != want {
		t.Errorf("digest = %s, want %s", f.Digest, want)
	}
	if len(f.Servers) != 1 || f.Servers[0].Name != "db" {
		t.Errorf("servers = %v, want db from the second file", f.Servers)
	}
}

func TestLoadKeypairAndImages(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"fleet.yaml": header + `
servers:
  web: { provider: nhn, count: 2, image: i, type: t, key: access, network: { subnet: s } }
  api: { provider: nhn, image: image/golden, type: t, key: access, network: { subnet: s } }
keypairs:
  access: { provider: nhn, public_key_file: keys/a.pub }
images:
  golden: { from: web-1 }
moved:
  - { from: server/old, to: server/api }
`,
		"keys/a.pub": "ssh-ed25519 AAAAtest me@host\n",
	})
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{})
	if len(f.Keypairs) != 1 || f.Keypairs[0].PublicKey != "ssh-ed25519 AAAAtest me@host" || f.Keypairs[0].Address() != addrs.Keypair("access") {
		t.Errorf("keypairs = %+v", f.Keypairs[0])
	}
	if len(f.Images) != 1 || f.Images[0].From != "web-1" {
		t.Errorf("images = %+v", f.Images)
	}
	if len(f.Moved) != 1 || f.Moved[0].From != "server/old" || f.Moved[0].Range.Start.Line != 15 {
		t.Errorf("moved = %+v", f.Moved)
	}
}

func TestLoadEnvExpansion(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fleet.yaml": header + `
servers:
  web:
    provider: ncp
    image: "${IMG}"
    type: pre-${SPEC}-post
    network: { vpc: "1", subnet: "2" }
    description: "cost $${CENTS} and $5"
`})
	env := map[string]string{"IMG": "SW.VSVR", "SPEC": "s2"}
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	s := f.Server("web")
	got := []string{s.Image, s.Type, s.Description}
	if diff := cmp.Diff([]string{"SW.VSVR", "pre-s2-post", "cost ${CENTS} and $5"}, got); diff != "" {
		t.Errorf("expanded (-want +got):\n%s", diff)
	}
}

func TestLoadMergeKeys(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fleet.yaml": header + `
x-base: &base
  provider: ncp
  image: img
  type: small
  network: { vpc: "1", subnet: "2" }
x-big: &big
  type: big
  zone: KR-2
servers:
  web: { <<: [*big, *base], type: explicit }
  api: { <<: [*big, *base] }
  job: { <<: *base }
`})
	f := mustLoad(t, []string{filepath.Join(dir, "fleet.yaml")}, LoadOptions{})
	got := map[string]string{}
	for _, s := range f.Servers {
		got[s.Name] = s.Type + " " + s.Zone + " " + s.Network.VPC
	}
	want := map[string]string{"web": "explicit KR-2 1", "api": "big KR-2 1", "job": "small  1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
}

func TestLoadRanges(t *testing.T) {
	src := header + "servers:\n  web:\n    provider: ncp\n    count: -2\n    image: \"é${X}\"\n    type: 't'\n    network: { vpc: \"1\", subnet: \"2\" }\n"
	dir := writeFiles(t, map[string]string{"fleet.yaml": src})
	name := filepath.Join(dir, "fleet.yaml")
	res := Load([]string{name}, LoadOptions{Getenv: noEnv})
	type rng struct {
		Summary                        string
		Line, Col, Byte, EndCol, EndBy int
	}
	var got []rng
	for _, d := range res.Diagnostics {
		got = append(got, rng{d.Summary, d.Range.Start.Line, d.Range.Start.Column, d.Range.Start.Byte, d.Range.End.Column, d.Range.End.Byte})
	}
	countAt := strings.Index(src, "-2")
	refAt := strings.Index(src, "${X}")
	want := []rng{
		{"servers.web.count: must be >= 0, got -2", 9, 12, countAt, 14, countAt + 2},
		// the reference is found in the source; é is one column, two bytes
		{"servers.web.image: environment variable X is not set", 10, 14, refAt, 18, refAt + 4},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranges (-want +got):\n%s", diff)
	}
	if _, ok := res.Sources[name]; !ok {
		t.Errorf("Sources lacks %s", name)
	}
}

func TestRolloutParse(t *testing.T) {
	tests := map[string]struct {
		in   any
		want *Rollout
	}{
		"number":      {in: int64(2), want: &Rollout{MaxUnavailable: 2}},
		"percent":     {in: "25%", want: &Rollout{MaxUnavailable: 25, Percent: true}},
		"zero":        {in: int64(0)},
		"over 100%":   {in: "101%"},
		"not percent": {in: "25"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, parseRollout(tc.in)); diff != "" {
				t.Errorf("parseRollout(%v) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestEditDistanceAndSuggest(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string
	}{
		"typo":          {in: "flavr", want: ""},
		"transposition": {in: "securtiy_groups", want: "security_groups"},
		"one letter":    {in: "regoin", want: "region"},
		"far":           {in: "colour", want: ""},
		"swapped pair":  {in: "imgae", want: "image"},
		"swapped short": {in: "tpye", want: "type"},
	}
	candidates := []string{"image", "region", "security_groups", "type", "zone"}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := suggest(tc.in, candidates); got != tc.want {
				t.Errorf("suggest(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	distances := map[string]struct {
		a, b string
		want int
	}{
		"classic":         {a: "kitten", b: "sitting", want: 3},
		"empty":           {a: "", b: "zone", want: 4},
		"equal":           {a: "region", b: "region", want: 0},
		"runes not bytes": {a: "kr-pub-é", b: "kr-pub-e", want: 1},
		"swap is one":     {a: "imgae", b: "image", want: 1},
		"swap then more":  {a: "ca", b: "abc", want: 3},
	}
	for name, tc := range distances {
		t.Run(name, func(t *testing.T) {
			// The distance is symmetric: check both orders.
			if d := EditDistance(tc.a, tc.b); d != tc.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.want)
			}
			if d := EditDistance(tc.b, tc.a); d != tc.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.b, tc.a, d, tc.want)
			}
		})
	}
}
