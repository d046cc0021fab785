package spec

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// wholeParse is yaml.v3's tree of the whole file, nil when it does not
// parse as one document.
func wholeParse(data []byte) *yaml.Node {
	return parsePiece(data, 0)
}

// treeDiff says where two trees differ in what fleet reads of them (all
// but comments), or "".
func treeDiff(a, b *yaml.Node, at string) string {
	switch {
	case a == nil || b == nil:
		if a != b {
			return at + ": one tree is nil"
		}
		return ""
	case a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) || (a.Alias == nil) != (b.Alias == nil):
		return fmt.Sprintf("%s: %+v\n  differs from %+v", at, *a, *b)
	}
	for i := range a.Content {
		if d := treeDiff(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

func TestParseSplit(t *testing.T) {
	entries := string(entriesOf(40))
	tests := map[string]struct {
		data  string
		split bool // parseSplit takes it
	}{
		"one entry a line":          {data: entries, split: true},
		"an entry over many lines":  {data: string(fleetOf(40)), split: true},
		"a block after the servers": {data: entries + "keypairs:\n  k: { provider: ncp, public_key_file: k.pub }\nmoved: []\n", split: true},
		"comments and blank lines": {split: true,
			data: strings.Replace(entries, "  tier0-20:", "# a comment at column 1\n\n  # an indented one\n  tier0-20:", 1) + "# trailing\n"},
		"indented by four":             {data: strings.ReplaceAll(entries, "\n  tier", "\n    tier"), split: true},
		"a duplicate entry":            {data: entries + strings.SplitAfter(entries, "\n")[10], split: true},
		"a flow value continued":       {data: strings.Replace(entries, "  tier0-20: {", "  tier0-20: {\n    ", 1), split: true},
		"an entry that does not parse": {data: strings.Replace(entries, "  tier0-30: {", "  tier0-30: {{", 1)},
		// yaml.v3 takes it; no run starts at the continued line
		"a flow value continued at the entries' indentation": {data: strings.Replace(entries, "  tier0-30: { provider: ncp,", "  tier0-30: { provider: ncp,\n  ", 1), split: true},
		"a line indented less":                               {data: strings.Replace(entries, "  tier0-30:", " tier0-30:", 1)},
		"an anchor":                                          {data: strings.Replace(entries, "  tier0-30: {", "  tier0-30: &a {", 1)},
		"servers as a flow mapping":                          {data: "version: 1\nservers: {\n  a: { image: i },\n  b: { image: i }\n}\n"},
		"servers as a list":                                  {data: "version: 1\nservers:\n  - a: 1\n  - b: 2\n  - c: 3\n"},
		"servers with nothing below":                         {data: "version: 1\nservers:\n"},
		"servers inside a mapping":                           {data: "version: 1\nx:\n  servers:\n    a: 1\n    b: 2\n"},
		"two documents":                                      {data: entries + "---\nversion: 2\n"},
		"carriage returns":                                   {data: strings.ReplaceAll(entries, "\n", "\r\n")},
		"a head that does not parse":                         {data: "version: [1\n" + entries},
		"a servers key quoted":                               {data: strings.Replace(entries, "servers:", "\"servers\":", 1)},
		"servers given a value":                              {data: strings.Replace(entries, "servers:\n", "servers: x\n", 1)},
		"a tail that does not parse":                         {data: entries + "keypairs: [\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := parseSplit([]byte(tc.data), 3)
			if ok != tc.split {
				t.Fatalf("parseSplit took it: %v, want %v", ok, tc.split)
			}
			if !ok {
				return
			}
			if d := treeDiff(wholeParse([]byte(tc.data)), got, ""); d != "" {
				t.Errorf("split tree differs from the whole file's:\n%s", d)
			}
		})
	}
}

// FuzzParseSplit holds parseSplit to yaml.v3's parse of the whole file:
// whatever it takes, it builds the same tree.
func FuzzParseSplit(f *testing.F) {
	f.Add(entriesOf(6))
	f.Add(fleetOf(6))
	f.Add(append(entriesOf(5), "keypairs:\n  k: { provider: ncp }\n"...))
	f.Add([]byte(strings.ReplaceAll(string(entriesOf(4)), "{ provider: ncp,", "{ provider: ncp,\n  ")))
	f.Add([]byte("version: 1\nservers:\n  a: 1\n  b:\n    c: 2\n  d: [\n   1]\n  e: 'x\n   y'\n#\nz: 1\n"))
	// a second engineer's review: quoted scalars whose next line looks like
	// an entry, comments at column 1 inside an entry, lists at the entries'
	// indentation, explicit keys, a dedented flow continuation, servers twice
	f.Add([]byte("version: 1\nservers:\n  a: \"foo\n  b: c\"\n  c: 'x\n  d: y'\n  e: 1\n  f: 2\n"))
	f.Add([]byte("version: 1\nservers:\n  a:\n    x: 1\n# c\n    y: 2\n  b:\n  - 1\n  - 2\n  c: 3\n  d:\n  e: 4\n"))
	f.Add([]byte("version: 1\nservers:\n  a: 1\n  ? b\n  : 2\n  c: {x: 1,\n y: 2}\n  d: 4\nservers:\n  e: 5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for pieces := 2; pieces <= 4; pieces++ {
			got, ok := parseSplit(data, pieces)
			if !ok {
				continue
			}
			want := wholeParse(data)
			if want == nil {
				t.Fatalf("parseSplit took %q, which yaml.v3 does not parse whole", data)
			}
			if d := treeDiff(want, got, ""); d != "" {
				t.Fatalf("%d pieces of %q:\n%s", pieces, data, d)
			}
		}
	})
}

