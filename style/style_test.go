package style

import (
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	tests := map[string]struct {
		terminal, noColorFlag bool
		env                   map[string]string
		want                  bool
	}{
		"terminal":                    {terminal: true, env: map[string]string{"TERM": "xterm-256color"}, want: true},
		"terminal, no TERM":           {terminal: true, want: true},
		"not a terminal":              {terminal: false, env: map[string]string{"TERM": "xterm"}},
		"--no-color":                  {terminal: true, noColorFlag: true},
		"NO_COLOR":                    {terminal: true, env: map[string]string{"NO_COLOR": "1"}},
		"NO_COLOR set to anything":    {terminal: true, env: map[string]string{"NO_COLOR": "false"}},
		"NO_COLOR empty counts unset": {terminal: true, env: map[string]string{"NO_COLOR": ""}, want: true},
		"TERM=dumb":                   {terminal: true, env: map[string]string{"TERM": "dumb"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := Decide(tt.terminal, tt.noColorFlag, func(k string) string { return tt.env[k] })
			if s.Colored() != tt.want {
				t.Errorf("Decide: colour %v, want %v", s.Colored(), tt.want)
			}
			if got := s.Added("+"); (got != "+") != tt.want {
				t.Errorf("Added(%q) = %q with colour %v", "+", got, tt.want)
			}
		})
	}
}

// TestElements: every element is the same text with colour on and off,
// modulo the escapes; on, each is wrapped in its own codes, and no two
// elements look alike.
func TestElements(t *testing.T) {
	elements := map[string]func(Style, string) string{
		"added":     Style.Added,
		"changed":   Style.Changed,
		"replaced":  Style.Replaced,
		"destroyed": Style.Destroyed,
		"read":      Style.Read,
		"error":     Style.Error,
		"warning":   Style.Warning,
		"bold":      Style.Bold,
		"faint":     Style.Faint,
	}
	const text = "server/web-1: Creation complete"
	seen := map[string]string{}
	for name, draw := range elements {
		t.Run(name, func(t *testing.T) {
			if got := draw(Style{}, text); got != text {
				t.Errorf("plain: got %q, want the text as it is", got)
			}
			on := draw(New(true), text)
			if !strings.HasPrefix(on, "\x1b[") || !strings.HasSuffix(on, "m") || on == text {
				t.Errorf("colour: got %q, want the text between SGR codes", on)
			}
			if Strip(on) != text {
				t.Errorf("colour stripped: got %q, want %q", Strip(on), text)
			}
			if draw(New(true), "") != "" {
				t.Error("empty text drawn with codes")
			}
		})
		on := draw(New(true), text)
		if other, dup := seen[on]; dup {
			t.Errorf("%s and %s look alike: %q", name, other, on)
		}
		seen[on] = name
	}
}
