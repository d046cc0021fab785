package spec

import (
	"sync"

	"gopkg.in/yaml.v3"
)

// positions is what finding a field's position after Load needs: the
// files and where their blocks and entries were read. Server field
// positions are wanted only for the planner's diagnostics, rarely, while
// computing them for every field of 10,000 servers took longer than
// parsing the file; so they are found when first asked for. The parsed
// trees are not kept: the file is parsed again the first time.
type positions struct {
	mu sync.Mutex // locate's caches are not safe for concurrent use
	l  *loader
}

// positions keeps what l's rangeOf reads once Load has returned; the
// files are merged by then, so locs and doc no longer change.
func (l *loader) positions() *positions {
	if l.pos == nil {
		l.pos = &positions{l: &loader{sources: l.sources, locs: l.locs, doc: l.doc, trees: map[*source]*yaml.Node{}}}
	}
	return l.pos
}

// fieldIndex is fieldRanges of one server group, computed on first use
// and shared by the group's instances.
type fieldIndex struct {
	pos   *positions
	ptr   string         // the group's pointer, /servers/NAME
	group map[string]any // the group's value in the merged document
	once  sync.Once
	m     map[string]Range
}

func (x *fieldIndex) get(path string) (Range, bool) {
	x.once.Do(func() {
		x.pos.mu.Lock()
		defer x.pos.mu.Unlock()
		x.m = map[string]Range{}
		x.pos.l.fieldRanges(x.m, x.ptr, "", x.group)
	})
	r, ok := x.m[path]
	return r, ok
}