// TestLoadSplitMatchesWhole loads large files with problems in their
// server entries with and without parseSplit: the diagnostics, their
// positions included, and the fleet are the same.
func TestLoadSplitMatchesWhole(t *testing.T) {
	lines := strings.SplitAfter(string(entriesOf(3000)), "\n")
	lines[400] = "  tier0-400: { provider: ncp, image: i, type: t, network: { vpc: \"1\", subnet: \"2\" }, flavr: x }\n"
	lines[1200] = "  tier1-200: { provider: ncp, image: 7, type: t, network: { vpc: 1, subnet: \"2\" } }\n"
	lines[1500] = "  tier1-500:\n" // no value
	lines[2200] = lines[2100]      // a duplicate entry
	lines[2900] = "  tier2-900: { provider: ncp, image: \"é\", type: t, network: { vpc: \"1\", subnet: \"2\", ip: 300.1.1.1 } }\n"
	tests := map[string]string{
		"one entry a line":         strings.Join(lines, ""),
		"with a block after":       strings.Join(lines, "") + "moved:\n  - { from: server/a, to: server/b }\n",
		"an entry over many lines": string(fleetOf(2000)),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if len(data) < splitMin {
				t.Fatalf("the file is %d bytes, below splitMin", len(data))
			}
			if _, ok := parseSplit([]byte(data), 2); !ok {
				t.Fatal("parseSplit does not take the file")
			}
			dir := writeFiles(t, map[string]string{"fleet.yaml": data})
			p := filepath.Join(dir, "fleet.yaml")
			split := Load([]string{p}, LoadOptions{Getenv: noEnv})
			defer func(n int) { splitMin = n }(splitMin)
			splitMin = math.MaxInt
			whole := Load([]string{p}, LoadOptions{Getenv: noEnv})
			if diff := cmp.Diff(whole.Diagnostics, split.Diagnostics); diff != "" {
				t.Errorf("diagnostics (-whole +split):\n%s", diff)
			}
			if name == "one entry a line" && len(whole.Diagnostics) < 5 {
				t.Errorf("only %d diagnostics: %v", len(whole.Diagnostics), whole.Diagnostics)
			}
			if diff := cmp.Diff(whole.Fleet, split.Fleet, cmpopts.IgnoreUnexported(Server{})); diff != "" {
				t.Errorf("fleet (-whole +split):\n%s", diff)
			}
		})
	}
}
