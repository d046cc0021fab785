package planner

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

// Symbol is the one-column marker of an action: + create, - delete, -/+
// replace (the new half), ~ in-place change, <= adopt.
func (a *Action) Symbol() string {
	switch {
	case a.Replace && a.Type == Create:
		return "-/+"
	case a.Type == Create || a.Type == MakeImg:
		return "+"
	case a.Type == Delete:
		return "-"
	case a.Type == Adopt:
		return "<="
	case a.Type == Check:
		return "?"
	default:
		return "~"
	}
}

// Label names the action for people: "replace" for a replacement's new
// half, "<type> (replaced)" for the steps on the old resource, "<type>
// (duplicate)" for those on a duplicate fleet deletes.
func (a *Action) Label() string {
	switch {
	case a.Requested && a.Type == Create:
		return "replace (requested)"
	case a.Replace && a.Type == Create:
		return "replace"
	case a.Replace:
		return string(a.Type) + " (replaced)"
	case a.Role == RoleDuplicate:
		return string(a.Type) + " (duplicate)"
	}
	return string(a.Type)
}

// Detail is the explanation after the label: the attribute changes and the
// reason (each renderer adds the batch and the blocked marker its own way).
//
// It is escaped with spec.Printable: values in it come from the fleet
// files, the clouds and, for `fleet show PLAN`, a saved plan anyone may
// have edited, and must not reach the terminal as control sequences.
func (a *Action) Detail() string { return spec.Printable(a.detail()) }

func (a *Action) detail() string {
	if a.Type == Wait {
		return a.Reason // "still building (INIT), started by an earlier apply"
	}
	if a.Type == Check && a.Check != nil {
		return a.Check.describe()
	}
	var parts []string
	switch {
	case a.IsBatch():
		parts = append(parts, a.batchDetail())
	case a.Type == Create && !a.Replace && a.NewServer() != nil:
		parts = append(parts, describeNewServer(a.NewServer()))
	}
	if len(a.Changes) > 0 {
		parts = append(parts, describeChanges(a.Changes))
	}
	if a.Reason != "" {
		parts = append(parts, "— "+a.Reason)
	}
	return strings.Join(parts, " ")
}

// describeNewServer names what a server being created will be: its type,
// image and zone (when the file sets one); --json has every attribute.
func describeNewServer(s *providers.ServerSpec) string {
	out := "type: " + s.Type + ", image: " + s.Image
	if s.Zone != "" {
		out += ", zone: " + s.Zone
	}
	return out
}

func describeChanges(changes []FieldChange) string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = string(c.Path) + ": " + c.From + " → " + c.To
		if c.ForcesReplace {
			out[i] += " (forces replacement)"
		}
	}
	return strings.Join(out, ", ")
}

// drawSymbol draws a plan symbol in the style of what it does.
func drawSymbol(st style.Style, sym string) string {
	switch sym {
	case "+":
		return st.Added(sym)
	case "-":
		return st.Destroyed(sym)
	case "-/+":
		return st.Replaced(sym)
	case "<=", "=":
		return st.Read(sym)
	default:
		return st.Changed(sym)
	}
}

