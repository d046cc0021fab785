package command

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Version, when stamped at build time (make build: -ldflags "-X
// github.com/fleet-iac/fleet/command.Version=..."), wins over what the build
// records; otherwise the version comes from the binary's build information.
var Version = ""

// version is the fleet version, computed once: it goes into `fleet version`,
// lock info and every saved or printed plan.
var version = buildVersion(Version, debug.ReadBuildInfo)

// buildVersion names the build: the stamped version; else the module version
// `go install github.com/fleet-iac/fleet@vX` records; else, for a build from
// a checkout, "devel+" and the first 12 hex digits of the VCS revision, with
// "-dirty" when the tree had changes; else "dev" (no VCS information, as with
// -buildvcs=false or a build outside a repository).
func buildVersion(stamped string, read func() (*debug.BuildInfo, bool)) string {
	if stamped != "" {
		return stamped
	}
	bi, ok := read()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel+" + rev
	if dirty {
		v += "-dirty"
	}
	return v
}

func versionCommand(io *Streams) *cli.Command {
	return &cli.Command{
		Name:   "version",
		Before: noArguments,
		Usage:  "print the fleet version",
		Description: `The version is the release the binary was installed at (go install
github.com/fleet-iac/fleet@vX), or, for a build from a checkout, devel+ and
the commit, with -dirty when the tree had uncommitted changes.`,
		Action: func(c *cli.Context) error {
			fmt.Fprintf(io.Out, "fleet %s\n", version)
			return nil
		},
	}
}
