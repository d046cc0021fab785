package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/regularfile"
)

// DefaultMaxFileSize caps each fleet file; real ones are a few kilobytes.
const DefaultMaxFileSize = 4 << 20

// LoadOptions tunes Load. The zero value reads the process environment and
// caps files at DefaultMaxFileSize.
type LoadOptions struct {
	// Getenv looks up ${VAR}; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// MaxFileSize is the largest fleet file accepted, in bytes; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// UnsetVarWarns makes an unset ${VAR} a warning instead of an error:
	// the field that reads it is left unchecked and the rest of the fleet
	// is checked as usual (fleet validate, offline, where CI secrets are
	// absent). The warnings are also listed in LoadResult.Unset.
	UnsetVarWarns bool
	// Vars are the values given for the fleet's variables.
	Vars VarInputs
}

// loader holds everything one Load call learns.
type loader struct {
	getenv  func(string) (string, bool)
	maxSize int64
	// unsetWarns: see LoadOptions.UnsetVarWarns; unset collects them.
	unsetWarns bool
	unset      Diagnostics
	sources    []*source
	locs       map[string]loc                // JSON pointer → where the value was read
	fromEnv    map[string]string             // pointers of strings built from ${VAR} → the first variable
	fromVar    map[string]string             // pointers of values built from ${var.NAME} → the first variable
	secret     map[string]bool               // pointers of values that hold a sensitive variable, wherever in the text
	vars       map[string]*varDecl           // the declared variables, by name
	broken     map[string]bool               // pointers whose value could not be read, already reported
	trees      map[*source]*yaml.Node        // each file's parsed tree, for locate
	keys       map[*yaml.Node]map[string]int // locate's index of a large mapping's own keys (see keyIn)
	failed     bool                          // a file could not be parsed: the merged fleet is incomplete
	pos        *positions                    // what the fleet's lazily found positions read, once built
	doc        map[string]any                // all files merged
	diags      Diagnostics
}

// LoadResult is what Load learned. Fleet is never nil and always holds
// Files and Digest; the rest is trustworthy only when Diagnostics has no
// errors. Sources holds each file's bytes by the name diagnostics use, so
// they can be rendered with their source lines.
type LoadResult struct {
	Fleet       *Fleet
	Sources     map[string][]byte
	Diagnostics Diagnostics // sorted
	// Unset are the warnings for unset ${VAR}s (with UnsetVarWarns), in
	// file order; each is in Diagnostics too. Path says which field.
	Unset Diagnostics
}

// Load reads fleet files (a directory stands for every *.yaml and *.yml in
// it), merges them into one fleet, checks it against the schema and the
// clouds' rules, and expands server groups into instances.
func Load(paths []string, opts LoadOptions) LoadResult {
	l := &loader{
		getenv:     opts.Getenv,
		maxSize:    opts.MaxFileSize,
		unsetWarns: opts.UnsetVarWarns,
		locs:       map[string]loc{},
		fromEnv:    map[string]string{},
		fromVar:    map[string]string{},
		secret:     map[string]bool{},
		vars:       map[string]*varDecl{},
		broken:     map[string]bool{},
		trees:      map[*source]*yaml.Node{},
		doc:        map[string]any{},
	}
	if l.getenv == nil {
		l.getenv = os.LookupEnv
	}
	if l.maxSize <= 0 {
		l.maxSize = DefaultMaxFileSize
	}
	f := &Fleet{Providers: map[string]*Provider{}}
	sources := map[string][]byte{}
	if len(paths) == 0 {
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError, Summary: "no fleet file given",
			Detail: "Name a fleet file or a directory of them with -f."})
	}
	files := l.expandPaths(paths)
	for _, name := range files {
		if src := l.read(name); src != nil {
			l.sources = append(l.sources, src)
			sources[src.name] = src.data
		}
	}
	f.Files = files
	contents := make([][]byte, len(l.sources))
	for i, src := range l.sources {
		contents[i] = src.data
	}
	f.Digest = FilesDigest(contents)

	// Every file is parsed before any is converted: the variables that
	// ${var.NAME} reads may be declared in any of them.
	docs := make([]*yaml.Node, len(l.sources))
	for i, src := range l.sources {
		docs[i] = l.parseFile(src)
	}
	// The var files' lines are never quoted under a diagnostic (their
	// sources are left out of the result): they may hold secrets.
	l.declareVariables(docs, opts.Vars)
	for i, src := range l.sources {
		l.loadFile(src, docs[i])
	}
	l.build(f, paths)
	f.Environment = l.environment(opts.Vars)
	// Checking a fleet with a file missing would only add errors that
	// fixing the syntax makes go away.
	if len(l.sources) > 0 && !l.failed {
		// The schema and the semantic checks only read the document, so
		// they run side by side; each collects its own diagnostics.
		sl := *l
		sl.diags = nil
		// locate's caches are not shared across goroutines; the parsed
		// trees they hold are only read, so each side starts from them.
		sl.trees = maps.Clone(l.trees)
		sl.keys = nil
		done := make(chan struct{})
		go func() {
			defer close(done)
			sl.validateSchema()
		}()
		l.check(f)
		<-done
		l.diags = append(l.diags, sl.diags...)
	}
	l.diags.Sort()
	if len(l.diags) >= maxDiagnostics {
		l.diags = append(l.diags[:maxDiagnostics-1], Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("too many problems: only the first %d are shown", maxDiagnostics-1),
			Detail:  "Fix these and run fleet validate again."})
	}
	return LoadResult{Fleet: f, Sources: sources, Diagnostics: l.diags, Unset: l.unset}
}

