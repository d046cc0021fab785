package command

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/spec"
)

// repeated is a repeatable flag whose values are kept as given: unlike a
// StringSliceFlag it never splits at commas, which lists and maps given
// with --var hold.
type repeated []string

func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }
func (r *repeated) String() string     { return strings.Join(*r, " ") }

func varFlags() []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "var", Value: &repeated{}, Usage: "give a variable a value: NAME=VALUE (repeatable; wins over --var-file and FLEET_VAR_NAME)"},
		&cli.GenericFlag{Name: "var-file", Value: &repeated{}, Usage: "YAML file of variable values, such as env/prod.yaml (repeatable; a later file wins)"},
	}
}

// withVariables gives every command that reads the fleet files (those
// with -f) the --var and --var-file flags, and keeps their values on the
// Streams before the command runs, so loading the fleet reads them in one
// place.
func withVariables(s *Streams, cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		withVariables(s, cmd.Subcommands)
		if !hasFlag(cmd, "file") {
			continue
		}
		cmd.Flags = append(cmd.Flags, varFlags()...)
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			s.vars = spec.VarInputs{Set: flagValues(c, "var"), Files: flagValues(c, "var-file")}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	return cmds
}

func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func flagValues(c *cli.Context, name string) []string {
	if r, ok := c.Generic(name).(*repeated); ok {
		return *r
	}
	return nil
}
