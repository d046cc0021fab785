package spec

import (
	"errors"
	"sort"
)

// Severity of a diagnostic.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one problem, for people (Summary, Detail) and for tools
// (Path, Range). Summary is short and has no trailing period; Detail says
// what was expected and what to do.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	Path     string   `json:"-"`                 // JSON pointer into the fleet file, "" if none
	Address  string   `json:"address,omitempty"` // resource address, when it concerns one
	Range    *Range   `json:"range,omitempty"`   // nil when the problem has no source location
}

// Diagnostics is used where a Go error would otherwise be returned. A nil
// Diagnostics means no problems.
type Diagnostics []Diagnostic

// Append adds errors, Diagnostic or Diagnostics values; nil values are skipped.
// A plain error becomes an error diagnostic whose summary is its text.
func (d Diagnostics) Append(items ...any) Diagnostics {
	for _, it := range items {
		switch v := it.(type) {
		case nil:
		case Diagnostic:
			d = append(d, v)
		case *Diagnostic:
			if v != nil {
				d = append(d, *v)
			}
		case Diagnostics:
			d = append(d, v...)
		case error:
			var dv Diagnostics
			if errors.As(v, &dv) {
				d = append(d, dv...)
				continue
			}
			d = append(d, Diagnostic{Severity: SeverityError, Summary: v.Error()})
		default:
			panic("spec.Diagnostics.Append: unsupported type")
		}
	}
	return d
}

// HasErrors reports whether any diagnostic is an error.
func (d Diagnostics) HasErrors() bool {
	for _, x := range d {
		if x.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns d as an error when it has errors, nil otherwise.
func (d Diagnostics) Err() error {
	if d.HasErrors() {
		return d
	}
	return nil
}

// Error joins the summaries; it lets Diagnostics travel as an error.
func (d Diagnostics) Error() string {
	s := ""
	for i, x := range d {
		if i > 0 {
			s += "; "
		}
		if x.Range != nil {
			s += x.Range.String() + ": "
		}
		s += x.Summary
	}
	return s
}

// Sort orders diagnostics by file, line, column, then summary; diagnostics
// without a range come last.
func (d Diagnostics) Sort() {
	sort.SliceStable(d, func(i, j int) bool {
		a, b := d[i].Range, d[j].Range
		switch {
		case a == nil && b == nil:
			return d[i].Summary < d[j].Summary
		case a == nil:
			return false
		case b == nil:
			return true
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Start.Line != b.Start.Line {
			return a.Start.Line < b.Start.Line
		}
		if a.Start.Column != b.Start.Column {
			return a.Start.Column < b.Start.Column
		}
		return d[i].Summary < d[j].Summary
	})
}
