package command

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

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

	// reported are the diagnostics printed on Err during the run, so a
	// command with machine output can repeat them in its document.
	reported spec.Diagnostics
	// fleet is the name of the fleet the run loaded, "" before that.
	fleet string
	// eventsEnded is set once apply or destroy --json has printed, or
	// handed the executor, the event that ends the run.
	eventsEnded bool
	// vars are the --var and --var-file values of the command that runs.
	vars spec.VarInputs
	// style is how the run draws, once decided (decideUI); plain before.
	style style.Style
}

// report prints diagnostics for people on Err and keeps them.
func (s *Streams) report(diags spec.Diagnostics, sources map[string][]byte, st style.Style) {
	s.reported = append(s.reported, diags...)
	writeDiagnostics(s.Err, diags, sources, formatHuman, st)
}

// Run runs the fleet command line and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := &Streams{In: stdin, Out: stdout, Err: stderr}
	app := &cli.App{
		Name:      "fleet",
		Usage:     "keep fleets of servers on NAVER Cloud Platform and NHN Cloud as a YAML file declares them",
		Version:   version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also NO_COLOR)"},
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Description: `Exit codes: 0 success (plan --detailed-exitcode: no changes), 1 error,
2 plan --detailed-exitcode: success with changes.`,
		Commands: commands(io),
	}
	unknown, parent := "", ""
	app.CommandNotFound = func(c *cli.Context, name string) {
		unknown = name
		if len(c.Lineage()) > 2 && c.Command != nil { // a subcommand of c.Command
			parent = " " + c.Command.FullName()
		}
	}
	err := app.Run(hoistFlags(app.Commands, helpAsFlag(args)))
	if unknown != "" && err == nil {
		err = userError(fmt.Sprintf("unknown command %q", strings.TrimSpace(parent+" "+unknown)),
			fmt.Sprintf("Run \"fleet help%s\" to list the commands.", parent))
	}
	if err == nil {
		return ExitOK
	}
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	printError(stderr, err, io.style)
	return ExitError
}

// helpAsFlag turns "fleet help [CMD...]" into "fleet [CMD...] --help", so
// that help for any command, subcommands included, is exactly what --help
// prints. Global flags before "help" stay where they are.
func helpAsFlag(args []string) []string {
	for i := 1; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			continue
		}
		if args[i] != "help" && args[i] != "h" {
			return args
		}
		out := append(append([]string{}, args[:i]...), args[i+1:]...)
		return append(out, "--help")
	}
	return args
}

// commands lists every command, in the order --help shows them.
func commands(io *Streams) []*cli.Command {
	return withVariables(io, []*cli.Command{
		validateCommand(io),
		planCommand(io),
		applyCommand(io),
		destroyCommand(io),
		rebootCommand(io),
		showCommand(io),
		outputCommand(io),
		stateCommand(io),
		graphCommand(io),
		importCommand(io),
		unlockCommand(io),
		schemaCommand(io),
		simCommand(io),
		versionCommand(io),
	})
}

// getenv is the one place commands read the environment, so tests can see it.
var getenv = os.Getenv
