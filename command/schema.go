package command

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/schema"
)

func schemaCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "schema",
		Before: noArguments,
		Usage:  "print the fleet file's JSON schema (for editors), or that of an output (--output)",
		Description: `Point yaml-language-server at it with a first line such as
  # yaml-language-server: $schema=fleet.schema.json
after "fleet schema > fleet.schema.json".
--output plan, events, state, validate or output prints the schema of
what "fleet plan --json", "fleet apply --json" (one event per line),
"fleet show --json", "fleet validate --format json" and
"fleet output --json" print.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Value: "fleet", Usage: strings.Join(schema.Outputs, ", ")},
		},
		Action: func(c *cli.Context) error {
			name := c.String("output")
			data, ok := schema.Output(name)
			if !ok || !slices.Contains(schema.Outputs, name) {
				return userError(fmt.Sprintf("no schema for output %q", name), "Use --output "+strings.Join(schema.Outputs, ", ")+".")
			}
			_, err := s.Out.Write(data)
			return err
		},
	}
}
