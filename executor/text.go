package executor

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fleet-iac/fleet/style"
)

// TextObserver writes progress as plain lines, one per event, for people
// and for logs without a terminal:
//
//	server/web-1: Creating...
//	server/web-1: Still creating... [40s elapsed]
//	server/web-1: Creation complete after 52s [id=1003] (3/50)
type TextObserver struct {
	mu    sync.Mutex
	w     io.Writer
	style style.Style
}

var _ Observer = (*TextObserver)(nil)

// NewTextObserver writes to w in style st, which the CLI decided once.
func NewTextObserver(w io.Writer, st style.Style) *TextObserver {
	return &TextObserver{w: w, style: st}
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
	count := o.style.Faint(fmt.Sprintf("(%d/%d)", ev.Done, ev.Total))
	switch ev.Kind {
	case ActionStarted:
		return fmt.Sprintf("%s: %s...", ev.Address, ing)
	case ActionStillRunning:
		return fmt.Sprintf("%s: Still %s... [%s elapsed]%s", ev.Address, still, seconds(ev.Elapsed), leftOf(ev.Left))
	case ActionSucceeded:
		id := ""
		if ev.CloudID != "" {
			id = " [id=" + ev.CloudID + "]"
		}
		return fmt.Sprintf("%s: %s after %s%s %s", ev.Address, o.style.Added(noun+" complete"), seconds(ev.Elapsed), id, count)
	case ActionFailed:
		msg := fmt.Sprint(ev.Err)
		var fail Failure
		if errors.As(ev.Err, &fail) {
			msg = fail.Reason() // the line already starts with the address
		}
		return fmt.Sprintf("%s: %s after %s: %s %s", ev.Address, o.style.Error(noun+" failed"), seconds(ev.Elapsed), msg, count)
	case ActionInterrupted:
		return fmt.Sprintf("%s: %s after %s %s", ev.Address, o.style.Warning(noun+" interrupted"), seconds(ev.Elapsed), count)
	case ActionSkipped:
		return fmt.Sprintf("%s: %s: %v %s", ev.Address, o.style.Warning(noun+" skipped"), ev.Err, count)
	case ActionNotStarted:
		return fmt.Sprintf("%s: %s: %v %s", ev.Address, o.style.Warning(noun+" not started"), ev.Err, count)
	}
	return ""
}

// seconds formats d the way the progress lines do: whole seconds, "1m20s".
func seconds(d time.Duration) string {
	return d.Round(time.Second).String()
}
