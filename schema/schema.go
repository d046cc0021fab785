package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// JSON is fleet.schema.json byte for byte, as `fleet schema` prints it.
//
//go:embed fleet.schema.json
var JSON []byte

// ID is the schema's $id, the URL it is compiled under.
const ID = "https://github.com/fleet-iac/fleet/schema/fleet.schema.json"

// Error is one leaf finding of the schema: which value failed which keyword.
type Error struct {
	Pointer string // JSON pointer of the failing value in the document ("" is the root)
	Keyword string // the keyword that failed: type, enum, required, additionalProperties, ...
	// SchemaPointer is the JSON pointer, inside the schema, of the schema
	// object holding Keyword (refs resolved), for looking up its
	// properties, enum or description.
	SchemaPointer string
	Message       string // the validator's own wording, for keywords fleet does not rephrase
	// PropertyName is set when the failing value is the property name at
	// the end of Pointer (propertyNames), not the value stored under it.
	PropertyName bool
}

var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema // the whole schema
	outer       *jsonschema.Schema // the same, but server entries accept anything
	server      *jsonschema.Schema // #/$defs/server
	raw         map[string]any
	compileErr  error
)

// outerID names the variant of the schema that leaves server entries to
// the server schema, so large fleets validate their servers in parallel.
const outerID = "https://github.com/fleet-iac/fleet/schema/fleet-outer.schema.json"

func load() error {
	compileOnce.Do(func() { compileErr = compile() })
	return compileErr
}

func compile() error {
	if err := json.Unmarshal(JSON, &raw); err != nil {
		return fmt.Errorf("parse embedded schema: %w", err)
	}
	var outerDoc map[string]any
	if err := json.Unmarshal(JSON, &outerDoc); err != nil {
		return fmt.Errorf("parse embedded schema: %w", err)
	}
	servers, ok := outerDoc["properties"].(map[string]any)["servers"].(map[string]any)
	if !ok {
		return fmt.Errorf("embedded schema has no servers property")
	}
	servers["additionalProperties"] = true
	outerJSON, err := json.Marshal(outerDoc)
	if err != nil {
		return fmt.Errorf("encode schema variant: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(ID, bytes.NewReader(JSON)); err != nil {
		return fmt.Errorf("add embedded schema: %w", err)
	}
	if err := c.AddResource(outerID, bytes.NewReader(outerJSON)); err != nil {
		return fmt.Errorf("add schema variant: %w", err)
	}
	for _, x := range []struct {
		dst **jsonschema.Schema
		url string
	}{{&compiled, ID}, {&outer, outerID}, {&server, ID + "#/$defs/server"}} {
		if *x.dst, err = c.Compile(x.url); err != nil {
			return fmt.Errorf("compile embedded schema %s: %w", x.url, err)
		}
	}
	return nil
}

// Validate checks doc, a JSON-compatible value (map[string]any, []any,
// string, bool, int64, float64, nil), and returns every leaf finding,
// sorted by pointer then keyword. The error is only for a broken embedded
// schema, which tests rule out.
func Validate(doc any) ([]Error, error) {
	if err := load(); err != nil {
		return nil, err
	}
	var out []Error
	m, _ := doc.(map[string]any)
	servers, _ := m["servers"].(map[string]any)
	if len(servers) < parallelMin {
		if err := run(compiled, doc, "", &out); err != nil {
			return nil, err
		}
	} else if err := validateParallel(doc, servers, &out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pointer != out[j].Pointer {
			return out[i].Pointer < out[j].Pointer
		}
		return out[i].Keyword < out[j].Keyword
	})
	return out, nil
}

// parallelMin is the number of servers from which they are validated on
// all cores, each entry on its own, beside the rest of the document.
const parallelMin = 512

// validateParallel checks the document without its server entries, and
// the server entries in chunks, one goroutine per core, each distinct
// entry once per goroutine.
func validateParallel(doc any, servers map[string]any, out *[]Error) error {
	names := slices.Sorted(maps.Keys(servers))
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	results := make([][]Error, workers+1)
	errs := make([]error, workers+1)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var alike shapes
			for i := w; i < len(names); i += workers {
				v := servers[names[i]]
				found, hit := alike.lookup(v)
				if !hit {
					if err := run(server, v, "", &found); err != nil {
						errs[w] = err
						return
					}
					alike.store(found)
				}
				prefix := "/servers/" + escape(names[i])
				for _, e := range found {
					e.Pointer = prefix + e.Pointer
					results[w] = append(results[w], e)
				}
			}
		}()
	}
	errs[workers] = run(outer, doc, "", &results[workers])
	wg.Wait()
	for w := range results {
		if errs[w] != nil {
			return errs[w]
		}
		*out = append(*out, results[w]...)
	}
	return nil
}

// run validates v with s and adds the findings, their pointers under prefix.
func run(s *jsonschema.Schema, v any, prefix string, out *[]Error) error {
	err := s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate: %w", err)
	}
	start := len(*out)
	collect(ve, out)
	for i := start; i < len(*out); i++ {
		(*out)[i].Pointer = prefix + (*out)[i].Pointer
	}
	return nil
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// collect flattens the cause tree to its leaves: the wrapping levels only
// repeat "doesn't validate with ..." and carry no position of their own.
func collect(ve *jsonschema.ValidationError, out *[]Error) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			collect(c, out)
		}
		return
	}
	loc := ve.AbsoluteKeywordLocation
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		loc = loc[i+1:]
	}
	keyword := loc
	parent := ""
	if i := strings.LastIndexByte(loc, '/'); i >= 0 {
		keyword, parent = loc[i+1:], loc[:i]
	}
	*out = append(*out, Error{
		Pointer:       unescapeLocation(ve.InstanceLocation),
		Keyword:       keyword,
		SchemaPointer: parent,
		Message:       ve.Message,
		PropertyName:  strings.Contains(ve.KeywordLocation, "/propertyNames"),
	})
}

// unescapeLocation undoes the URL escaping the validator applies to each
// token of an instance location, leaving a plain JSON pointer.
func unescapeLocation(loc string) string {
	if !strings.Contains(loc, "%") {
		return loc
	}
	toks := strings.Split(loc, "/")
	for i, t := range toks {
		if u, err := url.PathUnescape(t); err == nil {
			toks[i] = u
		}
	}
	return strings.Join(toks, "/")
}

// Node returns the schema object at a JSON pointer inside the schema, or
// nil when there is none.
func Node(pointer string) map[string]any {
	if load() != nil {
		return nil
	}
	var cur any = raw
	if pointer != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[tok]
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// Properties returns the property names the schema object at pointer
// allows, sorted.
func Properties(pointer string) []string {
	props, _ := Node(pointer)["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
