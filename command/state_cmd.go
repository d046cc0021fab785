package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/state"
)

func stateCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:  "state",
		Usage: "look at and repair the state",
		Subcommands: append([]*cli.Command{
			{
				Name:   "list",
				Before: noArguments,
				Usage:  "list the addresses in the state",
				Flags:  []cli.Flag{fileFlag()},
				Action: func(c *cli.Context) error {
					st, err := readState(c, s)
					if err != nil {
						return err
					}
					for _, r := range st.Resources {
						fmt.Fprintf(s.Out, "%s\t%s\t%s\n", r.Address, r.Provider, r.ID)
					}
					return nil
				},
			},
			{
				Name:      "show",
				Usage:     "show one resource's recorded attributes",
				ArgsUsage: "ADDR",
				Flags:     []cli.Flag{fileFlag()},
				Action: func(c *cli.Context) error {
					addr := c.Args().First()
					if addr == "" || c.Args().Len() != 1 {
						return userError("state show needs one address", "Usage: fleet state show ADDR (see fleet state list)")
					}
					st, err := readState(c, s)
					if err != nil {
						return err
					}
					r := lookupText(st, addr)
					if r == nil {
						return userError(fmt.Sprintf("no resource %s in the state", addr), "See the addresses with \"fleet state list"+fileSuffix(c.StringSlice("file"))+"\".")
					}
					return jsonOut(s, r)
				},
			},
			{
				Name:      "rm",
				Usage:     "forget a resource: remove it from the state, leave it in the cloud",
				ArgsUsage: "ADDR...",
				Flags:     []cli.Flag{fileFlag(), lockTimeoutFlag()},
				Action: func(c *cli.Context) error {
					if c.Args().Len() == 0 {
						return userError("state rm needs an address", "Usage: fleet state rm ADDR... (see fleet state list)")
					}
					ctx, cancel := signalContext()
					defer cancel()
					ws, err := openStateWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"))
					if err != nil {
						return err
					}
					defer ws.Close()
					st, unlock, err := lockAndReadState(ctx, ws, "state rm", c.Duration("lock-timeout"))
					if err != nil {
						return err
					}
					defer unlock()
					for _, addr := range c.Args().Slice() {
						if lookupText(st, addr) == nil {
							return userError(fmt.Sprintf("no resource %s in the state", addr), "Nothing was removed. See the addresses with \"fleet state list"+fileSuffix(c.StringSlice("file"))+"\".")
						}
					}
					for _, addr := range c.Args().Slice() {
						r := lookupText(st, addr)
						fmt.Fprintf(s.Out, "Removed %s (id %s) from the state; the cloud resource is untouched.\n", addr, r.ID)
						st.Remove(r.Address)
					}
					return ws.backend.Write(ctx, st)
				},
			},
		}, stateMoveCommands(s)...),
	}
}

func readState(c *cli.Context, s *Streams) (*state.State, error) {
	st, _, err := readStateIn(c, s)
	return st, err
}

// readStateIn reads the state and says which environment it belongs to
// (nil for a fleet without variables).
func readStateIn(c *cli.Context, s *Streams) (*state.State, *planner.Environment, error) {
	ctx, cancel := signalContext()
	defer cancel()
	ws, err := openStateWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"))
	if err != nil {
		return nil, nil, err
	}
	defer ws.Close()
	st, err := ws.readState(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, planner.EnvironmentOf(ws.fleet), nil
}

// stateMoveCommands are push and pull: moving a state document between the
// local file and the configured backend (PostgreSQL).
func stateMoveCommands(s *Streams) []*cli.Command {
	move := func(c *cli.Context, push bool) error {
		ctx, cancel := signalContext()
		defer cancel()
		path := c.Args().First()
		if path == "" {
			return userError("missing the local state file", "Usage: fleet state push|pull FILE")
		}
		ws, err := openStateWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"))
		if err != nil {
			return err
		}
		defer ws.Close()
		local := state.NewLocal(path)
		from, to := state.Backend(local), ws.backend
		if !push {
			from, to = ws.backend, local
		}
		unlock, err := lockState(ctx, ws, "state "+c.Command.Name, c.Duration("lock-timeout"))
		if err != nil {
			return err
		}
		defer unlock()
		src, err := from.Read(ctx)
		if err != nil {
			return fmt.Errorf("read source state: %w", err)
		}
		dst, err := to.Read(ctx)
		if err != nil {
			return fmt.Errorf("read destination state: %w", err)
		}
		if dst.Lineage != "" && src.Lineage != dst.Lineage && !c.Bool("force") {
			return userError("the two states have different lineages",
				fmt.Sprintf("Source lineage %s, destination lineage %s: they are different fleets' histories. Use --force to overwrite the destination.", src.Lineage, dst.Lineage))
		}
		if dst.Lineage == src.Lineage && dst.Serial > src.Serial && !c.Bool("force") {
			return userError("the destination state is newer",
				fmt.Sprintf("Destination serial %d is above the source's %d. Use --force to overwrite it.", dst.Serial, src.Serial))
		}
		doc := *src
		doc.Serial = dst.Serial
		if c.Bool("force") {
			doc.Lineage = dst.Lineage
			if doc.Lineage == "" {
				doc.Lineage = src.Lineage
			}
		}
		if err := to.Write(ctx, &doc); err != nil {
			return fmt.Errorf("write destination state: %w", err)
		}
		// The serial counts writes to one backend, so the destination's grows
		// from its own; the lineage says which history the document belongs to.
		fmt.Fprintf(s.Out, "Copied the state (lineage %s, %d resources) %s; its serial there is now %d.\n",
			doc.Lineage, len(doc.Resources), map[bool]string{true: "into the configured backend", false: "into " + path}[push], doc.Serial)
		return nil
	}
	flags := []cli.Flag{fileFlag(), lockTimeoutFlag(), &cli.BoolFlag{Name: "force", Usage: "overwrite a destination with another lineage or a higher serial"}}
	return []*cli.Command{
		{Name: "push", Usage: "copy a local state file into the configured backend", ArgsUsage: "FILE", Flags: flags,
			Action: func(c *cli.Context) error { return move(c, true) }},
		{Name: "pull", Usage: "copy the configured backend's state into a local file", ArgsUsage: "FILE", Flags: flags,
			Action: func(c *cli.Context) error { return move(c, false) }},
	}
}

// lookupText finds the resource at an address as the user typed it; nil
// when the state holds none there, or the text is no address at all.
func lookupText(st *state.State, text string) *state.Resource {
	a, err := addrs.Parse(text)
	if err != nil {
		return nil
	}
	return st.Lookup(a)
}
