package command

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/state"
)

func fileFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "fleet file or directory of *.yaml files (repeatable; default fleet.yaml)"}
}

func lockTimeoutFlag() cli.Flag {
	return &cli.DurationFlag{Name: "lock-timeout", Value: 0, Usage: "how long to wait for the state lock held by another run", Action: nonNegativeDuration("lock-timeout")}
}

func targetFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "target", Usage: "limit the plan to this address and what it depends on (repeatable)"}
}

func replaceFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "replace", Usage: "replace this server, or every member of server/GROUP, even if nothing changed (repeatable)"}
}

func skipChecksFlag() cli.Flag {
	return &cli.BoolFlag{Name: "skip-checks", Usage: "emergencies only: do not run the rollouts' health checks (the output says so)"}
}

func noColorFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also NO_COLOR)"}
}

func uiFor(c *cli.Context, s *Streams) ui {
	return decideUI(s, c.Bool("no-color"))
}

// signalContext is cancelled on SIGINT/SIGTERM so a run stops starting new
// work and saves what it did.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// lockState takes the state lock for operation, waiting up to the
// --lock-timeout; on failure it explains who holds it.
func lockState(ctx context.Context, ws *workspace, operation string, timeout time.Duration) (unlock func(), err error) {
	b := ws.backend
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	info := state.NewLockInfo(operation, version)
	id, err := b.Lock(lctx, info)
	if err != nil {
		var le *state.LockError
		if errors.As(err, &le) && le.Info != nil {
			fix := "Wait for that run to finish and try again, or raise --lock-timeout."
			if le.Info.Stale {
				fix = "That process is gone. Run \"fleet unlock" + fileSuffix(ws.fileArgs) + "\" to clear the lock, after making sure no other run is using this state."
			}
			return nil, userError("Error acquiring the state lock", state.DescribeLock(le.Info)+"\n"+fix)
		}
		return nil, err
	}
	return func() { b.Unlock(context.Background(), id) }, nil
}

// lockAndReadState takes the state lock for operation, as lockState does,
// and reads the state under it: what every command that changes the state
// outside apply does first.
func lockAndReadState(ctx context.Context, ws *workspace, operation string, timeout time.Duration) (*state.State, func(), error) {
	unlock, err := lockState(ctx, ws, operation, timeout)
	if err != nil {
		return nil, nil, err
	}
	st, err := ws.readState(ctx)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, unlock, nil
}
