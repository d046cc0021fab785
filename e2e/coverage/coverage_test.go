package coverage

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's seed coverage section")

const (
	beginMarker = "<!-- BEGIN SEED COVERAGE -->"
	endMarker   = "<!-- END SEED COVERAGE -->"
	readmePath  = "../../README.md"
	seedsDir    = "testdata/seeds"
	// sharedSeeds is where the seeds are kept as they were given, beside
	// the repository in the workspace; testdata holds a copy.
	sharedSeeds = "../../../shared/seeds"
)

// documented is one operation or parameter a seed documents.
type documented struct{ op, param string }

var (
	// NCP: the operation is the last segment of the URI line.
	ncpOp = regexp.MustCompile(`POST \|? ?/(?:vserver/v2/)?([A-Za-z]+)`)
	// NCP request parameters: "name |" (000, 003) or "name Type Required" (001).
	ncpParam = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9.]*)(?: \|$| (?:String|Array|Integer|Boolean) (?:Optional|Required|Conditional))`)
	// NHN: the method and path of an operation.
	nhnOp = regexp.MustCompile("^(GET|POST|PUT|DELETE) /v2/\\{tenantId\\}(\\S*)$")
	// NHN request rows have a Required column (O or -); response rows do not.
	nhnParamFlat = regexp.MustCompile(`^(\S+) (?:Query|Body|body) \S+ (?:O|-) `)
	nhnParamMD   = regexp.MustCompile(`^\| (\S+) \| (?:Query|Body|body) \| \S+ \| (?:O|-) \|`)
)

// parseSeed lists what one seed documents.
func parseSeed(text string) []documented {
	var out []documented
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if !strings.Contains(text, "/v2/{tenantId}") {
		op, inParams := "", false
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if m := ncpOp.FindStringSubmatch(l); m != nil && op == "" {
				op = m[1]
				out = append(out, documented{op, ""})
			}
			switch {
			case strings.HasPrefix(l, "Request query parameters"):
				inParams = true
			case strings.HasPrefix(l, "Request example"):
				inParams = false
			case inParams:
				if m := ncpParam.FindStringSubmatch(l); m != nil && m[1] != "Field" {
					out = append(out, documented{op, m[1]})
				}
			}
		}
		return out
	}
	op := ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if m := nhnOp.FindStringSubmatch(l); m != nil {
			op = m[1] + " " + m[2]
			if !strings.HasSuffix(op, "/action") {
				out = append(out, documented{op, ""})
			}
			continue
		}
		m := nhnParamFlat.FindStringSubmatch(l)
		if m == nil {
			m = nhnParamMD.FindStringSubmatch(l)
		}
		if m != nil && op != "" {
			out = append(out, documented{op, m[1]})
		}
	}
	return out
}

// seeds reads the seed copies: number ("000") → what it documents.
func seeds(t *testing.T) map[string][]documented {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(seedsDir, "*.txt"))
	if err != nil || len(files) != 5 {
		t.Fatalf("want the 5 seeds in %s, got %v (%v)", seedsDir, files, err)
	}
	out := map[string][]documented{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)[:3]] = parseSeed(string(b))
	}
	return out
}

// TestSeedCopiesAreTheSeeds keeps testdata/seeds identical to the seeds
// as they were given, when those are present beside the repository.
func TestSeedCopiesAreTheSeeds(t *testing.T) {
	originals, _ := filepath.Glob(filepath.Join(sharedSeeds, "*.txt"))
	if len(originals) == 0 {
		t.Skipf("no seeds at %s (outside the workspace): the copies in %s are checked by the other tests", sharedSeeds, seedsDir)
	}
	for _, o := range originals {
		want, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(seedsDir, filepath.Base(o)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (%v): copy it again", filepath.Join(seedsDir, filepath.Base(o)), o, err)
		}
	}
}

// TestParserFindsTheSeedsParameters guards the parser itself: a few
// parameters of each seed, taken from the documents by hand.
func TestParserFindsTheSeedsParameters(t *testing.T) {
	all := seeds(t)
	tests := map[string]struct {
		seed  string
		want  documented
		count int // documented entries in that seed, counted by hand
	}{
		"000 fabric pool":    {"000", documented{ncpCreateOp, "fabricClusterPoolNo"}, 36},
		"001 list":           {"001", documented{"startServerInstances", "serverInstanceNoList.N"}, 4},
		"003 image name":     {"003", documented{"createMemberServerImageInstance", "memberServerImageName"}, 6},
		"002 volume_type":    {"002", documented{nhnCreateOp, bdm + ".volume_type"}, 74},
		"002 shelve":         {"002", documented{nhnAction, "shelve"}, 74},
		"004 server name":    {"004", documented{nhnCreateOp, "server.name"}, 77},
		"004 list query":     {"004", documented{"GET /servers", "changes-since"}, 77},
		"004 delete keypair": {"004", documented{"DELETE /os-keypairs/{keypairName}", ""}, 77},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := all[tc.seed]
			found := false
			for _, d := range got {
				found = found || d == tc.want
			}
			if !found {
				t.Errorf("seed %s: %+v not found in %d entries", tc.seed, tc.want, len(got))
			}
			if len(got) != tc.count {
				t.Errorf("seed %s: %d entries, want %d", tc.seed, len(got), tc.count)
			}
		})
	}
}

// TestEverySeedParameterHasARow fails when a seed documents an operation
// or request parameter the table does not cover, or when a row names one
// that its seeds do not document.
func TestEverySeedParameterHasARow(t *testing.T) {
	all := seeds(t)
	rows := map[string]map[documented]bool{} // seed → rows claiming it
	for _, r := range Table {
		for _, s := range strings.Fields(r.Seeds) {
			if rows[s] == nil {
				rows[s] = map[documented]bool{}
			}
			rows[s][documented{r.Operation, r.Parameter}] = true
		}
	}
	var missing []string
	for _, s := range slices.Sorted(maps.Keys(all)) {
		docd := map[documented]bool{}
		for _, d := range all[s] {
			docd[d] = true
			if !rows[s][d] {
				missing = append(missing, fmt.Sprintf("seed %s: %s %q", s, d.op, d.param))
			}
		}
		for d := range rows[s] {
			if !docd[d] {
				t.Errorf("row claims seed %s documents %s %q; it does not", s, d.op, d.param)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no row for %s", m)
	}
}

// TestRowsAreComplete: every row names a test or says why not, and no
// operation/parameter appears twice.
func TestRowsAreComplete(t *testing.T) {
	seen := map[documented]bool{}
	for _, r := range Table {
		d := documented{r.Operation, r.Parameter}
		if seen[d] {
			t.Errorf("%s %q has two rows", d.op, d.param)
		}
		seen[d] = true
		if r.Test == "" && r.Note == "" {
			t.Errorf("%s %q: neither a test nor a reason", d.op, d.param)
		}
		if r.Reach == "" || r.Seeds == "" {
			t.Errorf("%s %q: seeds or reach missing", d.op, d.param)
		}
	}
}

var testFunc = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(`)

