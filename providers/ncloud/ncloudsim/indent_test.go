package ncloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"
)

// indentReference is what appendIndented must equal: json.Marshal, then
// json.Indent with the depth's prefix.
func indentReference(t *testing.T, v any, depth int) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, indentOf(depth), "  "); err != nil {
		t.Fatalf("reference: %v", err)
	}
	return b.String()
}

type indentInner struct {
	A string `json:"a"`
	B []int  `json:"b,omitempty"`
}

type indentEmbedded struct {
	indentInner
	C int `json:"c"`
}

type indentOptions struct {
	N   int       `json:"n,string"`
	T   time.Time `json:"t,omitzero"`
	Raw []byte    `json:"raw"`
}

type indentPlain struct {
	Name    string
	Tagged  string `json:"tagged"`
	Skipped string `json:"-"`
	Dash    string `json:"-,"`
	hidden  string
	Ptr     *code          `json:"ptr,omitempty"`
	NilPtr  *code          `json:"nilPtr"`
	Any     any            `json:"any"`
	Map     map[string]int `json:"map"`
	F       float64        `json:"f"`
	U       uint16         `json:"u"`
	Arr     [2]bool        `json:"arr"`
	Empty   struct{}       `json:"empty"`
	Nested  []indentInner  `json:"nested"`
	Nil     []string       `json:"nil"`
	Obj     object         `json:"obj"`
	When    time.Time      `json:"when"`
	Odd     string         `json:"odd name"`
}

// indentTree is recursive: its encoder meets its own placeholder.
type indentTree struct {
	Name string       `json:"name"`
	Kids []indentTree `json:"kids,omitempty"`
	Up   *indentTree  `json:"up"`
}

// indentPtrMarshaler marshals through a pointer receiver, which encoding/json
// calls only for addressable values (slice elements, not map values).
type indentPtrMarshaler struct{ N int }

func (m *indentPtrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"n": "custom"}`), nil }

func TestAppendIndentedMatchesEncodingJSON(t *testing.T) {
	when := time.Date(2026, 12, 7, 19, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"string needing no escapes", "plain-ascii 123"},
		{"html and quotes", `<a href="x">&amp;</a> \ done`},
		{"control and unicode", "tab\there\x01 é \u2028 \u2029 \xff invalid"},
		{"numbers", []any{0, -7, int64(math.MinInt64), uint64(math.MaxUint64), 1.5, 1e21, float32(0.1)}},
		{"empty list", []serverJSON{}},
		{"nil list", []serverJSON(nil)},
		{"object", object{{"totalRows", 2}, {"list", []code{{"A", "a"}, {"B", "<b>"}}}, {"none", nil}, {"empty", object{}}}},
		{"nil object", object(nil)},
		{"struct of every kind", indentPlain{Name: "n", Tagged: "t", Skipped: "s", Dash: "d", hidden: "h",
			Ptr: &code{"X", "x"}, Any: map[string]any{"z": 1, "a": []any{}}, Map: map[string]int{"b": 2, "a": 1},
			F: 0.000001, U: 9, Arr: [2]bool{true, false}, Nested: []indentInner{{A: "1"}, {A: "2", B: []int{3}}},
			Obj: object{{"k", "v"}}, When: when, Odd: "o"}},
		{"embedded fields", []indentEmbedded{{indentInner{A: "x", B: []int{1}}, 2}}},
		{"tag options", indentOptions{N: 5, Raw: []byte("bytes")}},
		{"omitzero set", indentOptions{T: when}},
		{"pointer to struct", &indentInner{A: "p"}},
		{"server", serverJSON{ServerInstanceNo: "1", NetworkInterfaceNoList: []string{"2", "3"},
			BlockDevicePartitionList: []partition{{"/", "50"}}, EventList: []string{}}},
		{"recursive type", indentTree{Name: "root", Kids: []indentTree{{Name: "a", Kids: []indentTree{{Name: "b"}}}}, Up: &indentTree{Name: "up"}}},
		{"pointer-receiver marshaler", object{{"addressable", []indentPtrMarshaler{{1}}}, {"not", indentPtrMarshaler{2}},
			{"in a map", map[string]indentPtrMarshaler{"k": {3}}}}},
		{"nic without instance", nicJSON{NetworkInterfaceNo: "9", AccessControlGroupNoList: []string{"43"}}},
	}
	for _, tt := range tests {
		for _, depth := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("%s/depth %d", tt.name, depth), func(t *testing.T) {
				want := indentReference(t, tt.v, depth)
				got, err := appendIndented([]byte("prefix:"), tt.v, depth)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != "prefix:"+want {
					t.Errorf("\ngot  %s\nwant prefix:%s", got, want)
				}
			})
		}
	}
}

func TestAppendIndentedErrors(t *testing.T) {
	if _, err := appendIndented(nil, object{{"bad", math.NaN()}}, 1); err == nil {
		t.Error("NaN encoded without an error")
	}
	if _, err := envelope("x", object{{"bad", func() {}}}); err == nil {
		t.Error("a func encoded without an error")
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"q"`, "<>&", "\u2028", "\xff", "tab\t", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}
