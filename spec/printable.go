package spec

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Invisible reports whether r would not show as itself in a terminal:
// control characters other than tab, bidirectional controls (U+202E can
// reorder the text around it), zero-width and other format characters, and
// the Unicode line and paragraph separators.
func Invisible(r rune) bool {
	if r == '\t' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// Printable returns s with what a terminal would not show as itself
// escaped: invisible characters as \u202e, bytes that are not UTF-8 as
// \xff. Diagnostics quote names and source lines through it, so what is
// shown is what is in the file.
func Printable(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		text, n := PrintableRune(s)
		b.WriteString(text)
		s = s[n:]
	}
	return b.String()
}

// PrintableRune is the display of the first character of s (see
// Printable) and how many bytes of s it took.
func PrintableRune(s string) (string, int) {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && n <= 1:
		return fmt.Sprintf(`\x%02x`, s[0]), 1
	case Invisible(r) && r <= 0xffff:
		return fmt.Sprintf(`\u%04x`, r), n
	case Invisible(r):
		return fmt.Sprintf(`\U%08x`, r), n
	}
	return s[:n], n
}
