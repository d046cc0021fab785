package spec

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// FuzzLoad feeds arbitrary bytes through load and validate. Whatever the
// input: no panic, diagnostics sorted and positioned inside the file, and
// a fleet without errors keeps its documented invariants.
func FuzzLoad(f *testing.F) {
	seeds := []string{
		"",
		header,
		header + "servers:\n  web: { provider: ncp, count: 2, image: i, type: t, network: { vpc: '1', subnet: '2' } }\n",
		header + "servers:\n  db: { provider: nhn, image: i, type: t, key: k, network: { subnet: s }, volumes: [{ name: d, size: 10 }] }\n",
		"version: 1\nname: x\nx-a: &a { provider: ncp }\nservers: { web: { <<: *a, image: i } }\n",
		"version: 1\n\tname: x\n",
		"a: &a [*a]\n",
		"version: 1\nname: ${NAME}\nmoved: [{ from: server/a, to: server/b }]\n",
		"images: { g: { from: web-1 } }\nkeypairs: { k: { provider: p, public_key_file: /dev/null } }\n",
		"{[[[[[[[[[[]]]]]]]]]]: 1}\n",
		"key: \"unterminated\n",
		"version: 1\nname: s-${var.e}\nvariables: { e: { default: x }, n: { type: number, default: 2 }, l: { type: list, default: [a] } }\nservers: { web: { count: ${var.n}, description: \"${var.l}\" } }\n",
		"variables: { a: { default: ${var.a} }, b: { type: nope }, c: [1] }\nname: ${var.zz}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fleet.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		env := func(k string) (string, bool) { return "v", k == "NAME" }
		res := Load([]string{p}, LoadOptions{Getenv: env, MaxFileSize: 1 << 20})
		if res.Fleet == nil {
			t.Fatal("nil fleet")
		}
		sorted := sort.SliceIsSorted(res.Diagnostics, func(i, j int) bool {
			a, b := res.Diagnostics[i].Range, res.Diagnostics[j].Range
			if a == nil || b == nil {
				return a != nil && b == nil
			}
			if a.Start.Line != b.Start.Line {
				return a.Start.Line < b.Start.Line
			}
			return a.Start.Column < b.Start.Column
		})
		if !sorted {
			t.Errorf("diagnostics not sorted: %v", res.Diagnostics)
		}
		for _, d := range res.Diagnostics {
			if d.Summary == "" {
				t.Errorf("empty summary: %+v", d)
			}
			if r := d.Range; r != nil {
				if r.Start.Byte < 0 || r.Start.Byte > len(data) || r.End.Byte < r.Start.Byte || r.End.Byte > len(data) || r.Start.Line < 1 || r.Start.Column < 1 {
					t.Errorf("range %+v outside the %d-byte file: %q", r, len(data), d.Summary)
				}
			}
		}
		if res.Diagnostics.HasErrors() {
			return
		}
		fl := res.Fleet
		if fl.Version != 1 || fl.Name == "" {
			t.Errorf("valid fleet with version %d name %q", fl.Version, fl.Name)
		}
		seen := map[string]bool{}
		for i, s := range fl.Servers {
			if i > 0 && fl.Servers[i-1].Name >= s.Name {
				t.Errorf("servers not sorted and unique: %q then %q", fl.Servers[i-1].Name, s.Name)
			}
			if fl.Providers[s.Provider] == nil {
				t.Errorf("server %s has undeclared provider %q", s.Name, s.Provider)
			}
			seen[s.Name] = true
		}
		for _, im := range fl.Images {
			if !seen[im.From] {
				t.Errorf("image %s from undeclared server %q", im.Name, im.From)
			}
		}
	})
}
