package style

import (
	"regexp"

	"github.com/fatih/color"
)

// Style draws styled elements, in colour or as plain text. The zero value
// is plain, which is what tests and files want.
type Style struct {
	color bool
}

// Decide is the one decision: colour only when stdout is a terminal,
// --no-color was not given, NO_COLOR is unset or empty (no-color.org) and
// TERM is not "dumb". getenv reads the environment (os.Getenv, or a
// test's).
func Decide(terminal, noColorFlag bool, getenv func(string) string) Style {
	return Style{color: terminal && !noColorFlag && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"}
}

// New is a Style with colour on or off, for callers that decided already.
func New(colored bool) Style { return Style{color: colored} }

// Colored reports whether s draws in colour.
func (s Style) Colored() bool { return s.color }

// element is one kind of styled text; look says how each is drawn.
type element int

const (
	added     element = iota // created: "+", "Creation complete"
	changed                  // changed in place: "~", "!"
	replaced                 // replaced: "-/+"
	destroyed                // deleted: "-"
	read                     // read or used, not changed: "<=", "="
	failed                   // "Error:", "Creation failed", "BLOCKED by ...", carets under a bad value
	warning                  // "Warning:", "Creation skipped", "not started", "interrupted"
	bold                     // headings, the summary line, a diagnostic's summary
	faint                    // asides: "(3/50)"
)

// look is every element's SGR attributes: the one table of fleet's colours.
var look = map[element][]color.Attribute{
	added:     {color.FgGreen},
	changed:   {color.FgYellow},
	replaced:  {color.FgMagenta},
	destroyed: {color.FgRed},
	read:      {color.FgCyan},
	failed:    {color.FgRed, color.Bold},
	warning:   {color.FgYellow, color.Bold},
	bold:      {color.Bold},
	faint:     {color.Faint},
}

func (s Style) draw(e element, text string) string {
	if !s.color || text == "" {
		return text
	}
	c := color.New(look[e]...)
	c.EnableColor() // per value: the package-global switch is never read
	return c.Sprint(text)
}

// Added draws what is created.
func (s Style) Added(text string) string { return s.draw(added, text) }

// Changed draws what changes in place.
func (s Style) Changed(text string) string { return s.draw(changed, text) }

// Replaced draws what is replaced.
func (s Style) Replaced(text string) string { return s.draw(replaced, text) }

// Destroyed draws what is deleted.
func (s Style) Destroyed(text string) string { return s.draw(destroyed, text) }

// Read draws what is read or used and left as it is.
func (s Style) Read(text string) string { return s.draw(read, text) }

// Error draws an error label or a failure.
func (s Style) Error(text string) string { return s.draw(failed, text) }

// Warning draws a warning label or an outcome that held something back.
func (s Style) Warning(text string) string { return s.draw(warning, text) }

// Bold draws a heading or a summary.
func (s Style) Bold(text string) string { return s.draw(bold, text) }

// Faint draws an aside.
func (s Style) Faint(text string) string { return s.draw(faint, text) }

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Strip removes the colour codes from text: coloured output stripped is
// the plain output, which is how tests compare the two.
func Strip(text string) string { return sgr.ReplaceAllString(text, "") }
