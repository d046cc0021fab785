package schema

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The README's generated reference is rewritten by
// `go test ./schema -run Reference -update`. The flag is registered only
// when no other test file of the package already has one by that name, so
// both can share it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite generated files (the README's fleet file reference)")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const (
	beginMarker = "<!-- BEGIN GENERATED REFERENCE -->"
	endMarker   = "<!-- END GENERATED REFERENCE -->"
)

// TestReferenceInREADME keeps the README's fleet file reference equal to
// what the schema says; -update rewrites it.
func TestReferenceInREADME(t *testing.T) {
	ref, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	begin := strings.Index(readme, beginMarker)
	end := strings.Index(readme, endMarker)
	if begin < 0 || end < begin {
		t.Fatalf("%s: want %q then %q around the generated reference", path, beginMarker, endMarker)
	}
	if strings.Count(readme, beginMarker) != 1 || strings.Count(readme, endMarker) != 1 {
		t.Fatalf("%s: the reference markers must appear once each", path)
	}
	start := begin + len(beginMarker)
	got, want := readme[start:end], "\n\n"+ref
	if got == want {
		return
	}
	if !updating() {
		t.Fatalf("%s: the fleet file reference is out of date; run: go test ./schema -run Reference -update\n%s",
			path, cmp.Diff(want, got))
	}
	if err := os.WriteFile(path, []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote the fleet file reference in %s", path)
}

// TestReferenceCoversSchema checks that every object of the embedded
// schema has a section, and that section a row for each of its fields.
func TestReferenceCoversSchema(t *testing.T) {
	ref, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string][]string{} // heading → fields of its table
	var heading string
	field := regexp.MustCompile("^\\| `([^`]+)`")
	for _, line := range strings.Split(ref, "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			heading = h
			sections[heading] = []string{}
			continue
		}
		if m := field.FindStringSubmatch(line); m != nil {
			sections[heading] = append(sections[heading], m[1])
		}
	}
	want := map[string][]string{"Top level": Properties("")}
	for name := range Node("/$defs") {
		want["`"+name+"`"] = Properties("/$defs/" + name)
	}
	for _, fields := range sections {
		sort.Strings(fields) // tables follow the schema's order, Properties is sorted
	}
	if diff := cmp.Diff(want, sections); diff != "" {
		t.Errorf("sections and their fields differ from the schema (-schema +reference):\n%s", diff)
	}
}

func TestRenderReference(t *testing.T) {
	tests := map[string]struct {
		schema string
		want   string
	}{
		"fields in declaration order, required marked": {
			schema: `{"description": "Top.", "required": ["b"], "properties": {
				"b": {"description": "Bee.", "type": "string"},
				"a": {"description": "Ay.", "type": "boolean"}}}`,
			want: "### Top level\n\nTop.\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `b` (required) | string | Bee. |  |\n" +
				"| `a` | boolean | Ay. |  |\n\n",
		},
		"enum, const and bounds": {
			schema: `{"properties": {
				"e": {"type": "string", "enum": ["x", "y"]},
				"c": {"type": "integer", "const": 1},
				"r": {"type": "integer", "minimum": 0, "maximum": 1000},
				"lo": {"type": "integer", "minimum": 1},
				"hi": {"type": "number", "maximum": 2.5},
				"s": {"type": "string", "minLength": 1, "maxLength": 30, "pattern": "^[a-z]+$"},
				"ne": {"type": "string", "minLength": 1},
				"min2": {"type": "string", "minLength": 2},
				"max": {"type": "string", "maxLength": 900}}}`,
			want: "### Top level\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `e` | string |  | `x`, `y` |\n" +
				"| `c` | integer |  | `1` |\n" +
				"| `r` | integer |  | 0 to 1000 |\n" +
				"| `lo` | integer |  | ≥ 1 |\n" +
				"| `hi` | number |  | ≤ 2.5 |\n" +
				"| `s` | string |  | 1 to 30 characters; matching `^[a-z]+$` |\n" +
				"| `ne` | string |  | non-empty |\n" +
				"| `min2` | string |  | ≥ 2 characters |\n" +
				"| `max` | string |  | ≤ 900 characters |\n\n",
		},
		"several types say which constraint is whose": {
			schema: `{"properties": {"m": {"type": ["integer", "string"], "minimum": 1, "pattern": "^[0-9]+%$"}}}`,
			want: "### Top level\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `m` | integer or string |  | integer ≥ 1; string matching `^[0-9]+%$` |\n\n",
		},
		"references become linked sections, breadth first": {
			schema: `{"properties": {
				"items": {"type": "object", "propertyNames": {"$ref": "#/$defs/key"}, "additionalProperties": {"$ref": "#/$defs/item"}},
				"tags": {"type": "object", "additionalProperties": {"type": "string"}},
				"list": {"type": "array", "items": {"$ref": "#/$defs/item"}},
				"one": {"$ref": "#/$defs/root_disk"}},
			 "$defs": {
				"unused": {"description": "Never referred to.", "type": "string"},
				"item": {"description": "An item.", "type": "object", "properties": {"disk": {"$ref": "#/$defs/root_disk"}}},
				"root_disk": {"description": "A disk.", "type": "object", "properties": {"size": {"type": "integer"}}},
				"key": {"description": "A key.", "type": "string", "pattern": "^k"}}}`,
			want: "### Top level\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `items` | map of [key](#key) → [item](#item) |  |  |\n" +
				"| `tags` | map of string → string |  |  |\n" +
				"| `list` | list of [item](#item) |  |  |\n" +
				"| `one` | [root_disk](#root_disk) | A disk. |  |\n\n" +
				"### `key`\n\nA key.\n\nType: string. Allowed values: matching `^k`.\n\n" +
				"### `item`\n\nAn item.\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `disk` | [root_disk](#root_disk) | A disk. |  |\n\n" +
				"### `root_disk`\n\nA disk.\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `size` | integer |  |  |\n\n",
		},
		"pattern properties, list item constraints, untyped values": {
			schema: `{"properties": {"g": {"type": "array", "items": {"type": "string", "minLength": 1}}},
			 "patternProperties": {"^x-": {"description": "Extension."}}}`,
			want: "### Top level\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `g` | list of string |  | each: non-empty |\n" +
				"| keys matching `^x-` | any | Extension. |  |\n\n",
		},
		"cells stay on one row": {
			schema: `{"properties": {"p": {"description": "a | b\nc  d", "type": "string", "enum": ["x|y"]}}}`,
			want: "### Top level\n\n" +
				"| field | type | description | allowed values |\n| --- | --- | --- | --- |\n" +
				"| `p` | string | a \\| b c d | `x\\|y` |\n\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := renderReference([]byte(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderReferenceErrors(t *testing.T) {
	tests := map[string]struct {
		schema string
		want   string
	}{
		"not json":           {schema: `{"properties": `, want: "parse schema: "},
		"not an object":      {schema: `[1, 2]`, want: "parse schema: top level is not an object"},
		"trailing data":      {schema: `{} {}`, want: "parse schema: trailing data"},
		"unresolvable ref":   {schema: `{"properties": {"a": {"$ref": "#/$defs/missing"}}}`, want: `schema: unresolvable $ref "#/$defs/missing"`},
		"ref outside $defs":  {schema: `{"properties": {"a": {"$ref": "other.json"}}}`, want: `schema: unresolvable $ref "other.json"`},
		"ref inside a $defs": {schema: `{"properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"items": {"$ref": "#/$defs/b"}}}}`, want: `schema: unresolvable $ref "#/$defs/b"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := renderReference([]byte(tc.schema))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one starting with %q", err, tc.want)
			}
		})
	}
}