// TestNamedTestsExist scans the repository's _test.go files for every test
// the table names, in the package directory it names.
func TestNamedTestsExist(t *testing.T) {
	named := map[string]bool{}
	for _, r := range Table {
		if r.Test != "" {
			named[r.Test] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(named)) {
		i := strings.LastIndex(name, ".")
		if i < 0 {
			t.Errorf("%q: want package/path.TestName", name)
			continue
		}
		dir, fn := filepath.Join("..", "..", filepath.FromSlash(name[:i])), name[i+1:]
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		found := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range testFunc.FindAllStringSubmatch(string(b), -1) {
				found = found || m[1] == fn
			}
		}
		if !found {
			t.Errorf("the table names %s, but no func %s( in %s/*_test.go", name, fn, dir)
		}
	}
}

// TestREADMESection keeps the README's seed coverage section equal to
// Render; -update writes it.
func TestREADMESection(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		out, err := withSection(string(b), Render())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(readmePath, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, ok := section(string(b))
	if !ok {
		t.Fatalf("README.md has no %s … %s section: run go test ./e2e/coverage -update", beginMarker, endMarker)
	}
	if got != Render() {
		t.Errorf("README.md's seed coverage section is stale: run go test ./e2e/coverage -update")
	}
}

// section returns the text between the markers.
func section(doc string) (string, bool) {
	i, j := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	if i < 0 || j < i {
		return "", false
	}
	return strings.TrimPrefix(doc[i+len(beginMarker):j], "\n"), true
}

// heading is one markdown heading outside fenced code: its level and the
// byte offsets of its line.
type heading struct {
	level, start, end int
	text              string
}

// headings lists the document's headings, skipping fenced code blocks
// (a "# comment" in a YAML example is not a heading).
func headings(doc string) []heading {
	var out []heading
	fenced := false
	for off := 0; off < len(doc); {
		end := strings.IndexByte(doc[off:], '\n')
		if end < 0 {
			end = len(doc)
		} else {
			end += off
		}
		line := doc[off:end]
		switch {
		case strings.HasPrefix(line, "```"):
			fenced = !fenced
		case !fenced && strings.HasPrefix(line, "#"):
			level := len(line) - len(strings.TrimLeft(line, "#"))
			if level <= 6 && strings.HasPrefix(line[level:], " ") {
				out = append(out, heading{level, off, end, strings.TrimSpace(line[level:])})
			}
		}
		off = end + 1
	}
	return out
}

// withSection puts body between the markers: in place when they exist,
// otherwise at the end of the README's reference section (before the next
// heading of the same or a higher level), or at the end of the document
// under a new "## Reference" heading.
func withSection(doc, body string) (string, error) {
	block := beginMarker + "\n" + body + endMarker + "\n"
	i, j := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	switch {
	case i >= 0 && j > i:
		end := j + len(endMarker)
		if end < len(doc) && doc[end] == '\n' {
			end++
		}
		return doc[:i] + block + doc[end:], nil
	case i >= 0 || j >= 0:
		return "", fmt.Errorf("README.md has only one of %s and %s", beginMarker, endMarker)
	}
	hs := headings(doc)
	for k, h := range hs {
		if !strings.Contains(strings.ToLower(h.text), "reference") {
			continue
		}
		for _, next := range hs[k+1:] {
			if next.level <= h.level {
				return strings.TrimRight(doc[:next.start], "\n") + "\n\n" + block + "\n" + doc[next.start:], nil
			}
		}
		return strings.TrimRight(doc, "\n") + "\n\n" + block, nil
	}
	return strings.TrimRight(doc, "\n") + "\n\n## Reference\n\n" + block, nil
}

func TestWithSection(t *testing.T) {
	body := "### Seed coverage\n\nrows\n"
	block := beginMarker + "\n" + body + endMarker + "\n"
	tests := map[string]struct{ doc, want string }{
		"reference section in the middle": {
			doc:  "# fleet\n\n## Reference\n\nflags\n\n### Exit codes\n\n0\n\n## License\n\nMIT\n",
			want: "# fleet\n\n## Reference\n\nflags\n\n### Exit codes\n\n0\n\n" + block + "\n## License\n\nMIT\n",
		},
		"reference section last": {
			doc:  "# fleet\n\n## Reference\n\nflags\n",
			want: "# fleet\n\n## Reference\n\nflags\n\n" + block,
		},
		"fenced comment is not a heading": {
			doc:  "# fleet\n\n## The fleet file reference\n\n```yaml\n# a comment\n```\n\n## Next\n",
			want: "# fleet\n\n## The fleet file reference\n\n```yaml\n# a comment\n```\n\n" + block + "\n## Next\n",
		},
		"no reference section": {
			doc:  "# fleet\n\n## Quick start\n\nrun it\n",
			want: "# fleet\n\n## Quick start\n\nrun it\n\n## Reference\n\n" + block,
		},
		"markers present": {
			doc:  "# fleet\n\n" + beginMarker + "\nold\n" + endMarker + "\n\nafter\n",
			want: "# fleet\n\n" + block + "\nafter\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := withSection(tc.doc, body)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			if s, ok := section(got); !ok || s != body {
				t.Errorf("section of the result = %q, %v", s, ok)
			}
			again, _ := withSection(got, body)
			if again != got {
				t.Errorf("a second update changed the README:\n%s", again)
			}
		})
	}
	if _, err := withSection("a\n"+endMarker+"\n", body); err == nil {
		t.Error("a lone end marker was accepted")
	}
}
