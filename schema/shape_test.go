package schema

import "testing"

// TestShapeKey checks that values encode alike only when the server
// schema cannot tell them apart: equal, and of the same Go types.
func TestShapeKey(t *testing.T) {
	tests := map[string]struct {
		a, b any
		same bool
	}{
		"equal mappings in any order": {
			a: map[string]any{"type": "t", "count": int64(2), "network": map[string]any{"vpc": "1", "subnet": "2"}},
			b: map[string]any{"network": map[string]any{"subnet": "2", "vpc": "1"}, "count": int64(2), "type": "t"}, same: true},
		"integer and float":      {a: int64(1), b: float64(1)},
		"integer and string":     {a: int64(1), b: "1"},
		"float and string":       {a: 1.5, b: "1.5"},
		"null and string":        {a: nil, b: "null"},
		"true and string":        {a: true, b: "t"},
		"bool values":            {a: true, b: false},
		"string and list":        {a: "a", b: []any{"a"}},
		"list order":             {a: []any{"a", "b"}, b: []any{"b", "a"}},
		"list length":            {a: []any{"a,s1:b"}, b: []any{"a", "b"}},
		"key holding structure":  {a: map[string]any{"a,1:b": int64(1)}, b: map[string]any{"a": "b", "c": int64(1)}},
		"nested value":           {a: map[string]any{"v": map[string]any{"x": int64(1)}}, b: map[string]any{"v": map[string]any{"x": int64(2)}}},
		"empty mapping and list": {a: map[string]any{}, b: []any{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ka, okA := shapeKey(nil, tc.a)
			kb, okB := shapeKey(nil, tc.b)
			if !okA || !okB {
				t.Fatalf("shapeKey refused a JSON value: %v %v", okA, okB)
			}
			if same := string(ka) == string(kb); same != tc.same {
				t.Errorf("keys %q and %q: same = %v, want %v", ka, kb, same, tc.same)
			}
		})
	}
	if _, ok := shapeKey(nil, map[string]any{"x": int(3)}); ok {
		t.Error("shapeKey took an int, which the loader never produces")
	}
}

// TestShapesLookup checks the cache the server entries are validated
// through: alike entries hit, and keying stops when none are alike.
func TestShapesLookup(t *testing.T) {
	var c shapes
	entry := func(i int) map[string]any { return map[string]any{"type": "t", "count": int64(i)} }
	if _, hit := c.lookup(entry(1)); hit {
		t.Fatal("hit in an empty cache")
	}
	c.store([]Error{{Pointer: "/count", Keyword: "minimum"}})
	if found, hit := c.lookup(entry(1)); !hit || len(found) != 1 || found[0].Pointer != "/count" {
		t.Errorf("an alike entry: hit %v, found %v", hit, found)
	}
	if _, hit := c.lookup(entry(2)); hit {
		t.Error("a different entry hit")
	}

	var distinct shapes
	for i := range keyedMisses {
		distinct.lookup(entry(i))
		distinct.store(nil)
	}
	if _, hit := distinct.lookup(entry(0)); hit {
		t.Errorf("still keying after %d entries that all differ", keyedMisses)
	}
}
