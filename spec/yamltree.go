package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits that keep hostile input bounded in time and memory.
const (
	// maxDepth is far beyond any real fleet file (about 6 levels) and far
	// below what would strain the stack.
	maxDepth = 64
	// aliasBase plus aliasFactor times the file's own node count is how
	// many values aliases may add: enough for "<<: *defaults" on every
	// server, far too few for a "billion laughs" bomb.
	aliasBase   = 10000
	aliasFactor = 2
)

// recordDepth is how deep locs are recorded while converting: the blocks
// and their entries (/servers/web). Deeper values are found on demand by
// parsing the file again (locate), only when a diagnostic needs them, so
// the YAML node tree of a large file is garbage as soon as it is converted.
const recordDepth = 2

// loc is where the value at one JSON pointer was read.
type loc struct {
	src    *source
	local  string // the pointer inside src; moved entries of later files are renumbered when merged
	key    Range  // the key that named it (only with hasKey)
	val    Range
	hasKey bool
}

// converter turns one file's yaml.v3 node tree into JSON-compatible
// values, recording the loc of every value and expanding ${VAR}.
type converter struct {
	l          *loader
	src        *source
	locs       map[string]loc
	aliasLeft  int
	aliasBroke bool                // the alias budget ran out: one error is enough
	active     map[*yaml.Node]bool // anchors being expanded, to catch cycles
	site       *yaml.Node          // the outermost alias being expanded: where errors point
	depthBroke bool
	literal    bool // var files: strings are values, not templates
}

// yamlError matches yaml.v3's error text, "yaml: line N: problem".
var yamlError = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parserProblems are the problems yaml.v3's parser (not its scanner)
// reports. For those it prints the 0-based line of the collection being
// parsed, so the 1-based line is one more; each gets a detail in words.
var parserProblems = map[string]string{
	"did not find expected ',' or ']'":       "The list opened with [ on this line is not closed with ], or a comma is missing between its items.",
	"did not find expected ',' or '}'":       "The mapping opened with { on this line is not closed with }, or a comma is missing between its entries.",
	"did not find expected key":              "The mapping that starts on this line has a line indented differently from its keys. Check the indentation below it.",
	"did not find expected '-' indicator":    "The list that starts on this line has a line that is not an item. Check the indentation below it.",
	"did not find expected node content":     "A value is missing or malformed in the collection that starts on this line.",
	"did not find expected <document start>": "Something follows the end of the document. Check the indentation of the lines below this one.",
	"found undefined tag handle":             "Remove the tag: fleet files use plain strings, numbers, booleans, lists and mappings.",
	"found incompatible YAML document":       "Remove the %YAML directive or make it %YAML 1.2.",
	"found duplicate %YAML directive":        "Remove the repeated %YAML directive.",
	"found duplicate %TAG directive":         "Remove the repeated %TAG directive.",
	"did not find expected <stream-start>":   "Fix the YAML syntax of the file.",
}

// parseYAML parses one file into its document node, reporting syntax
// errors at their line.
func (l *loader) parseYAML(src *source) (*yaml.Node, bool) {
	if len(src.data) >= splitMin {
		if doc, ok := parseSplit(src.data, min(runtime.GOMAXPROCS(0), 8)); ok {
			return doc, true
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.errorAt(src.span(0, 0), "file is empty",
				"A fleet file needs at least version: 1 and name:.", "")
			return nil, false
		}
		l.syntaxError(src, err)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		r := src.lineRange(extra.Line, 0)
		if extra.Line > 1 {
			r = src.lineRange(extra.Line-1, 0) // the "---" that starts it
		}
		l.errorAt(r, "more than one YAML document in the file",
			"A fleet file holds one document. Split it into several files and pass each with -f, or remove the \"---\" line.", "")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		l.syntaxError(src, err)
		return nil, false
	}
	return &doc, true
}

