package spec

import (
	"fmt"
	"sort"
)

// Pos is a position in a fleet file: 1-based line and column (in Unicode
// characters), 0-based byte offset.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Range is the span of source text a value was read from.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// String is FILE:LINE:COL, the form editors and grep understand.
func (r Range) String() string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

func sortStrings(s []string) { sort.Strings(s) }
