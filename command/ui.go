package command

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/fleet-iac/fleet/style"
)

// ui is decided once per run: how to draw (colour or not, package style),
// whether a person is at the terminal to answer questions.
type ui struct {
	style       style.Style
	interactive bool // stdin and stdout are terminals
}

// decideUI decides for the run, and keeps the style on s for the error
// Run prints when the command returns.
func decideUI(s *Streams, noColorFlag bool) ui {
	outTTY := isTerminal(s.Out)
	u := ui{
		style:       style.Decide(outTTY, noColorFlag, getenv),
		interactive: outTTY && isTerminal(s.In),
	}
	s.style = u.style
	return u
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

// printError renders an error for people, as diagnostics label theirs:
// "Error: summary", then the fix.
func printError(w io.Writer, err error, st style.Style) {
	if ue, ok := err.(*userErr); ok {
		fmt.Fprintf(w, "%s %s\n", st.Error("Error:"), st.Bold(ue.summary))
		if ue.detail != "" {
			fmt.Fprintf(w, "\n%s\n", ue.detail)
		}
		return
	}
	fmt.Fprintf(w, "%s %s\n", st.Error("Error:"), st.Bold(err.Error()))
}

// confirm asks a yes/no question on the terminal; only "yes" is yes. An
// interrupt (ctx ends) is a no at once: apply and destroy catch SIGINT, so
// without this a Ctrl-C at the prompt would leave fleet waiting for a line,
// holding the state lock.
func confirm(ctx context.Context, s *Streams, question string) bool {
	fmt.Fprintf(s.Out, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	answer := make(chan string, 1) // the reader is left blocked on an interrupt; the process ends
	go func() {
		line, _ := bufio.NewReader(s.In).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		return strings.TrimSpace(line) == "yes"
	case <-ctx.Done():
		fmt.Fprintln(s.Out)
		return false
	}
}
