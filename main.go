// Command fleet keeps fleets of virtual servers on NAVER Cloud Platform and
// NHN Cloud the way a YAML file declares them.
package main

import (
	"os"

	"github.com/fleet-iac/fleet/command"
)

func main() { os.Exit(command.Run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