// displayOrder returns the plan's actions sorted for reading: by address
// (a rename by the address it gives, so it heads that server's lines), then
// in execution order.
func displayOrder(p *Plan) []*Action {
	out := make([]*Action, len(p.Actions))
	for i := range p.Actions {
		out[i] = &p.Actions[i]
	}
	key := func(a *Action) string {
		switch {
		case !a.NewAddress().IsZero():
			return a.NewAddress().String()
		case a.IsBatch():
			return a.BatchMembers()[0].Address.String() // heads its first member's lines
		}
		return a.Address.String()
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// batchCounts returns the number of batches of each group's rollout.
func batchCounts(p *Plan) map[string]int {
	m := map[string]int{}
	for _, r := range p.Rollouts {
		m[r.Group] = r.Batches
	}
	return m
}

// Line describes one group's batches: "rollout web: 3 batches of 2".
func (r Rollout) Line() string {
	noun := "batches"
	if r.Batches == 1 {
		noun = "batch"
	}
	line := fmt.Sprintf("rollout %s: %d %s of %d", r.Group, r.Batches, noun, r.MaxUnavailable)
	if r.Down > 0 {
		line += fmt.Sprintf(" (%d already down, finished in batch 1)", r.Down)
	}
	return line
}

// Line describes one drift entry's changes for people.
func (d Drift) Line() string {
	if d.Kind == DriftDeleted {
		return "deleted outside fleet"
	}
	return spec.Printable(describeChanges(d.Changes)) // the cloud's values, escaped as in Detail
}

// RenderText writes the plan as a reviewer reads it: the drift and the
// interrupted operations first, one line per action, the rollout batches
// and the summary line. The output depends on nothing but p and style.
func RenderText(w io.Writer, p *Plan, style style.Style) error {
	var b strings.Builder
	if p.Environment != nil {
		b.WriteString(p.Environment.Line() + "\n\n")
	}
	if len(p.Lookups) > 0 {
		b.WriteString(style.Bold("Looked up by name") + "\n")
		for _, l := range p.Lookups {
			sym := "="
			if len(l.Was) > 0 {
				sym = "~"
			}
			fmt.Fprintf(&b, "  %s %s\n", drawSymbol(style, sym), l.Line())
		}
		b.WriteString("\n")
	}
	if len(p.Drift) > 0 {
		b.WriteString(style.Bold("Drift: changed outside fleet since the last apply") + "\n")
		width := 0
		for _, d := range p.Drift {
			width = max(width, len(d.Address.String()))
		}
		for _, d := range p.Drift {
			sym := "~"
			if d.Kind == DriftDeleted {
				sym = "-"
			}
			fmt.Fprintf(&b, "  %s %-*s  %s\n", drawSymbol(style, sym), width, d.Address, d.Line())
		}
		b.WriteString("\n")
	}
	if len(p.Interrupted) > 0 {
		b.WriteString(style.Bold("Interrupted: started by an earlier apply, not recorded as finished") + "\n")
		width := 0
		for _, in := range p.Interrupted {
			width = max(width, len(in.Address.String()))
		}
		for _, in := range p.Interrupted {
			fmt.Fprintf(&b, "  %s %-*s  %s\n", style.Changed("!"), width, in.Address, in.Line())
		}
		b.WriteString("\n")
	}
	if len(p.Existing) > 0 {
		b.WriteString(style.Bold("Found in the cloud, not created by this fleet: used, never deleted") + "\n")
		for _, e := range p.Existing {
			fmt.Fprintf(&b, "  %s %s\n", style.Read("="), e.Line())
		}
		b.WriteString("\n")
	}
	if len(p.Ignored) > 0 {
		b.WriteString(style.Bold("Ignored: these fields differ, and ignore: leaves them alone") + "\n")
		for _, ig := range p.Ignored {
			fmt.Fprintf(&b, "  %s %s\n", style.Read("="), ig.Line())
		}
		b.WriteString("\n")
	}
	if p.HasChanges() {
		b.WriteString(style.Bold("fleet will:") + "\n")
		actions := displayOrder(p)
		aw, lw := 0, 0
		for _, a := range actions {
			aw = max(aw, utf8.RuneCountInString(a.Shown()))
			lw = max(lw, len(a.Label()))
		}
		batches := batchCounts(p)
		for _, a := range actions {
			sym := a.Symbol()
			line := fmt.Sprintf("  %s %s  %-*s", padRight(drawSymbol(style, sym), sym, 3), padRight(a.Shown(), a.Shown(), aw), lw, a.Label())
			if d := a.Detail(); d != "" {
				line += "  " + d
			}
			if a.Batch > 0 {
				line += fmt.Sprintf("  [batch %d/%d]", a.Batch, batches[a.Group])
			}
			if a.Blocked != "" {
				line += "  " + style.Error("BLOCKED by "+a.Blocked)
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		b.WriteString("\n")
	}
	for _, r := range p.Rollouts {
		b.WriteString(r.Line() + "\n")
	}
	if len(p.Rollouts) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(style.Bold(p.SummaryLine()) + "\n")
	if n := p.Summary.Blocked; n > 0 {
		b.WriteString(style.Error(fmt.Sprintf("%d %s blocked by protect: true; this plan cannot be applied.", n, plural(n, "resource is", "resources are"))) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// padRight pads a possibly coloured string to width by its plain length.
func padRight(painted, plain string, width int) string {
	if n := width - utf8.RuneCountInString(plain); n > 0 {
		return painted + strings.Repeat(" ", n)
	}
	return painted
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
