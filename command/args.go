package command

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// hoistFlags moves the flags a command line gives after positional
// arguments in front of them, so "fleet state pull FILE -f dir" means what
// "fleet state pull -f dir FILE" means: the flag parser underneath stops at
// the first positional argument and would read "-f" as a file name. Which
// flags take a value is read from the command's own flag list; a flag it
// does not define is moved too, so the parser refuses it by name. "--" ends
// the flags, as usual.
func hoistFlags(cmds []*cli.Command, args []string) []string {
	if len(args) < 2 {
		return args
	}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++ // global flags (all booleans)
	}
	var cmd *cli.Command
	for i < len(args) {
		next := findCommand(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds, i = next, next.Subcommands, i+1
	}
	if cmd == nil {
		return args
	}
	var flags, positional []string
	for j := i; j < len(args); j++ {
		a := args[j]
		if a == "--" {
			positional = append(positional, args[j:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		if takesValue(cmd, a) && j+1 < len(args) {
			j++
			flags = append(flags, args[j])
		}
	}
	out := append([]string{}, args[:i]...)
	return append(append(out, flags...), positional...)
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the flag arg ("-f", "--out", "--out=x") is
// followed by its value as the next argument.
func takesValue(cmd *cli.Command, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false // unknown: the parser names it
}

// atLeastOne refuses an integer flag below 1.
func atLeastOne(name string) func(*cli.Context, int) error {
	return func(_ *cli.Context, v int) error {
		if v < 1 {
			return userError(fmt.Sprintf("--%s must be at least 1, not %d", name, v), fmt.Sprintf("Give --%s a positive number, or leave it out for the default.", name))
		}
		return nil
	}
}

// positiveDuration refuses a duration flag at or below zero.
func positiveDuration(name string) func(*cli.Context, time.Duration) error {
	return func(_ *cli.Context, v time.Duration) error {
		if v <= 0 {
			return userError(fmt.Sprintf("--%s must be longer than 0, not %s", name, v), fmt.Sprintf("Give --%s a duration such as 30m or 1h, or leave it out for the default.", name))
		}
		return nil
	}
}

// nonNegativeDuration refuses a negative duration flag.
func nonNegativeDuration(name string) func(*cli.Context, time.Duration) error {
	return func(_ *cli.Context, v time.Duration) error {
		if v < 0 {
			return userError(fmt.Sprintf("--%s must not be negative, not %s", name, v), fmt.Sprintf("Give --%s a duration such as 0s, 30s or 5m.", name))
		}
		return nil
	}
}

// share refuses a float flag outside [0, 1].
func share(name string) func(*cli.Context, float64) error {
	return func(_ *cli.Context, v float64) error {
		if v < 0 || v > 1 {
			return userError(fmt.Sprintf("--%s must be between 0 and 1, not %g", name, v), fmt.Sprintf("Give --%s a share such as 0.1 (one call in ten).", name))
		}
		return nil
	}
}

// nonNegative refuses a negative float flag.
func nonNegative(name string) func(*cli.Context, float64) error {
	return func(_ *cli.Context, v float64) error {
		if v < 0 {
			return userError(fmt.Sprintf("--%s must not be negative, not %g", name, v), fmt.Sprintf("Give --%s 0 or more.", name))
		}
		return nil
	}
}

// noArguments is the Before of a command that takes no positional
// arguments: a stray one is refused rather than ignored.
func noArguments(c *cli.Context) error {
	if c.Args().Len() == 0 {
		return nil
	}
	name := commandPath(c)
	return userError(fmt.Sprintf("fleet %s takes no arguments, got %q", name, c.Args().First()),
		fmt.Sprintf("Give fleet files with -f, as in \"fleet %s -f %s\"; \"fleet help %s\" lists its flags.", name, c.Args().First(), name))
}

// commandPath is the command's words after "fleet": "state list".
func commandPath(c *cli.Context) string {
	var words []string
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && ctx.Command.Name != "" && ctx.Command.Name != c.App.Name {
			words = append([]string{ctx.Command.Name}, words...)
		}
	}
	return strings.Join(words, " ")
}
