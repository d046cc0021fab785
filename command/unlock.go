package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/state"
)

func unlockCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "unlock",
		Before: noArguments,
		Usage:  "remove a lock left by a run that died, after showing who held it",
		Flags:  []cli.Flag{fileFlag(), &cli.BoolFlag{Name: "force", Usage: "remove the lock even if its holder still looks alive"}},
		Action: func(c *cli.Context) error {
			ctx, cancel := signalContext()
			defer cancel()
			ws, err := openStateWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"))
			if err != nil {
				return err
			}
			defer ws.Close()
			info, err := ws.backend.Holder(ctx)
			if err != nil {
				return fmt.Errorf("read lock: %w", err)
			}
			if info == nil {
				fmt.Fprintln(s.Out, "The state is not locked.")
				return nil
			}
			fmt.Fprint(s.Out, state.DescribeLock(info))
			if !info.Stale && !c.Bool("force") {
				return userError("the lock holder is still running",
					"The process above still holds the lock. Wait for it to finish; use --force only if you are sure it is not applying this fleet.")
			}
			if err := ws.backend.ForceUnlock(ctx); err != nil {
				return fmt.Errorf("unlock: %w", err)
			}
			fmt.Fprintln(s.Out, "The lock was removed.")
			return nil
		},
	}
}
