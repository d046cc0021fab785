package planfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnmarshal: no input makes Unmarshal panic, and whatever it accepts
// marshals to bytes that read back the same and compare equal.
func FuzzUnmarshal(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "saved.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`{"format_version": "1", "actions": []}`))
	f.Add([]byte(`{"format_version": "2", "actions": [{"id": "x", "create": {"server": {"metadata": {}}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Unmarshal("p.json", data)
		if err != nil {
			return
		}
		first, err := Marshal(p)
		if err != nil {
			t.Fatalf("marshal what was read: %v", err)
		}
		q, err := Unmarshal("p.json", first)
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, first)
		}
		if again, _ := Marshal(q); string(again) != string(first) {
			t.Fatalf("second round trip differs:\n%s\n%s", first, again)
		}
		if d := Difference(p, q); d != "" {
			t.Fatalf("a plan differs from its round trip: %s", d)
		}
	})
}
