package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/planner"
)

func rebootCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "reboot",
		Usage:     "reboot servers, or whole groups a rollout batch at a time",
		ArgsUsage: "ADDR...",
		Description: `Reboots server/NAME, or every member of server/GROUP, in batches of the
group's rollout.max_unavailable (one at a time without a rollout): each
batch is waited back to running, and through the group's rollout check,
before the next starts. --hard is NHN Cloud's HARD reboot (a power cycle);
NCP has one kind of reboot.`,
		Flags: append([]cli.Flag{fileFlag(), noColorFlag(), lockTimeoutFlag(),
			&cli.BoolFlag{Name: "hard", Usage: "NHN Cloud: a HARD reboot (power cycle) instead of SOFT"}, skipChecksFlag(),
		}, runFlags()...),
		Action: func(c *cli.Context) error {
			return endingEvents(c, s, runReboot(c, s))
		},
	}
}

func runReboot(c *cli.Context, s *Streams) error {
	intr := watchInterrupts(s.Err)
	defer intr.stop()
	ctx := intr.ctx
	u := uiFor(c, s)
	if c.Args().Len() == 0 {
		return userError("fleet reboot needs an address", "Usage: fleet reboot ADDR... (server/web-1, or server/web for every member of a group)")
	}
	if !c.Bool("auto-approve") && !u.interactive {
		return userError("reboot needs approval, and there is no terminal to ask on",
			fmt.Sprintf("Re-run with --auto-approve (\"fleet reboot %s--auto-approve ADDR...\").", fileFlags(c.StringSlice("file"))))
	}
	ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), c)
	if err != nil {
		return err
	}
	defer ws.Close()
	ws.operation = "reboot"
	ws.machineOutput = c.Bool("json")
	ws.interrupts = intr
	st, unlock, err := lockAndReadState(ctx, ws, "reboot", c.Duration("lock-timeout"))
	if err != nil {
		return err
	}
	defer unlock()
	inv, err := ws.refresh(ctx, st)
	if err != nil {
		return err
	}
	plan, diags := planner.BuildReboot(planner.RebootInput{Fleet: ws.fleet, State: st, Inventory: inv,
		Addresses: c.Args().Slice(), Hard: c.Bool("hard"), SkipChecks: c.Bool("skip-checks"), FleetVersion: version})
	if len(diags) > 0 {
		s.report(diags, ws.sources, u.style)
	}
	if diags.HasErrors() {
		return exitCode(ExitError)
	}
	if !c.Bool("json") {
		if err := planner.RenderText(s.Out, plan, u.style); err != nil {
			return err
		}
	}
	if !c.Bool("auto-approve") {
		if !confirm(ctx, s, "\nDo you want to reboot these servers?") {
			fmt.Fprintln(s.Out, "\nreboot cancelled.")
			return exitCode(ExitError)
		}
	}
	if !c.Bool("json") {
		fmt.Fprintln(s.Out)
	}
	return ws.execute(ctx, plan, st, c.Int("parallelism"), c.Duration("wait-timeout"), c.Bool("json"))
}