// syntaxError rewrites a yaml.v3 error ("yaml: line 3: ...") into a
// positioned diagnostic: a tab is pointed at, other errors cover the line.
func (l *loader) syntaxError(src *source, err error) {
	m := yamlError.FindStringSubmatch(err.Error())
	if m == nil {
		l.errorAt(src.span(0, 0), "invalid YAML: "+err.Error(), "Fix the YAML syntax of the file.", "")
		return
	}
	line, _ := strconv.Atoi(m[1])
	detail, parserProblem := parserProblems[m[2]]
	if parserProblem {
		line++
	} else {
		detail = "Fix the YAML syntax on this line or the one before it."
	}
	line = min(max(line, 1), len(src.lines))
	r := src.lineRange(line, 0)
	// yaml.v3 names the line before a tab that breaks indentation as often
	// as the tab's own: the tab is looked for on both, then the one before.
	for _, n := range []int{line, line + 1, line - 1} {
		if n < 1 || n > len(src.lines) {
			continue
		}
		text := src.line(n)
		if i := bytes.IndexByte(text, '\t'); i >= 0 && len(bytes.TrimLeft(text[:i], " -")) == 0 {
			r = src.span(src.lines[n-1]+i, src.lines[n-1]+i+1)
			detail = "YAML indentation must use spaces, never tabs. Replace the tab with spaces."
			break
		}
	}
	l.errorAt(r, "invalid YAML: "+m[2], detail, "")
}

// countNodes counts a tree's nodes without following aliases.
func countNodes(n *yaml.Node) int {
	c := 1
	for _, ch := range n.Content {
		c += countNodes(ch)
	}
	return c
}

func (c *converter) record(ptr string, key, val *yaml.Node) {
	c.locs[ptr] = nodeLoc(c.src, ptr, key, val)
}

func nodeLoc(src *source, local string, key, val *yaml.Node) loc {
	lc := loc{src: src, local: local, val: src.nodeRange(val)}
	if key != nil {
		lc.key, lc.hasKey = src.nodeRange(key), true
	}
	return lc
}

// convert returns the JSON-compatible value of n, or nil after reporting
// why it has none.
func (c *converter) convert(n *yaml.Node, ptr string, depth int) any {
	if depth > maxDepth {
		if !c.depthBroke {
			c.depthBroke = true
			c.l.errorAt(c.src.nodeRange(n), fmt.Sprintf("values nested deeper than %d levels", maxDepth),
				"A fleet file is a few levels deep; this looks like generated or hostile input.", ptr)
		}
		c.l.broken[ptr] = true
		return nil
	}
	if n.Anchor != "" {
		// an alias inside the value its anchor names would repeat forever
		c.active[n] = true
		defer delete(c.active, n)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.convert(n.Content[0], ptr, depth)
	case yaml.MappingNode:
		return c.mapping(n, ptr, depth)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			p := ptr + "/" + strconv.Itoa(i)
			if depth < recordDepth {
				c.record(p, nil, item)
			}
			list = append(list, c.convert(item, p, depth+1))
		}
		return list
	case yaml.AliasNode:
		return c.alias(n, ptr, depth)
	case yaml.ScalarNode:
		return c.scalar(n, ptr)
	}
	return nil
}

func (c *converter) alias(n *yaml.Node, ptr string, depth int) any {
	if c.aliasBroke {
		c.l.broken[ptr] = true
		return nil
	}
	target := n.Alias
	if c.active[target] {
		c.l.errorAt(c.src.nodeRange(n), fmt.Sprintf("alias *%s refers to a value that contains it", n.Value),
			"An alias cannot repeat the value it is part of.", ptr)
		c.l.broken[ptr] = true
		return nil
	}
	if c.site == nil {
		// aliases nested in an anchor's value sit where the anchor was
		// defined; the use that started the expansion is what to show
		c.site = n
		defer func() { c.site = nil }()
	}
	size := countNodes(target)
	if size > c.aliasLeft {
		c.aliasBroke = true
		c.l.errorAt(c.src.nodeRange(c.site), fmt.Sprintf("alias *%s expands to too many values", c.site.Value),
			"Aliases may add at most a few times the values the file itself holds; this looks like an alias bomb (\"billion laughs\").", ptr)
		c.l.broken[ptr] = true
		return nil
	}
	c.aliasLeft -= size
	return c.convert(target, ptr, depth)
}

