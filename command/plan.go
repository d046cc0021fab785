package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planfile"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

func planCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "refresh the inventory and show what apply would change",
		ArgsUsage: " ",
		Before:    noArguments,
		Flags: []cli.Flag{
			fileFlag(), targetFlag(), replaceFlag(), skipChecksFlag(), noColorFlag(), lockTimeoutFlag(),
			&cli.StringFlag{Name: "out", Usage: "save the plan to this file, for a later \"fleet apply FILE\""},
			&cli.BoolFlag{Name: "json", Usage: "print the plan as one versioned JSON document"},
			&cli.StringFlag{Name: "format", Value: "human", Usage: "human, json or markdown (a PR comment)"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 0 when there are no changes, 2 when there are, 1 on error"},
			&cli.BoolFlag{Name: "refresh", Value: true, Usage: "read the live inventory (false: plan from the state alone)"},
			&cli.BoolFlag{Name: "destroy", Usage: "plan the deletion of everything fleet manages in this fleet"},
		},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c, formatHuman, formatJSON, formatMarkdown)
			if err != nil {
				return err
			}
			var ws *workspace
			plan, err := runPlan(c, s, format, &ws)
			if err != nil {
				if format == formatHuman {
					return err
				}
				// stdout is read by a program: it gets a document saying the
				// plan failed, stderr keeps the human diagnostics.
				if rerr := renderPlanFailure(s, format, ws, err); rerr != nil {
					return rerr
				}
				return err
			}
			if c.Bool("detailed-exitcode") && plan.HasChanges() {
				return exitCode(ExitChanges)
			}
			return nil
		},
	}
}

// runPlan is plan's work: open the workspace (left in *wsOut for the
// failure document), plan, print, save.
func runPlan(c *cli.Context, s *Streams, format string, wsOut **workspace) (*planner.Plan, error) {
	ctx, cancel := signalContext()
	defer cancel()
	u := uiFor(c, s)
	ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), c)
	if ws != nil {
		*wsOut = ws
		defer ws.Close()
	}
	if err != nil {
		return nil, err
	}
	ws.machineOutput = format != formatHuman
	if out := c.String("out"); out != "" {
		unlock, err := lockState(ctx, ws, "plan", c.Duration("lock-timeout"))
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	if c.Bool("destroy") && len(c.StringSlice("replace")) > 0 {
		return nil, userError("--replace and --destroy disagree", "A destroy plan deletes every server; give one of them.")
	}
	opts := planOptions{
		targets: c.StringSlice("target"), replace: c.StringSlice("replace"), destroy: c.Bool("destroy"), refresh: c.Bool("refresh"),
		skipChecks: c.Bool("skip-checks"),
	}
	plan, _, err := ws.makePlan(ctx, opts)
	if err != nil {
		return nil, err
	}
	// Saved before it is printed, so that a failure to save is the one
	// document a program reads, not a second one after the plan.
	out := c.String("out")
	if out != "" {
		plan.FleetFiles = absPaths(ws.fleet.Files)
		plan.VarFiles = absPaths(s.vars.Files)
		if err := planfile.Save(out, planfile.Encode(plan, opts.saved())); err != nil {
			return nil, fmt.Errorf("save plan: %w", err)
		}
	}
	if format == formatJSON {
		err = planner.RenderJSONDiagnostics(s.Out, plan, s.reported, false)
	} else {
		err = renderPlan(s, u, plan, format)
	}
	if err != nil {
		return nil, err
	}
	if out != "" && format == formatHuman {
		fmt.Fprintf(s.Out, "\nSaved the plan to %s. Apply exactly this plan with:\n    fleet apply %s%s\n", shellQuote(out), fileFlags(c.StringSlice("file")), shellQuote(out))
	}
	return plan, nil
}

// renderPlanFailure writes the JSON or markdown document of a failed plan:
// the diagnostics printed on stderr, or err itself when it carried none.
func renderPlanFailure(s *Streams, format string, ws *workspace, err error) error {
	fleet := s.fleet
	diags := append(spec.Diagnostics{}, s.reported...)
	if !diags.HasErrors() {
		diags = append(diags, errorDiagnostic(err))
	}
	if format == formatMarkdown {
		return planner.RenderMarkdownFailed(s.Out, fleet, diags)
	}
	plan := &planner.Plan{FormatVersion: planner.FormatVersion, FleetVersion: version, Fleet: fleet}
	if ws != nil && ws.failedPlan != nil {
		plan = ws.failedPlan
	}
	return planner.RenderJSONDiagnostics(s.Out, plan, diags, true)
}

// errorDiagnostic is err as a diagnostic: a user error keeps its summary
// and its fix.
func errorDiagnostic(err error) spec.Diagnostic {
	var ue *userErr
	if errors.As(err, &ue) {
		return spec.Diagnostic{Severity: spec.SeverityError, Summary: ue.summary, Detail: ue.detail}
	}
	return spec.Diagnostic{Severity: spec.SeverityError, Summary: err.Error()}
}

// outputFormat reads --format (and --json, its short form for json) and
// refuses a format the command does not list.
func outputFormat(c *cli.Context, allowed ...string) (string, error) {
	format := c.String("format")
	if c.Bool("json") {
		if c.IsSet("format") && format != formatJSON {
			return "", userError(fmt.Sprintf("--json and --format %s disagree", format), "Give one of them: --json is --format json.")
		}
		format = formatJSON
	}
	if slices.Contains(allowed, format) {
		return format, nil
	}
	return "", userError(fmt.Sprintf("unknown format %q", format), fmt.Sprintf("fleet %s prints --format %s.", commandPath(c), strings.Join(allowed, ", ")))
}

type planOptions struct {
	targets []string
	replace []string // --replace addresses
	// skipChecks plans no rollout checks (--skip-checks)
	skipChecks bool
	destroy    bool
	refresh    bool
}

// makePlan reads the state, refreshes the inventory and builds the plan.
// Blocked actions make it fail after the plan was printed to stderr.
func (ws *workspace) makePlan(ctx context.Context, o planOptions) (*planner.Plan, *state.State, error) {
	st, inv, err := ws.readAndRefresh(ctx, o.refresh)
	if err != nil {
		return nil, nil, err
	}
	plan, diags := planner.Build(ws.planInput(o, st, inv))
	if len(diags) > 0 {
		ws.io.report(diags, ws.sources, ws.ui.style)
	}
	if diags.HasErrors() {
		ws.failedPlan = plan
		// A failed plan shows only its diagnostics; one blocked by protect
		// still shows what it would do.
		if plan != nil && !plan.Failed && len(plan.Actions) > 0 && !ws.machineOutput {
			planner.RenderText(ws.io.Out, plan, ws.ui.style)
		}
		return nil, nil, exitCode(ExitError)
	}
	return plan, st, nil
}

func renderPlan(s *Streams, u ui, plan *planner.Plan, format string) error {
	switch format {
	case formatHuman, "":
		return planner.RenderText(s.Out, plan, u.style)
	case formatJSON:
		return planner.RenderJSON(s.Out, plan)
	case formatMarkdown:
		return planner.RenderMarkdown(s.Out, plan)
	default:
		return userError(fmt.Sprintf("unknown format %q", format), "Use --format human, json or markdown.")
	}
}

// jsonOut writes v as indented JSON.
func jsonOut(s *Streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// absPaths makes paths absolute, so a saved plan can name its fleet files.
func absPaths(paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		out = append(out, p)
	}
	return out
}
