package spec

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bomb builds a "billion laughs" document: levels of lists of aliases to
// the level below, 9^levels strings when expanded.
func bomb(levels int) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: shop\nx-0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i <= levels; i++ {
		prev := "*l" + itoa(i-1)
		b.WriteString("x-" + itoa(i) + ": &l" + itoa(i) + " [" + strings.TrimSuffix(strings.Repeat(prev+",", 9), ",") + "]\n")
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestLoadHostileInput(t *testing.T) {
	tests := map[string]struct {
		data    string
		summary string // of one of the diagnostics
		maxMiB  uint64 // allocation bound; 0 means 64 MiB
	}{
		"alias bomb":          {data: bomb(12), summary: "alias *l3 expands to too many values"},
		"deep flow nesting":   {data: "version: 1\nname: x\nservers: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", summary: "values nested deeper than 64 levels"},
		"deep block nesting":  {data: "version: 1\nname: x\nx-a:\n" + deepBlock(200), summary: "values nested deeper than 64 levels"},
		"tab indentation":     {data: "version: 1\n\tname: x\n", summary: "invalid YAML: found a tab character that violates indentation"},
		"nul byte":            {data: "version: 1\x00", summary: "file contains a NUL byte"},
		"utf-16":              {data: "\xff\xfev\x00", summary: "file contains a NUL byte"},
		"latin-1":             {data: "name: caf\xe9\n", summary: "file is not UTF-8 text"},
		"empty":               {data: "", summary: "file is empty"},
		"only comments":       {data: "# nothing\n", summary: "file is empty"},
		"scalar document":     {data: "hello\n", summary: "a fleet file must be a mapping"},
		"recursive alias":     {data: "version: 1\nname: x\nservers: &s { web: *s }\n", summary: "alias *s refers to a value that contains it"},
		"unknown anchor":      {data: "version: 1\nname: *nope\n", summary: "invalid YAML: unknown anchor 'nope' referenced"},
		"complex key":         {data: "version: 1\nname: x\n? [a, b]\n: c\n", summary: "keys must be plain strings"},
		"many documents":      {data: "version: 1\nname: x\n---\nname: y\n", summary: "more than one YAML document in the file"},
		"50,000 unknown keys": {data: "version: 1\nname: x\n" + manyKeys(50000), summary: "too many problems: only the first 499 are shown", maxMiB: 160},
		"huge integer":        {data: "version: 1\nname: x\nservers: { web: { count: 99999999999999999999999 } }\n", summary: "servers.web: missing required field \"image\""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "fleet.yaml")
			if err := os.WriteFile(p, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			res := Load([]string{p}, LoadOptions{Getenv: noEnv})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if len(res.Diagnostics) == 0 {
				t.Fatal("no diagnostics")
			}
			found := false
			for _, d := range res.Diagnostics {
				found = found || d.Summary == tc.summary
				if d.Range == nil && !strings.HasPrefix(d.Summary, "too many problems") {
					t.Errorf("diagnostic %q has no position", d.Summary)
				}
			}
			if !found {
				t.Errorf("no diagnostic %q in %v", tc.summary, res.Diagnostics)
			}
			// Time is not asserted (a loaded CI machine under -race makes any
			// bound flaky); the allocation bound below is the deterministic
			// sign that the work is bounded, and a hang fails on the test timeout.
			t.Logf("took %v", elapsed)
			limit := tc.maxMiB
			if limit == 0 {
				limit = 64
			}
			if alloc := (after.TotalAlloc - before.TotalAlloc) >> 20; alloc > limit {
				t.Errorf("allocated %d MiB, want under %d MiB", alloc, limit)
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("k" + strconv.Itoa(i) + ": 1\n")
	}
	return b.String()
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+1) + "a:\n")
	}
	return b.String()
}

func TestLoadFileSizeCap(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(p, []byte("version: 1\nname: shop\n# "+strings.Repeat("x", 200)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Load([]string{p}, LoadOptions{Getenv: noEnv, MaxFileSize: 100})
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Summary != "file is larger than 100 bytes" {
		t.Errorf("diagnostics = %v, want one size error", res.Diagnostics)
	}
}
