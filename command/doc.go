// Package command is fleet's command line: argument parsing with
// urfave/cli, one file per command, the views that render results for
// people and programs, and the mapping of outcomes to exit codes.
//
// Only Run decides an exit code; nothing here calls os.Exit.
package command
