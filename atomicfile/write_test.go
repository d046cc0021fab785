package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesWithModeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.lock")
	for _, content := range []string{"first", "second"} {
		if err := WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %v, want only the file", entries)
	}
}

func TestWriteFileFailureLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	if err := WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Renaming over a directory fails after the temp file was written.
	if err := WriteFile(dir, []byte("x"), 0o600); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	got, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(got) != "old" || len(entries) != 1 {
		t.Errorf("after a failed write: %q, %v", got, entries)
	}
}

func TestIsTemp(t *testing.T) {
	tests := map[string]struct {
		name string
		want bool
	}{
		"own temp":          {".fleet.lock.123.tmp", true},
		"the file":          {"fleet.lock", false},
		"another's temp":    {".fleet.lock.info.9.tmp", true}, // prefix fleet.lock. also covers fleet.lock.info: both are the state's
		"unrelated":         {".other.1.tmp", false},
		"not a temp suffix": {".fleet.lock.123", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := IsTemp("/x/fleet.lock", tc.name); got != tc.want {
				t.Errorf("IsTemp(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}
