package command

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/spec"
)

func validateCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check fleet files against the schema and the clouds' rules (offline: no credentials, state or network)",
		ArgsUsage: "[FILE]...",
		Description: `Files given as arguments count as -f FILE. Several files (or a directory's
*.yaml and *.yml files) merge into one fleet; with --each every file or
directory given is a fleet of its own, which is what pre-commit needs.
Exit codes: 0 valid, 1 invalid.`,
		Flags: []cli.Flag{
			fileFlag(), noColorFlag(),
			&cli.StringFlag{Name: "format", Value: formatHuman, Usage: "human, compact (FILE:LINE:COL: error: ...) or json"},
			&cli.BoolFlag{Name: "each", Usage: "validate every file or directory given as a fleet of its own"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			switch format {
			case formatHuman, formatCompact, formatJSON:
			default:
				return userError(fmt.Sprintf("unknown --format %q", format), "Use human, compact or json.")
			}
			files := append(c.StringSlice("file"), c.Args().Slice()...)
			if len(files) == 0 {
				files = []string{defaultFleetFile}
			}
			fleets := [][]string{files}
			if c.Bool("each") {
				fleets = fleets[:0]
				for _, f := range files {
					fleets = append(fleets, []string{f})
				}
			}
			var diags spec.Diagnostics
			sources := map[string][]byte{}
			var loaded []*spec.Fleet
			for _, paths := range fleets {
				res := spec.Load(paths, spec.LoadOptions{})
				diags = diags.Append(res.Diagnostics)
				for name, data := range res.Sources {
					sources[name] = data
				}
				if !res.Diagnostics.HasErrors() {
					loaded = append(loaded, res.Fleet)
				}
			}
			u := uiFor(c, s)
			switch {
			case format == formatJSON:
				if err := writeDiagnostics(s.Out, diags, sources, format, false); err != nil {
					return err
				}
			case len(diags) > 0:
				if err := writeDiagnostics(s.Err, diags, sources, format, u.color); err != nil {
					return err
				}
			}
			if format == formatHuman {
				// with --each, the fleets that are fine say so too
				for _, f := range loaded {
					writeValid(s.Out, f)
				}
			}
			if diags.HasErrors() {
				return exitCode(ExitError)
			}
			return nil
		},
	}
}

// writeValid says what a valid fleet holds, so a reader sees that the
// files they meant were read.
func writeValid(w io.Writer, f *spec.Fleet) {
	parts := []string{
		plural(len(f.Providers), "provider"), plural(len(f.Servers), "server"),
	}
	if len(f.Keypairs) > 0 {
		parts = append(parts, plural(len(f.Keypairs), "keypair"))
	}
	if len(f.Images) > 0 {
		parts = append(parts, plural(len(f.Images), "image"))
	}
	fmt.Fprintf(w, "Success! Fleet %q in %s is valid: %s.\n", f.Name, strings.Join(f.Files, ", "), strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
