package command

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestConfirm: only "yes" approves, and an interrupt (ctx ends) is a no at
// once, though no line ever comes: apply catches SIGINT, so a Ctrl-C at the
// prompt must not leave fleet waiting for input while it holds the lock.
func TestConfirm(t *testing.T) {
	tests := map[string]struct {
		input     string
		interrupt bool
		want      bool
	}{
		"yes":         {input: "yes\n", want: true},
		"y":           {input: "y\n", want: false},
		"no line":     {input: "", want: false},
		"interrupted": {interrupt: true, want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var in io.Reader = strings.NewReader(tc.input)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.interrupt {
				r, w := io.Pipe() // a terminal nobody types on
				defer w.Close()
				in = r
				time.AfterFunc(50*time.Millisecond, cancel)
			}
			var out strings.Builder
			done := make(chan bool, 1)
			go func() { done <- confirm(ctx, &Streams{In: in, Out: &out}, "Go?") }()
			select {
			case got := <-done:
				if got != tc.want {
					t.Errorf("confirm = %v, want %v", got, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("confirm still waiting for a line after the interrupt")
			}
			if !strings.Contains(out.String(), "Go?") {
				t.Errorf("question not asked: %q", out.String())
			}
		})
	}
}
