package spec

import (
	"bytes"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// valueAt returns the value at a JSON pointer in the merged document.
func (l *loader) valueAt(ptr string) (any, bool) {
	var cur any = l.doc
	if ptr == "" {
		return cur, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePointer(tok)
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i := 0
			for _, r := range tok {
				if r < '0' || r > '9' {
					return nil, false
				}
				i = i*10 + int(r-'0')
				if i >= len(c) {
					return nil, false
				}
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// rangeOf is where the value at ptr was written; with key set, where its
// key was. It falls back to the nearest parent that has a position, then
// to the start of the first file.
func (l *loader) rangeOf(ptr string, key bool) Range {
	for {
		if lc, ok := l.locate(ptr); ok {
			if key && lc.hasKey {
				return lc.key
			}
			return lc.val
		}
		if ptr == "" {
			break
		}
		ptr = ptr[:strings.LastIndexByte(ptr, '/')]
		key = true // a parent is best shown by its key
	}
	if len(l.sources) > 0 {
		return l.sources[0].span(0, 0)
	}
	return Range{}
}

// locate finds where the value at ptr was read: from the loc recorded for
// it, or below its nearest recorded ancestor by walking that file's YAML
// again, following aliases and merge keys as the conversion did.
func (l *loader) locate(ptr string) (loc, bool) {
	if lc, ok := l.locs[ptr]; ok {
		return lc, true
	}
	if _, ok := l.valueAt(ptr); !ok {
		return loc{}, false // nothing was written there: no need to parse again
	}
	anc := ptr
	for {
		i := strings.LastIndexByte(anc, '/')
		if i < 0 {
			return loc{}, false
		}
		anc = anc[:i]
		lc, ok := l.locs[anc]
		if !ok {
			continue
		}
		root := l.tree(lc.src)
		if root == nil {
			return loc{}, false
		}
		local := lc.local + ptr[len(anc):]
		var key *yaml.Node
		n := root
		for _, tok := range strings.Split(local, "/")[1:] {
			n = resolveNode(n)
			if n == nil {
				return loc{}, false
			}
			switch n.Kind {
			case yaml.MappingNode:
				if key, n = l.keyIn(n, unescapePointer(tok)); n == nil {
					return loc{}, false
				}
			case yaml.SequenceNode:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(n.Content) {
					return loc{}, false
				}
				key, n = nil, n.Content[i]
			default:
				return loc{}, false
			}
		}
		return nodeLoc(lc.src, local, key, n), true
	}
}

// tree parses a file again, once, for locate. It parsed before, so it
// parses now; nil only if it somehow does not.
func (l *loader) tree(src *source) *yaml.Node {
	if n, ok := l.trees[src]; ok {
		return n
	}
	var doc yaml.Node
	var root *yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(src.data)).Decode(&doc); err == nil && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	l.trees[src] = root
	return root
}

// resolveNode follows aliases and documents to the node holding a value.
func resolveNode(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxDepth; i++ {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// findKey finds key in a mapping: its own keys first (the first of
// duplicates, which is the one kept), then those its merge keys bring.
// indexFrom is the size from which locate indexes a mapping's keys: a
// fleet declaring 10,000 servers one by one locates each server's fields
// under a 10,000-key mapping, and scanning it for each took seconds.
const indexFrom = 32

// keyIn is findKey for locate, with the keys of a large mapping indexed
// once: the first occurrence of each key written in the mapping itself
// (merged keys are looked up by findKey when it has none of its own).
func (l *loader) keyIn(m *yaml.Node, key string) (k, v *yaml.Node) {
	if len(m.Content) < 2*indexFrom {
		return findKey(m, key, 0)
	}
	idx, ok := l.keys[m]
	if !ok {
		idx = make(map[string]int, len(m.Content)/2)
		for i := 0; i+1 < len(m.Content); i += 2 {
			if c := m.Content[i]; c.Kind == yaml.ScalarNode && c.Tag != "!!merge" {
				if _, dup := idx[c.Value]; !dup {
					idx[c.Value] = i
				}
			}
		}
		if l.keys == nil {
			l.keys = map[*yaml.Node]map[string]int{}
		}
		l.keys[m] = idx
	}
	if i, ok := idx[key]; ok {
		return m.Content[i], m.Content[i+1]
	}
	return findKey(m, key, 0)
}

func findKey(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	if depth > maxDepth {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if c := m.Content[i]; c.Kind == yaml.ScalarNode && c.Tag != "!!merge" && c.Value == key {
			return c, m.Content[i+1]
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if c := m.Content[i]; c.Kind != yaml.ScalarNode || c.Tag != "!!merge" {
			continue
		}
		src := resolveNode(m.Content[i+1])
		if src == nil {
			continue
		}
		sources := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			if s = resolveNode(s); s != nil && s.Kind == yaml.MappingNode {
				if k, v := findKey(s, key, depth+1); v != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}

// errorAtPtr records an error at the value (or key) at ptr, unless that
// value or one holding it could not be read: that was reported already.
func (l *loader) errorAtPtr(ptr string, key bool, summary, detail string) {
	if l.isBroken(ptr) {
		return
	}
	l.errorAt(l.rangeOf(ptr, key), summary, detail, ptr)
}

func (l *loader) isBroken(ptr string) bool {
	if len(l.broken) == 0 {
		return false
	}
	for {
		if l.broken[ptr] {
			return true
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return false
		}
		ptr = ptr[:i]
	}
}

// pathText renders a JSON pointer the way people write it:
// /servers/web/volumes/0/size → servers.web.volumes[0].size.
func pathText(ptr string) string {
	if ptr == "" {
		return "fleet file"
	}
	var b strings.Builder
	for i, tok := range strings.Split(ptr[1:], "/") {
		tok = Printable(unescapePointer(tok))
		if tok != "" && strings.Trim(tok, "0123456789") == "" && i > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
