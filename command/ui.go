package command

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ui is decided once per run: whether to colour, whether a person is at the
// terminal to answer questions.
type ui struct {
	color       bool // colour stdout
	interactive bool // stdin and stdout are terminals
}

func decideUI(s *Streams, noColorFlag bool) ui {
	outTTY := isTerminal(s.Out)
	inTTY := isTerminal(s.In)
	// NO_COLOR counts when set to anything but the empty string (no-color.org).
	return ui{
		color:       outTTY && !noColorFlag && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb",
		interactive: outTTY && inTTY,
	}
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// userErr is an error meant for people: a summary and what to do.
type userErr struct {
	summary, detail string
}

func (e *userErr) Error() string { return e.summary }

func userError(summary, detail string) error { return &userErr{summary: summary, detail: detail} }

// printError renders an error for people: "Error: summary" then the fix.
func printError(w io.Writer, err error) {
	if ue, ok := err.(*userErr); ok {
		fmt.Fprintf(w, "Error: %s\n", ue.summary)
		if ue.detail != "" {
			fmt.Fprintf(w, "\n%s\n", ue.detail)
		}
		return
	}
	fmt.Fprintf(w, "Error: %v\n", err)
}

// confirm asks a yes/no question on the terminal; only "yes" is yes.
func confirm(s *Streams, question string) bool {
	fmt.Fprintf(s.Out, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, _ := bufio.NewReader(s.In).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}
