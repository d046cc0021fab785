package command

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

func planCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "refresh the inventory and show what apply would change",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			fileFlag(), targetFlag(), noColorFlag(), lockTimeoutFlag(),
			&cli.StringFlag{Name: "out", Usage: "save the plan to this file, for a later \"fleet apply FILE\""},
			&cli.BoolFlag{Name: "json", Usage: "print the plan as one versioned JSON document"},
			&cli.StringFlag{Name: "format", Value: "human", Usage: "human, json or markdown (a PR comment)"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 0 when there are no changes, 2 when there are, 1 on error"},
			&cli.BoolFlag{Name: "refresh", Value: true, Usage: "read the live inventory (false: plan from the state alone)"},
			&cli.BoolFlag{Name: "destroy", Usage: "plan the deletion of everything fleet manages in this fleet"},
		},
		Action: func(c *cli.Context) error {
			ctx, cancel := signalContext()
			defer cancel()
			u := uiFor(c, s)
			ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			if out := c.String("out"); out != "" {
				unlock, err := lockState(ctx, ws.backend, "plan", c.Duration("lock-timeout"))
				if err != nil {
					return err
				}
				defer unlock()
			}
			plan, _, err := ws.makePlan(ctx, planOptions{
				targets: c.StringSlice("target"), destroy: c.Bool("destroy"), refresh: c.Bool("refresh"),
			})
			if err != nil {
				return err
			}
			format := c.String("format")
			if c.Bool("json") {
				format = "json"
			}
			if err := renderPlan(s, u, plan, format); err != nil {
				return err
			}
			if out := c.String("out"); out != "" {
				plan.FleetFiles = absPaths(ws.fleet.Files)
				if err := planner.Save(out, plan); err != nil {
					return fmt.Errorf("save plan: %w", err)
				}
				if format == "human" {
					fmt.Fprintf(s.Out, "\nSaved the plan to %s. Apply exactly this plan with:\n    fleet apply %s\n", out, out)
				}
			}
			if c.Bool("detailed-exitcode") && plan.HasChanges() {
				return exitCode(ExitChanges)
			}
			return nil
		},
	}
}

type planOptions struct {
	targets []string
	destroy bool
	refresh bool
}

// makePlan reads the state, refreshes the inventory and builds the plan.
// Blocked actions make it fail after the plan was printed to stderr.
func (ws *workspace) makePlan(ctx context.Context, o planOptions) (*planner.Plan, *state.State, error) {
	st, err := ws.backend.Read(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read state: %w", err)
	}
	inv, err := ws.refreshIf(ctx, o.refresh, st)
	if err != nil {
		return nil, nil, err
	}
	plan, diags := planner.Build(planner.Input{
		Fleet: ws.fleet, State: st, Inventory: inv, Targets: o.targets, Destroy: o.destroy, FleetVersion: Version,
	})
	if len(diags) > 0 {
		writeDiagnostics(ws.io.Err, diags, ws.sources, "human", ws.ui.color)
	}
	if diags.HasErrors() {
		// A failed plan shows only its diagnostics; one blocked by protect
		// still shows what it would do.
		if plan != nil && !plan.Failed && len(plan.Actions) > 0 {
			planner.RenderText(ws.io.Out, plan, planner.Style{Color: ws.ui.color})
		}
		return nil, nil, exitCode(ExitError)
	}
	return plan, st, nil
}

func (ws *workspace) refreshIf(ctx context.Context, refresh bool, st *state.State) (map[string]providers.InventoryResponse, error) {
	if !refresh {
		return nil, nil
	}
	return ws.refresh(ctx, st)
}

func renderPlan(s *Streams, u ui, plan *planner.Plan, format string) error {
	switch format {
	case "human", "":
		return planner.RenderText(s.Out, plan, planner.Style{Color: u.color})
	case "json":
		return planner.RenderJSON(s.Out, plan)
	case "markdown":
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
