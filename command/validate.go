package command

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
)

func validateCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check fleet files against the schema and the clouds' rules (offline: no credentials, state or network)",
		ArgsUsage: "[FILE]...",
		Description: `Files given as arguments count as -f FILE. Several files (or a directory's
*.yaml and *.yml files) merge into one fleet; with --each every file or
directory given is a fleet of its own; with --each-dir every directory
holding a file given is one fleet (its *.yaml and *.yml files but hidden
ones), which is what the pre-commit hook runs.
An unset ${VAR} is a warning that names it (the field that reads it is not
checked, the rest is); --strict-env makes it an error, as it is for plan
and apply.
Exit codes: 0 valid, 1 invalid.`,
		Flags: []cli.Flag{
			fileFlag(), noColorFlag(),
			&cli.StringFlag{Name: "format", Value: formatHuman, Usage: "human, compact (FILE:LINE:COL: error: ...) or json"},
			&cli.BoolFlag{Name: "each", Usage: "validate every file or directory given as a fleet of its own"},
			&cli.BoolFlag{Name: "each-dir", Usage: "validate every directory holding a file given as one fleet"},
			&cli.BoolFlag{Name: "strict-env", Usage: "an unset ${VAR} is an error, not a warning"},
		},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c, formatHuman, formatCompact, formatJSON)
			if err != nil {
				return err
			}
			files := append(c.StringSlice("file"), c.Args().Slice()...)
			if len(files) == 0 {
				files = []string{defaultFleetFile}
			}
			if c.Bool("each") && c.Bool("each-dir") {
				return userError("--each and --each-dir exclude each other", "Give --each for one fleet per file, --each-dir for one fleet per directory.")
			}
			fleets := [][]string{files}
			switch {
			case c.Bool("each"):
				fleets = fleets[:0]
				for _, f := range files {
					fleets = append(fleets, []string{f})
				}
			case c.Bool("each-dir"):
				var err error
				if fleets, err = fleetsByDirectory(files); err != nil {
					return err
				}
			}
			var diags spec.Diagnostics
			sources := map[string][]byte{}
			var loaded []*spec.Fleet
			for _, paths := range fleets {
				res := spec.Load(paths, spec.LoadOptions{UnsetVarWarns: !c.Bool("strict-env"), Vars: s.vars})
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
				if err := writeDiagnostics(s.Out, diags, sources, format, style.Style{}); err != nil {
					return err
				}
			case len(diags) > 0:
				if err := writeDiagnostics(s.Err, diags, sources, format, u.style); err != nil {
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

// fleetsByDirectory groups files by the directory holding them: each
// directory, in the order first named, is one fleet of its *.yaml and
// *.yml files. Hidden files (.gitlab-ci.yml, .pre-commit-config.yaml) are
// never fleet files. A directory given stands for itself.
func fleetsByDirectory(paths []string) ([][]string, error) {
	var fleets [][]string
	seen := map[string]bool{}
	for _, p := range paths {
		dir := filepath.Dir(p)
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			dir = p
		}
		dir = filepath.Clean(dir)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, userError(fmt.Sprintf("cannot read directory %s", dir), err.Error())
		}
		var files []string
		for _, e := range entries {
			name := e.Name()
			ext := filepath.Ext(name)
			if !e.IsDir() && !strings.HasPrefix(name, ".") && (ext == ".yaml" || ext == ".yml") {
				files = append(files, filepath.Join(dir, name))
			}
		}
		if len(files) == 0 {
			files = []string{dir} // Load says the directory holds no fleet files
		}
		fleets = append(fleets, files)
	}
	return fleets, nil
}