func (c *converter) mapping(n *yaml.Node, ptr string, depth int) any {
	m := make(map[string]any, len(n.Content)/2)
	// Merge keys ("<<: *defaults") go first so that keys written in this
	// mapping override them whatever their order.
	var merged map[string]bool // keys that came from merges, which written keys may override
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			c.merge(m, n.Content[i+1], ptr, depth)
			merged = map[string]bool{}
		}
	}
	for k := range m {
		merged[k] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			c.l.errorAt(c.src.nodeRange(k), "keys must be plain strings",
				"Write the key as a plain word, such as name:.", ptr)
			continue
		}
		p := ptr + "/" + escapePointer(k.Value)
		if _, dup := m[k.Value]; dup && !merged[k.Value] {
			c.l.errorAt(c.src.nodeRange(k), fmt.Sprintf("duplicate key %q", k.Value),
				fmt.Sprintf("%q is already set at %s. Remove one of them.", k.Value, c.src.nodeRange(firstKey(n, k.Value))), p)
			continue
		}
		delete(merged, k.Value)
		if depth < recordDepth {
			c.record(p, k, v)
		}
		m[k.Value] = c.convert(v, p, depth+1)
	}
	return m
}

// firstKey returns the first key node named name in a mapping.
func firstKey(n *yaml.Node, name string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" && k.Value == name {
			return k
		}
	}
	return n
}

// merge applies one "<<" value: a mapping, an alias of one, or a list of
// them, earlier entries taking precedence.
func (c *converter) merge(m map[string]any, v *yaml.Node, ptr string, depth int) {
	target := v
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		target = v.Alias
	}
	switch target.Kind {
	case yaml.MappingNode:
		src, ok := c.convert(v, ptr, depth).(map[string]any)
		if !ok {
			return
		}
		for k, val := range src {
			m[k] = val
		}
	case yaml.SequenceNode:
		if v.Kind == yaml.AliasNode {
			break
		}
		for i := len(v.Content) - 1; i >= 0; i-- {
			item := v.Content[i]
			if item.Kind == yaml.SequenceNode {
				c.l.errorAt(c.src.nodeRange(item), "merge key << takes mappings",
					"Write <<: *anchor or <<: [*a, *b] where each anchor is a mapping.", ptr)
				continue
			}
			c.merge(m, item, ptr, depth)
		}
		return
	}
	if target.Kind != yaml.MappingNode {
		c.l.broken[ptr] = true
		c.l.errorAt(c.src.nodeRange(v), "merge key << takes mappings",
			"Write <<: *anchor or <<: [*a, *b] where each anchor is a mapping.", ptr)
	}
}

// scalar resolves a scalar the way YAML 1.2's core schema does, and
// expands ${VAR} in strings.
func (c *converter) scalar(n *yaml.Node, ptr string) any {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		if n.ShortTag() == "!!str" && strings.Contains(n.Value, "$") && !c.literal {
			return c.l.expand(c.src, n, ptr)
		}
		return n.Value
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
		var i int64
		if err := n.Decode(&i); err == nil {
			return i
		}
		var f float64
		if err := n.Decode(&f); err == nil {
			return f // beyond int64: still a number for the schema to judge
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return numberOf(f)
		}
	default:
		c.l.errorAt(c.src.nodeRange(n), fmt.Sprintf("unsupported YAML tag %s", n.Tag),
			"Remove the tag: fleet files use plain strings, numbers, booleans, lists and mappings.", ptr)
		c.l.broken[ptr] = true
		return nil
	}
	c.l.errorAt(c.src.nodeRange(n), fmt.Sprintf("invalid %s value %q", strings.TrimPrefix(n.ShortTag(), "!!"), n.Value),
		"Write a plain number or true/false, or quote the value to make it a string.", ptr)
	c.l.broken[ptr] = true
	return nil
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapePointer undoes escapePointer.
func unescapePointer(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
