package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEmbeddedMatchesFile keeps the committed file and the binary's copy
// the same: editors read the one, fleet validates with the other.
func TestEmbeddedMatchesFile(t *testing.T) {
	data, err := os.ReadFile("fleet.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, JSON) {
		t.Error("embedded schema differs from fleet.schema.json")
	}
	if err := load(); err != nil {
		t.Fatal(err)
	}
}

// TestEveryPropertyHasDescription walks the schema: every property, every
// $defs entry and every map value schema must say what it is, because
// editors show it on hover.
func TestEveryPropertyHasDescription(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(JSON, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(path string, node map[string]any, needs bool)
	walk = func(path string, node map[string]any, needs bool) {
		_, hasRef := node["$ref"]
		if d, _ := node["description"].(string); needs && !hasRef && strings.TrimSpace(d) == "" {
			missing = append(missing, path)
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for name, p := range props {
				walk(path+"/properties/"+name, p.(map[string]any), true)
			}
		}
		for _, k := range []string{"$defs", "patternProperties"} {
			if defs, ok := node[k].(map[string]any); ok {
				for name, d := range defs {
					walk(path+"/"+k+"/"+name, d.(map[string]any), true)
				}
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			if sub, ok := node[k].(map[string]any); ok {
				walk(path+"/"+k, sub, true)
			}
		}
	}
	walk("", doc, true)
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("schema nodes without a description:\n%s", strings.Join(missing, "\n"))
	}
}

func serverDoc(extra string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(`{"provider":"p","image":"i","type":"t"`+extra+`}`), &m); err != nil {
		panic(err)
	}
	return m
}

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want []Error
	}{
		"valid": {doc: `{"version":1,"name":"shop","servers":{"web":{"provider":"p","image":"i","type":"t","count":2}}}`},
		"missing name and bad count": {
			doc: `{"version":1,"servers":{"web":{"provider":"p","image":"i","type":"t","count":-1}}}`,
			want: []Error{
				{Pointer: "", Keyword: "required", SchemaPointer: ""},
				{Pointer: "/servers/web/count", Keyword: "minimum", SchemaPointer: "/$defs/server/properties/count"},
			},
		},
		"unknown field and bad name": {
			doc: `{"version":1,"name":"shop","providers":{"a b":{"type":"ncloud","region":"KR","x":1}}}`,
			want: []Error{
				{Pointer: "/providers/a b", Keyword: "additionalProperties", SchemaPointer: "/$defs/provider"},
				{Pointer: "/providers/a b", Keyword: "pattern", SchemaPointer: "/$defs/name", PropertyName: true},
			},
		},
		"extension field": {doc: `{"version":1,"name":"shop","x-defaults":{"anything":[1]}}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			got, err := Validate(doc)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				got[i].Message = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateParallelMatchesWhole checks that splitting a large fleet's
// servers across goroutines finds exactly what one pass over the whole
// document finds.
func TestValidateParallelMatchesWhole(t *testing.T) {
	servers := map[string]any{}
	for i := 0; i < parallelMin+100; i++ {
		extra := ""
		switch i % 97 {
		case 0:
			extra = `,"count":-5`
		case 1:
			extra = `,"flavr":"x"`
		case 2:
			extra = `,"volumes":[{"name":"d","size":"big"}]`
		}
		servers[fmt.Sprintf("web/%03d", i)] = serverDoc(extra)
	}
	doc := map[string]any{"version": int64(2), "name": "shop", "servers": servers}
	got, err := Validate(doc)
	if err != nil {
		t.Fatal(err)
	}
	var want []Error
	if err := run(compiled, doc, "", &want); err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].Pointer != want[j].Pointer {
			return want[i].Pointer < want[j].Pointer
		}
		return want[i].Keyword < want[j].Keyword
	})
	if len(got) < 20 {
		t.Fatalf("only %d findings; the test data should produce more", len(got))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parallel (-whole +parallel):\n%s", diff)
	}
}

func TestProperties(t *testing.T) {
	got := Properties("/$defs/network")
	if diff := cmp.Diff([]string{"interfaces", "ip", "security_groups", "subnet", "vpc"}, got); diff != "" {
		t.Errorf("Properties (-want +got):\n%s", diff)
	}
	if Node("/$defs/nope") != nil {
		t.Error("Node of a missing pointer is not nil")
	}
}
