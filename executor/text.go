package executor

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fatih/color"
)

// Style is how the text progress looks; the CLI decides it once.
type Style struct {
	Color bool
}

// TextObserver writes progress as plain lines, one per event, for people
// and for logs without a terminal:
//
//	server/web-1: Creating...
//	server/web-1: Still creating... [40s elapsed]
//	server/web-1: Creation complete after 52s [id=1003] (3/50)
type TextObserver struct {
	mu                 sync.Mutex
	w                  io.Writer
	ok, bad, held, dim *color.Color
}

var _ Observer = (*TextObserver)(nil)

// NewTextObserver writes to w in style st.
func NewTextObserver(w io.Writer, st Style) *TextObserver {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		// Per value, never the package-global switch.
		if st.Color {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &TextObserver{w: w, ok: mk(color.FgGreen), bad: mk(color.FgRed, color.Bold), held: mk(color.FgYellow), dim: mk(color.Faint)}
}

// Observe writes the line for ev; StateSaved writes nothing.
func (o *TextObserver) Observe(ev Event) {
	line := o.line(ev)
	if line == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintln(o.w, line)
}

func (o *TextObserver) line(ev Event) string {
	ing, noun, still := verbFor(ev.Type)
	count := o.dim.Sprintf("(%d/%d)", ev.Done, ev.Total)
	switch ev.Kind {
	case ActionStarted:
		return fmt.Sprintf("%s: %s...", ev.Address, ing)
	case ActionStillRunning:
		return fmt.Sprintf("%s: Still %s... [%s elapsed]", ev.Address, still, seconds(ev.Elapsed))
	case ActionSucceeded:
		id := ""
		if ev.CloudID != "" {
			id = " [id=" + ev.CloudID + "]"
		}
		return fmt.Sprintf("%s: %s after %s%s %s", ev.Address, o.ok.Sprint(noun+" complete"), seconds(ev.Elapsed), id, count)
	case ActionFailed:
		msg := fmt.Sprint(ev.Err)
		var fail Failure
		if errors.As(ev.Err, &fail) {
			msg = fail.Reason() // the line already starts with the address
		}
		return fmt.Sprintf("%s: %s after %s: %s %s", ev.Address, o.bad.Sprint(noun+" failed"), seconds(ev.Elapsed), msg, count)
	case ActionInterrupted:
		return fmt.Sprintf("%s: %s after %s %s", ev.Address, o.held.Sprint(noun+" interrupted"), seconds(ev.Elapsed), count)
	case ActionSkipped:
		return fmt.Sprintf("%s: %s: %v %s", ev.Address, o.held.Sprint(noun+" skipped"), ev.Err, count)
	case ActionNotStarted:
		return fmt.Sprintf("%s: %s: %v %s", ev.Address, o.held.Sprint(noun+" not started"), ev.Err, count)
	}
	return ""
}

// seconds formats d the way the progress lines do: whole seconds, "1m20s".
func seconds(d time.Duration) string {
	return d.Round(time.Second).String()
}
