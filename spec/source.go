package spec

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// source is one fleet file's bytes with an index of line starts, so node
// positions (line and column in characters) convert to byte offsets and
// back without rescanning the file.
type source struct {
	name  string
	data  []byte
	lines []int // byte offset of the start of each line
}

func newSource(name string, data []byte) *source {
	lines := make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	for i, b := range data {
		if b == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &source{name: name, data: data, lines: lines}
}

// line returns the text of 1-based line n without its line break.
func (s *source) line(n int) []byte {
	if n < 1 || n > len(s.lines) {
		return nil
	}
	start := s.lines[n-1]
	end := len(s.data)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return bytes.TrimSuffix(s.data[start:end], []byte{'\r'})
}

// offset converts a 1-based line and character column to a byte offset.
func (s *source) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lines) {
		return len(s.data)
	}
	b := s.lines[line-1]
	for c := 1; c < col && b < len(s.data) && s.data[b] != '\n'; c++ {
		if s.data[b] < utf8.RuneSelf {
			b++ // ASCII, most of a fleet file: no need to decode
			continue
		}
		_, w := utf8.DecodeRune(s.data[b:])
		b += w
	}
	return b
}

// pos converts a byte offset to a position.
func (s *source) pos(off int) Pos {
	off = min(max(off, 0), len(s.data))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return Pos{Line: i + 1, Column: utf8.RuneCount(s.data[s.lines[i]:off]) + 1, Byte: off}
}

// span is the Range from byte offset start to end.
func (s *source) span(start, end int) Range {
	return Range{Filename: s.name, Start: s.pos(start), End: s.pos(max(start, end))}
}

// lineRange covers the text of 1-based line n, from its first non-blank
// character (or from col when col > 0) to its end.
func (s *source) lineRange(n, col int) Range {
	text := s.line(n)
	start := s.offset(n, 1)
	if col > 0 {
		start = s.offset(n, col)
	} else {
		start += len(text) - len(bytes.TrimLeft(text, " \t"))
	}
	return s.span(start, s.offset(n, 1)+len(text))
}

// nodeRange is the source span of a node: the value itself (past any
// anchor or tag), up to the end of its last descendant.
func (s *source) nodeRange(n *yaml.Node) Range {
	start := s.skipProperties(s.offset(n.Line, n.Column))
	return s.span(start, s.nodeEnd(n, start))
}

// skipProperties moves past "&anchor" and "!tag" tokens that yaml.v3
// counts as the start of the node.
func (s *source) skipProperties(b int) int {
	for b < len(s.data) && (s.data[b] == '&' || s.data[b] == '!') {
		for b < len(s.data) && !isBlank(s.data[b]) {
			b++
		}
		for b < len(s.data) && (s.data[b] == ' ' || s.data[b] == '\t') {
			b++
		}
	}
	return b
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// nodeEnd finds the byte offset just past a node that starts at start.
func (s *source) nodeEnd(n *yaml.Node, start int) int {
	d := s.data
	switch n.Kind {
	case yaml.AliasNode:
		return min(start+1+len(n.Value), len(d))
	case yaml.MappingNode, yaml.SequenceNode:
		if len(n.Content) == 0 {
			return s.closeFlow(start)
		}
		last := n.Content[len(n.Content)-1]
		if last.Kind == yaml.AliasNode || last.Line > 0 {
			end := s.nodeEnd(last, s.skipProperties(s.offset(last.Line, last.Column)))
			if n.Style&yaml.FlowStyle != 0 {
				return s.closeFlow(end)
			}
			return end
		}
		return s.lineEnd(start)
	case yaml.ScalarNode:
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			for i := start + 1; i < len(d); i++ {
				switch d[i] {
				case '\\':
					i++
				case '"':
					return i + 1
				}
			}
			return len(d)
		case n.Style&yaml.SingleQuotedStyle != 0:
			for i := start + 1; i < len(d); i++ {
				if d[i] == '\'' {
					if i+1 < len(d) && d[i+1] == '\'' {
						i++
						continue
					}
					return i + 1
				}
			}
			return len(d)
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			return s.lineEnd(start)
		}
		if bytes.HasPrefix(d[start:], []byte(n.Value)) {
			return start + len(n.Value)
		}
		return s.lineEnd(start)
	}
	return s.lineEnd(start)
}

// closeFlow returns the offset past the "}" or "]" that follows end, if
// only blanks stand between; else end.
func (s *source) closeFlow(end int) int {
	for i := end; i < len(s.data); i++ {
		switch s.data[i] {
		case ' ', '\t', '\n', '\r':
		case '}', ']':
			return i + 1
		case '{', '[':
			if i == end {
				continue
			}
			return end
		default:
			return end
		}
	}
	return end
}

// lineEnd is the end of the line holding start, before any trailing
// comment or blanks.
func (s *source) lineEnd(start int) int {
	end := start
	for end < len(s.data) && s.data[end] != '\n' {
		end++
	}
	text := s.data[start:end]
	if i := bytes.Index(text, []byte(" #")); i >= 0 {
		text = text[:i]
	}
	return start + len(bytes.TrimRight(text, " \t\r"))
}
