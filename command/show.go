package command

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planner"
)

func showCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show the state, or a saved plan",
		ArgsUsage: "[PLAN]",
		Flags: []cli.Flag{fileFlag(), noColorFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print JSON for programs"},
			&cli.StringFlag{Name: "format", Value: "human", Usage: "plans: human, json or markdown"},
		},
		Action: func(c *cli.Context) error {
			u := uiFor(c, s)
			if path := c.Args().First(); path != "" {
				plan, err := planner.Load(path)
				if err != nil {
					return userError(fmt.Sprintf("cannot read saved plan %s", path), err.Error())
				}
				format := c.String("format")
				if c.Bool("json") {
					format = "json"
				}
				return renderPlan(s, u, plan, format)
			}
			st, err := readState(c, s)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return jsonOut(s, st)
			}
			if len(st.Resources) == 0 {
				fmt.Fprintln(s.Out, "The state is empty: nothing is managed yet.")
				return nil
			}
			fmt.Fprintf(s.Out, "Fleet %s, lineage %s, serial %d\n\n", st.Fleet, st.Lineage, st.Serial)
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ADDRESS\tPROVIDER\tID\tSTATUS\tDETAIL")
			for _, r := range st.Resources {
				status, detail := "", ""
				switch {
				case r.Server != nil:
					status, detail = r.Server.Status, r.Server.Type
				case r.Volume != nil:
					status, detail = r.Volume.Status, fmt.Sprintf("%d GB", r.Volume.Size)
				case r.Image != nil:
					status = r.Image.Status
				}
				if r.Stuck != nil {
					detail += " (stuck after a " + r.Stuck.Waited + " wait)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Address, r.Provider, r.ID, status, detail)
			}
			if len(st.Intents) > 0 {
				fmt.Fprintf(tw, "\n%d operation(s) were started but not recorded as finished; the next plan reconciles them.\n", len(st.Intents))
			}
			return tw.Flush()
		},
	}
}
