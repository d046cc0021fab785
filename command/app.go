package command

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// Version is stamped at build time: -ldflags "-X github.com/fleet-iac/fleet/command.Version=...".
var Version = "dev"

// Exit codes.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2 // plan --detailed-exitcode: success with changes
)

// exitCode carries a specific exit code out of a command. Its message, if
// any, has already been printed.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// Streams are the standard streams a command reads and writes.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// Run runs the fleet command line and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := &Streams{In: stdin, Out: stdout, Err: stderr}
	app := &cli.App{
		Name:      "fleet",
		Usage:     "keep fleets of servers on NAVER Cloud Platform and NHN Cloud as a YAML file declares them",
		Version:   Version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also NO_COLOR)"},
		},
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		Description: `Exit codes: 0 success (plan --detailed-exitcode: no changes), 1 error,
2 plan --detailed-exitcode: success with changes.`,
		Commands: commands(io),
	}
	err := app.Run(args)
	if err == nil {
		return ExitOK
	}
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	printError(stderr, err)
	return ExitError
}

// commands lists every command, in the order --help shows them.
func commands(io *Streams) []*cli.Command {
	return []*cli.Command{
		validateCommand(io),
		planCommand(io),
		applyCommand(io),
		destroyCommand(io),
		showCommand(io),
		stateCommand(io),
		graphCommand(io),
		importCommand(io),
		unlockCommand(io),
		schemaCommand(io),
		simCommand(io),
		versionCommand(io),
	}
}

func versionCommand(io *Streams) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the fleet version",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(io.Out, "fleet %s\n", Version)
			return nil
		},
	}
}

// getenv is the one place commands read the environment, so tests can see it.
var getenv = os.Getenv
