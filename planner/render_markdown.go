package planner

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/spec"
)

// RenderMarkdownFailed writes the pull-request comment of a plan that
// failed: what went wrong, where, and that there is nothing to apply.
func RenderMarkdownFailed(w io.Writer, fleet string, diags spec.Diagnostics) error {
	sorted := append(spec.Diagnostics{}, diags...)
	sorted.Sort()
	errs := 0
	for _, d := range sorted {
		if d.Severity == spec.SeverityError {
			errs++
		}
	}
	var b strings.Builder
	if fleet != "" {
		fmt.Fprintf(&b, "### fleet plan: `%s`\n\n", fleet)
	} else {
		b.WriteString("### fleet plan\n\n")
	}
	fmt.Fprintf(&b, "**The plan failed with %d %s; there is nothing to apply.**\n\n", errs, plural(errs, "error", "errors"))
	for _, d := range sorted {
		fmt.Fprintf(&b, "- **%s:** %s", d.Severity, mdEscape(d.Summary))
		var where []string
		if d.Range != nil {
			where = append(where, mdCode(d.Range.String()))
		}
		if d.Address != "" {
			where = append(where, mdCode(d.Address))
		}
		if len(where) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(where, ", "))
		}
		b.WriteString("\n")
		for _, line := range strings.Split(strings.TrimSpace(d.Detail), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "  %s\n", mdEscape(line))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdFoldActions is the number of actions above which the table is folded.
const mdFoldActions = 50

// RenderMarkdown writes the plan as a pull-request comment: the summary
// line, a table of actions, the drift, the interrupted operations and the
// rollout batches.
func RenderMarkdown(w io.Writer, p *Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### fleet plan: `%s`\n\n", p.Fleet)
	if p.Environment != nil {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(p.Environment.Line()))
	}
	fmt.Fprintf(&b, "**%s**\n", p.SummaryLine())
	if n := p.Summary.Blocked; n > 0 {
		fmt.Fprintf(&b, "\n> [!CAUTION]\n> %d %s blocked by `protect: true`; this plan cannot be applied.\n", n, plural(n, "resource is", "resources are"))
	}
	if len(p.Drift) > 0 {
		fmt.Fprintf(&b, "\n#### Drift (changed outside fleet)\n\n| Address | Drift | Changes |\n| --- | --- | --- |\n")
		for _, d := range p.Drift {
			changes := ""
			if d.Kind == DriftChanged {
				changes = mdCode(describeChanges(d.Changes))
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCode(d.Address.String()), d.Kind, changes)
		}
	}
	if len(p.Interrupted) > 0 {
		fmt.Fprintf(&b, "\n#### Interrupted (started by an earlier apply, not recorded as finished)\n\n| Address | Operation | Started | Found |\n| --- | --- | --- | --- |\n")
		for _, in := range p.Interrupted {
			found := "no difference"
			switch {
			case in.Kind == DriftDeleted:
				found = "gone"
			case len(in.Changes) > 0:
				found = mdCode(describeChanges(in.Changes))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCode(in.Address.String()), in.Op, in.Started.UTC().Format(time.RFC3339), found)
		}
	}
	if len(p.Existing) > 0 {
		b.WriteString("\n#### Found in the cloud, not created by this fleet (used, never deleted)\n\n")
		for _, e := range p.Existing {
			fmt.Fprintf(&b, "- %s\n", mdCode(e.Line()))
		}
	}
	if len(p.Lookups) > 0 {
		b.WriteString("\n#### Looked up by name\n\n")
		for _, l := range p.Lookups {
			fmt.Fprintf(&b, "- %s\n", mdCode(l.Line()))
		}
	}
	if len(p.Ignored) > 0 {
		b.WriteString("\n#### Ignored fields that differ (ignore:, nothing planned)\n\n")
		for _, ig := range p.Ignored {
			fmt.Fprintf(&b, "- %s\n", mdCode(ig.Line()))
		}
	}
	if p.HasChanges() {
		batches := batchCounts(p)
		b.WriteString("\n#### Actions\n\n")
		// Long tables fold away so the comment stays readable (and under
		// the forges' comment size limits).
		folded := len(p.Actions) > mdFoldActions
		if folded {
			fmt.Fprintf(&b, "<details><summary>%d actions</summary>\n\n", len(p.Actions))
		}
		b.WriteString("| | Address | Action | Changes | Notes |\n| --- | --- | --- | --- | --- |\n")
		for _, a := range displayOrder(p) {
			var notes []string
			if a.Reason != "" {
				notes = append(notes, mdEscape(a.Reason))
			}
			if a.Batch > 0 {
				notes = append(notes, fmt.Sprintf("batch %d/%d", a.Batch, batches[a.Group]))
			}
			if a.Blocked != "" {
				notes = append(notes, "**blocked** by "+mdCode(a.Blocked))
			}
			changes := ""
			switch {
			case a.IsBatch():
				changes = mdEscape(a.batchDetail())
			case len(a.Changes) > 0:
				changes = mdCode(describeChanges(a.Changes))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCode(a.Symbol()), mdCode(a.Shown()), a.Label(), changes, strings.Join(notes, "; "))
		}
		if folded {
			b.WriteString("\n</details>\n")
		}
	}
	if len(p.Rollouts) > 0 {
		b.WriteString("\n#### Rollout\n\n")
		for _, r := range p.Rollouts {
			fmt.Fprintf(&b, "- %s\n", r.Line())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCode renders s as inline code inside a table cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", `\|`) + "`"
}

// mdEscape keeps table cells intact.
func mdEscape(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
