package command

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

func showCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show the state, or a saved plan",
		ArgsUsage: "[PLAN]",
		Flags: []cli.Flag{fileFlag(), noColorFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print JSON for programs (--format json)"},
			&cli.StringFlag{Name: "format", Value: formatHuman, Usage: "human, json or markdown (a PR comment)"},
		},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c, formatHuman, formatJSON, formatMarkdown)
			if err != nil {
				return err
			}
			if c.Args().Len() > 1 {
				return userError("fleet show takes at most one saved plan", "Usage: fleet show [-f FILE] [PLAN]")
			}
			if path := c.Args().First(); path != "" {
				saved, err := loadSavedPlan(path, c.StringSlice("file"))
				if err != nil {
					return err
				}
				return renderPlan(s, uiFor(c, s), saved.Display(), format)
			}
			st, env, err := readStateIn(c, s)
			if err != nil {
				return err
			}
			switch format {
			case formatJSON:
				return jsonOut(s, stateDocument{FormatVersion: jsonFormatVersion, Environment: env, State: st})
			case formatMarkdown:
				return writeStateMarkdown(s.Out, st, env)
			}
			return writeStateText(s.Out, st, env)
		},
	}
}

// stateDocument is show --json: the state with the format_version every
// JSON document carries in place of the state file's own layout version.
type stateDocument struct {
	FormatVersion string `json:"format_version"`
	// Version hides the state file's "version" (a shallower field wins in
	// encoding/json); omitted, so the document has one version key.
	Version *int `json:"version,omitempty"`
	// Environment is the var files and state the fleet was loaded with;
	// only for a fleet with variables.
	Environment *planner.Environment `json:"environment,omitempty"`
	*state.State
}

func writeStateText(w io.Writer, st *state.State, env *planner.Environment) error {
	if env != nil {
		fmt.Fprintf(w, "%s\n\n", env.Line())
	}
	if len(st.Resources) == 0 {
		fmt.Fprintln(w, "The state is empty: nothing is managed yet.")
		return nil
	}
	fmt.Fprintf(w, "Fleet %s, lineage %s, serial %d\n\n", st.Fleet, st.Lineage, st.Serial)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tPROVIDER\tID\tSTATUS\tDETAIL")
	for _, r := range st.Resources {
		status, detail := describeResource(r)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Address, r.Provider, r.ID, status, detail)
	}
	if len(st.Intents) > 0 {
		fmt.Fprintf(tw, "\n%d operation(s) were started but not recorded as finished; the next plan reconciles them.\n", len(st.Intents))
	}
	return tw.Flush()
}

func writeStateMarkdown(w io.Writer, st *state.State, env *planner.Environment) error {
	var b strings.Builder
	if env != nil {
		fmt.Fprintf(&b, "%s\n\n", env.Line())
	}
	if len(st.Resources) == 0 {
		b.WriteString("### fleet state\n\nThe state is empty: nothing is managed yet.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "### fleet state: `%s`\n\nLineage `%s`, serial %d.\n\n", st.Fleet, st.Lineage, st.Serial)
	b.WriteString("| Address | Provider | ID | Status | Detail |\n| --- | --- | --- | --- | --- |\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, r := range st.Resources {
		status, detail := describeResource(r)
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s |\n", cell(r.Address.String()), cell(r.Provider), cell(r.ID), cell(status), cell(detail))
	}
	if len(st.Intents) > 0 {
		fmt.Fprintf(&b, "\n%d operation(s) were started but not recorded as finished; the next plan reconciles them.\n", len(st.Intents))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// describeResource says where a resource is in fleet's words (running,
// stopped, attached, ...) with the cloud's own status code beside it, and
// one detail (a server's type, a volume's size).
func describeResource(r state.Resource) (status, detail string) {
	status, detail = describeLive(r)
	if r.Stuck != nil {
		detail += " (stuck after a " + r.Stuck.Waited + " wait)"
	}
	return status, detail
}

func describeLive(r state.Resource) (status, detail string) {
	switch {
	case r.Server != nil:
		return withCode(serverWord(r.Server), r.Server.Status), r.Server.Type
	case r.Volume != nil:
		return withCode(volumeWord(r.Volume), r.Volume.Status), fmt.Sprintf("%d GB", r.Volume.Size)
	case r.Image != nil:
		word := "pending"
		if r.Image.Ready {
			word = "ready"
		}
		return withCode(word, r.Image.Status), ""
	}
	return "", ""
}

func serverWord(s *providers.Server) string {
	switch {
	case s.Failed:
		return "failed"
	case s.Power != "" && !s.Busy:
		return string(s.Power)
	default:
		return "changing"
	}
}

func volumeWord(v *providers.Volume) string {
	switch {
	case v.Busy:
		return "changing"
	case v.ServerID != "":
		return "attached"
	default:
		return "detached"
	}
}

// withCode is "word (CODE)", or the word alone when the cloud's code says
// the same thing.
func withCode(word, code string) string {
	if code == "" || strings.EqualFold(code, word) {
		return word
	}
	return word + " (" + code + ")"
}
