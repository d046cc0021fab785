package spec

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"gopkg.in/yaml.v3"
)

// splitMin is the file size from which parseYAML parses a file's servers
// block in pieces, side by side: a fleet declaring 10,000 servers is 1.5
// to 3 MB, and yaml.v3 parses about 15 MB/s on one core. (A variable for
// the test that loads large files both ways.)
var splitMin = 256 << 10

// parseSplit parses a fleet file whose servers block is a block mapping
// as pieces: the text before the block's entries, runs of whole entries,
// and the text after the block, each on its own goroutine, each padded
// with the line breaks before it so its nodes carry the file's lines and
// columns. The pieces' trees are joined into the tree yaml.v3 builds from
// the whole file (comments aside, which fleet does not read).
//
// It only tries files where that holds plainly: no tabs, line breaks
// other than \n, anchors, aliases, tags, directives, block scalars or document
// markers; servers: alone on a top-level line with its entries below. Any
// piece that does not parse, or not as the mapping it must be, makes it
// give up (ok false): parsing the whole file then gives the error as
// before.
func parseSplit(data []byte, pieces int) (doc *yaml.Node, ok bool) {
	if pieces < 2 || len(data) == 0 || data[0] == 0xEF || bytes.ContainsAny(data, "\t\r&*!%|>\u0085\u2028\u2029") {
		return nil, false // (yaml.v3 breaks lines at NEL, LS and PS too)
	}
	runs, blockEnd, ok := splitBounds(data, pieces)
	if !ok {
		return nil, false
	}
	// the head, the runs of entries, and the tail (when there is one)
	starts := append(append([]int{0}, runs...), blockEnd)
	trees := make([]*yaml.Node, len(starts))
	var wg sync.WaitGroup
	for i, from := range starts {
		to := len(data)
		if i+1 < len(starts) {
			to = starts[i+1]
		}
		if from == to {
			continue // no tail
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			trees[i] = parsePiece(data[from:to], bytes.Count(data[:from], []byte{'\n'}))
		}()
	}
	wg.Wait()
	head, tail := trees[0], trees[len(trees)-1]
	root := block(head, 1)
	if root == nil || len(root.Content) < 2 {
		return nil, false
	}
	key, val := root.Content[len(root.Content)-2], root.Content[len(root.Content)-1]
	if key.Kind != yaml.ScalarNode || key.Tag != "!!str" || key.Value != "servers" || key.Style != 0 ||
		val.Kind != yaml.ScalarNode || val.Tag != "!!null" || val.Value != "" {
		return nil, false
	}
	var servers *yaml.Node
	for _, t := range trees[1 : len(trees)-1] {
		m := block(t, -1)
		if m == nil || (servers != nil && m.Column != servers.Column) || endsEmpty(m) {
			return nil, false
		}
		if servers == nil {
			servers = m
			continue
		}
		servers.Content = append(servers.Content, m.Content...)
	}
	root.Content[len(root.Content)-1] = servers
	if blockEnd < len(data) {
		m := block(tail, 1)
		if m == nil {
			return nil, false
		}
		root.Content = append(root.Content, m.Content...)
	}
	return head, true
}

// splitBounds finds where the runs of entries start: the first entry's
// line and entry lines spread evenly through the block; and where the
// block ends (the next top-level line, or the end of the file).
func splitBounds(data []byte, pieces int) (runs []int, blockEnd int, ok bool) {
	if hasDocumentMarker(data) {
		return nil, 0, false
	}
	at := -1 // the line after "servers:"
	for off := 0; off < len(data); {
		end := lineEnd(data, off)
		if string(bytes.TrimRight(data[off:end], " ")) == "servers:" {
			at = min(end+1, len(data))
			break
		}
		off = end + 1
	}
	if at < 0 {
		return nil, 0, false
	}
	// the entries' indentation: that of the first line holding more than
	// blanks or a comment
	indent, first := 0, -1
	for off := at; off < len(data); off = lineEnd(data, off) + 1 {
		n := 0
		for off+n < len(data) && data[off+n] == ' ' {
			n++
		}
		if off+n == len(data) || data[off+n] == '\n' || data[off+n] == '#' {
			continue
		}
		indent, first = n, off
		break
	}
	if first < 0 || indent == 0 || !entryStart(data, first, indent) {
		return nil, 0, false
	}
	// the block ends at the next line starting at column 1 that is not a
	// comment
	blockEnd = len(data)
	for off := first; off < len(data); off = lineEnd(data, off) + 1 {
		if c := data[off]; c != ' ' && c != '\n' && c != '#' {
			blockEnd = off
			break
		}
	}
	runs = []int{first}
	size := blockEnd - first
	for k := 1; k < pieces; k++ {
		off := first + size*k/pieces
		// the first entry line at or after off
		if off > 0 && data[off-1] != '\n' {
			off = lineEnd(data, off) + 1
		}
		for off < blockEnd && !entryStart(data, off, indent) {
			off = lineEnd(data, off) + 1
		}
		if off < blockEnd && off > runs[len(runs)-1] {
			runs = append(runs, off)
		}
	}
	return runs, blockEnd, len(runs) >= 2
}

// entryStart reports whether the line at off starts an entry of a block
// mapping indented by indent: exactly that many spaces, then a key.
func entryStart(data []byte, off, indent int) bool {
	for i := 0; i < indent; i++ {
		if off+i >= len(data) || data[off+i] != ' ' {
			return false
		}
	}
	if off+indent >= len(data) {
		return false
	}
	switch data[off+indent] {
	case ' ', '\n', '#', '-', '?', ':', '{', '[', '}', ']', ',', '"', '\'':
		return false
	}
	return true
}

// hasDocumentMarker reports a line starting with --- or ...
func hasDocumentMarker(data []byte) bool {
	for off := 0; off < len(data); off = lineEnd(data, off) + 1 {
		if bytes.HasPrefix(data[off:], []byte("---")) || bytes.HasPrefix(data[off:], []byte("...")) {
			return true
		}
	}
	return false
}

func lineEnd(data []byte, off int) int {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(data)
}

// parsePiece parses one piece as a document of its own, after lines
// blank lines; nil when it does not parse or holds more than one.
func parsePiece(text []byte, lines int) *yaml.Node {
	buf := make([]byte, lines+len(text))
	for i := range lines {
		buf[i] = '\n'
	}
	copy(buf[lines:], text)
	dec := yaml.NewDecoder(bytes.NewReader(buf))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil
	}
	return &doc
}

// block is a piece's root when it is a block mapping starting at column
// col (any column when col < 0), else nil.
func block(doc *yaml.Node, col int) *yaml.Node {
	if doc == nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || m.Style != 0 || m.Tag != "!!map" || m.Anchor != "" || (col >= 0 && m.Column != col) {
		return nil
	}
	return m
}

// endsEmpty reports whether a tree's last node is an empty value ("web:"
// and nothing more): yaml.v3 places it at the token that follows, which
// in the whole file is in the next piece.
func endsEmpty(n *yaml.Node) bool {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0
}