// expandPaths turns the -f arguments into sorted, distinct file names.
func (l *loader) expandPaths(paths []string) []string {
	seen := map[string]bool{}
	var files []string
	for _, p := range paths {
		p = filepath.Clean(p)
		info, err := regularfile.Check(p, true)
		if err != nil {
			l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
				Summary: fmt.Sprintf("cannot read fleet file %s: %s", p, errText(err)),
				Detail:  "Check the path given with -f, or run fleet in the directory that holds fleet.yaml."})
			continue
		}
		names := []string{p}
		if info.IsDir() {
			names = nil
			entries, err := os.ReadDir(p)
			if err != nil {
				l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
					Summary: fmt.Sprintf("cannot read directory %s: %s", p, errText(err))})
				continue
			}
			for _, e := range entries {
				ext := filepath.Ext(e.Name())
				if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
					names = append(names, filepath.Join(p, e.Name()))
				}
			}
			if len(names) == 0 {
				l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
					Summary: fmt.Sprintf("no fleet files in directory %s", p),
					Detail:  "A directory given with -f must hold *.yaml or *.yml files."})
			}
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				files = append(files, n)
			}
		}
	}
	sort.Strings(files)
	return files
}

// errText is an I/O error without the path, which the summary names already.
func errText(err error) string {
	var re *regularfile.Error
	if errors.As(err, &re) {
		return "it is a " + re.Kind + ", not " + re.Want
	}
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// read loads one file and rejects what is not UTF-8 YAML text of sane size.
func (l *loader) read(name string) *source {
	fh, err := regularfile.Open(name)
	if err != nil {
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("cannot read fleet file %s: %s", name, errText(err))})
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, l.maxSize+1))
	if err != nil {
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("cannot read fleet file %s: %s", name, errText(err))})
		return nil
	}
	if int64(len(data)) > l.maxSize {
		l.errorAt(Range{Filename: name, Start: Pos{Line: 1, Column: 1}, End: Pos{Line: 1, Column: 1}},
			fmt.Sprintf("file is larger than %s", sizeText(l.maxSize)),
			"Fleet files are small; split a very large fleet into several files in one directory.", "")
		return &source{name: name, lines: []int{0}}
	}
	src := newSource(name, data)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		l.errorAt(src.span(i, i+1), "file contains a NUL byte",
			"This looks like a binary file, not YAML text. Check the path given with -f.", "")
		return src
	}
	if !utf8.Valid(data) {
		i := invalidUTF8(data)
		l.errorAt(src.span(i, i+1), "file is not UTF-8 text",
			"Save the file as UTF-8. Fleet files are YAML, which fleet reads only as UTF-8.", "")
		return src
	}
	// yaml.v3 rejects these without a position; found here, the error
	// points at the character itself.
	if i, r := controlChar(data); i >= 0 {
		l.errorAt(src.span(i, i+utf8.RuneLen(r)), fmt.Sprintf("file contains the control character %U", r),
			"YAML text allows no control characters other than tab and line breaks. Remove it (the line above shows it escaped).", "")
		return src
	}
	return src
}

// controlChar finds the first character YAML does not allow in a stream
// (YAML 1.2 §5.1): C0 controls other than tab and line breaks, DEL, and C1
// controls other than NEL. It returns -1 when there is none.
func controlChar(data []byte) (int, rune) {
	for i, r := range string(data) {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			return i, r
		}
	}
	return -1, 0
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, w := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && w <= 1 {
			return i
		}
		i += w
	}
	return len(data)
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// errorAt records an error diagnostic at r.
// Past maxDiagnostics errors nobody reads on; a hostile file could
// otherwise produce millions (one per unknown key).
func (l *loader) errorAt(r Range, summary, detail, ptr string) {
	if len(l.diags) >= maxDiagnostics {
		return
	}
	l.diags = append(l.diags, Diagnostic{Severity: SeverityError, Summary: summary, Detail: detail, Path: ptr, Range: &r})
}

// maxDiagnostics caps the diagnostics of one Load.
const maxDiagnostics = 500

// parseFile parses one file; nil when it cannot be used.
func (l *loader) parseFile(src *source) *yaml.Node {
	if src.data == nil || l.fileRejected(src) {
		l.failed = true
		return nil
	}
	doc, ok := l.parseYAML(src)
	if !ok {
		l.failed = true
		return nil
	}
	return doc
}

// loadFile converts one parsed file and merges its top level into l.doc.
func (l *loader) loadFile(src *source, doc *yaml.Node) {
	if doc == nil {
		return
	}
	c := &converter{l: l, src: src, locs: map[string]loc{}, active: map[*yaml.Node]bool{}}
	c.aliasLeft = aliasBase + aliasFactor*countNodes(doc)
	root := doc
	if len(doc.Content) > 0 {
		root = doc.Content[0]
		l.trees[src] = root // locate reads positions from this parse, not another
	}
	c.record("", nil, root)
	v := c.convert(doc, "", 0)
	if v == nil && root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		l.errorAt(src.span(0, 0), "file is empty",
			"A fleet file needs at least version: 1 and name:.", "")
		l.failed = true
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		l.errorAt(src.nodeRange(root), "a fleet file must be a mapping",
			"Start the file with keys such as version: 1 and name: NAME.", "")
		l.failed = true
		return
	}
	l.merge(src, m, c.locs)
}

// fileRejected reports whether read already found the file unusable.
func (l *loader) fileRejected(src *source) bool {
	for _, d := range l.diags {
		if d.Range != nil && d.Range.Filename == src.name {
			return true
		}
	}
	return false
}
