package command

import (
	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planner"
)

func graphCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "graph",
		Before: noArguments,
		Usage:  "print the plan's dependency graph as Graphviz DOT (the fleet's, when there is nothing to change)",
		Flags: []cli.Flag{fileFlag(), targetFlag(),
			&cli.BoolFlag{Name: "refresh", Value: true, Usage: "read the live inventory"},
			&cli.BoolFlag{Name: "destroy", Usage: "graph the destroy plan"},
		},
		Action: func(c *cli.Context) error {
			ctx, cancel := signalContext()
			defer cancel()
			var providerFlags *cli.Context // nil: the state alone, no clouds
			if c.Bool("refresh") {
				providerFlags = c
			}
			ws, err := openWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"), providerFlags)
			if err != nil {
				return err
			}
			defer ws.Close()
			plan, _, err := ws.makePlan(ctx, planOptions{targets: c.StringSlice("target"), destroy: c.Bool("destroy"), refresh: c.Bool("refresh")})
			if err != nil {
				return err
			}
			if !plan.HasChanges() {
				return planner.RenderFleetDOT(s.Out, ws.fleet)
			}
			return planner.RenderDOT(s.Out, plan)
		},
	}
}
