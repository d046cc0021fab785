package command

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

// Diagnostic output formats.
const (
	formatHuman   = "human"
	formatCompact = "compact"
	formatJSON    = "json"
	// formatMarkdown is a plan as a pull-request comment.
	formatMarkdown = "markdown"
)

// writeDiagnostics renders diagnostics in one of three formats, sorted:
//   - "human": "Error: summary", where it is (file, line, column and
//     FILE:LINE:COL), the numbered source line with carets under the value,
//     then the detail; sources maps file names to their bytes (from
//     spec.LoadResult.Sources) and may be nil or miss a file;
//   - "compact": one "FILE:LINE:COL: error: summary" line each;
//   - "json": one terraform-shaped document {"format_version", "valid",
//     "error_count", "warning_count", "diagnostics": [...]}.
//
// st is the style decided once per run (ui.style); it only affects
// "human". Any other format is rendered as "human".
func writeDiagnostics(w io.Writer, diags spec.Diagnostics, sources map[string][]byte, format string, st style.Style) error {
	sorted := append(spec.Diagnostics(nil), diags...)
	sorted.Sort()
	switch format {
	case formatJSON:
		return writeDiagnosticsJSON(w, sorted)
	case formatCompact:
		var b strings.Builder
		for _, d := range sorted {
			if d.Range != nil {
				b.WriteString(d.Range.String() + ": ")
			}
			b.WriteString(string(d.Severity) + ": " + d.Summary + "\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	var b strings.Builder
	for _, d := range sorted {
		writeHumanDiagnostic(&b, d, sources, st)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHumanDiagnostic(b *strings.Builder, d spec.Diagnostic, sources map[string][]byte, style style.Style) {
	label := style.Error("Error:")
	if d.Severity == spec.SeverityWarning {
		label = style.Warning("Warning:")
	}
	fmt.Fprintf(b, "%s %s\n", label, style.Bold(d.Summary))
	if r := d.Range; r != nil {
		fmt.Fprintf(b, "\n  on %s line %d, column %d (%s):\n", r.Filename, r.Start.Line, r.Start.Column, r)
		writeSnippet(b, *r, sources[r.Filename], style)
	}
	if d.Detail != "" {
		fmt.Fprintf(b, "\n%s\n", d.Detail)
	}
	b.WriteString("\n")
}

// writeSnippet prints the source line the range starts on and carets
// under the range (to the end of that line when it spans several). What a
// terminal would not show as itself is shown escaped (spec.Printable): a
// U+202E in a name must not reorder the line it is quoted in.
func writeSnippet(b *strings.Builder, r spec.Range, src []byte, style style.Style) {
	raw, ok := sourceLine(src, r.Start.Line)
	if !ok {
		return
	}
	// Copy tabs from the line and count wide characters twice and escapes
	// by their length, so the carets stay under the value in any terminal.
	var line, pad strings.Builder
	width := 0
	col := 1
	for rest := raw; len(rest) > 0; col++ {
		if line.Len() >= maxSnippet {
			line.WriteString("...")
			break
		}
		text, n := spec.PrintableRune(rest)
		c, _ := utf8.DecodeRuneInString(rest)
		w := cellWidth(c)
		if text != rest[:n] {
			w = len(text) // an escape
		}
		rest = rest[n:]
		line.WriteString(text)
		switch {
		case col < r.Start.Column && c == '\t':
			pad.WriteByte('\t')
		case col < r.Start.Column:
			pad.WriteString(strings.Repeat(" ", w))
		case r.End.Line != r.Start.Line || r.End.Column <= r.Start.Column || col < r.End.Column:
			width += w
		}
	}
	width = max(width, 1)
	gutter := fmt.Sprintf("  %d: ", r.Start.Line)
	fmt.Fprintf(b, "%s%s\n", gutter, line.String())
	fmt.Fprintf(b, "%s%s%s\n", strings.Repeat(" ", len(gutter)), pad.String(), style.Error(strings.Repeat("^", width)))
}

// maxSnippet bounds a quoted source line: a minified file is one long line.
const maxSnippet = 500

// cellWidth is how many terminal cells a character takes: two for the
// wide East Asian scripts (Hangul, CJK, full-width forms), else one.
func cellWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// sourceLine returns 1-based line n of src, as it is in the file.
func sourceLine(src []byte, n int) (string, bool) {
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return string(bytes.TrimSuffix(src, []byte{'\r'})), true
}

// jsonFormatVersion is the format_version of every JSON document and event
// fleet prints (validate, plan, show, apply and destroy events): a string,
// "1"; fields are only ever added within one version.
const jsonFormatVersion = "1"

// jsonDiagnostics is the document of --format json; its field names are
// terraform's (validate -json), so tools that read those read fleet's.
type jsonDiagnostics struct {
	FormatVersion string            `json:"format_version"`
	Valid         bool              `json:"valid"`
	ErrorCount    int               `json:"error_count"`
	WarningCount  int               `json:"warning_count"`
	Diagnostics   []spec.Diagnostic `json:"diagnostics"`
}

func writeDiagnosticsJSON(w io.Writer, diags spec.Diagnostics) error {
	doc := jsonDiagnostics{FormatVersion: jsonFormatVersion, Diagnostics: []spec.Diagnostic(diags)}
	if doc.Diagnostics == nil {
		doc.Diagnostics = []spec.Diagnostic{}
	}
	for _, d := range diags {
		if d.Severity == spec.SeverityError {
			doc.ErrorCount++
		} else {
			doc.WarningCount++
		}
	}
	doc.Valid = doc.ErrorCount == 0
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
