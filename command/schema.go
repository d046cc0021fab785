package command

import (
	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/schema"
)

func schemaCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "schema",
		Before: noArguments,
		Usage:  "print the fleet file's JSON schema (for editors: yaml-language-server, VS Code)",
		Description: `Point yaml-language-server at it with a first line such as
  # yaml-language-server: $schema=fleet.schema.json
after "fleet schema > fleet.schema.json".`,
		Action: func(c *cli.Context) error {
			_, err := s.Out.Write(schema.JSON)
			return err
		},
	}
}
