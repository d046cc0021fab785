package command

// What fleet import --discover and --from-tfstate share: the checks before
// anything is taken, the plan shown, and the order of the writes (fragment,
// state, tags) that makes a killed run finished by running it again.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/discover"
	"github.com/fleet-iac/fleet/regularfile"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// takeOverRun is what one import run brings to takeOver.
type takeOverRun struct {
	c    *cli.Context
	s    *Streams
	u    ui
	st   *state.State
	out  string // the fragment file
	none string // what to say when there is nothing to take
}

// takeOver is what --discover and --from-tfstate share: group the servers,
// report every problem (then nothing is written or tagged), show the plan,
// ask, write the declarations, record them in the state, then tag. done
// reports whether everything is recorded and tagged.
func (ws *workspace) takeOver(ctx context.Context, r takeOverRun, found []discover.Found, retag []state.Resource, problems []discover.Problem) (done bool, err error) {
	s := r.s
	groups, more := discover.Plan(found, ws.declaredBefore(r.out, r.st))
	problems = append(problems, more...)
	problems = append(problems, recordedAlready(r.st, discover.Resources(groups))...)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(s.Err, "Problem: %s\n", p)
		}
		return false, userError(fmt.Sprintf("%d problem(s) found: nothing was imported or tagged", len(problems)),
			"Resolve each problem above, or leave those servers out with --match or --provider, then run again.")
	}
	imports := discover.Resources(groups)
	if len(imports) == 0 && len(retag) == 0 {
		fmt.Fprintln(s.Out, r.none)
		return true, nil
	}
	printImportPlan(s, ws.fleet, imports, retag)
	if !r.c.Bool("auto-approve") {
		if !r.u.interactive {
			return false, userError("import needs --auto-approve without a terminal",
				"Review the plan above, then re-run with --auto-approve.")
		}
		if !confirm(ctx, s, "Do you want to import these resources and tag them as fleet "+ws.fleet.Name+"'s?") {
			return false, userError("import cancelled", "")
		}
	}
	// Declarations first, then the state, then the tags: a run killed at any
	// point is finished by running it again, and loses nothing.
	if len(groups) > 0 {
		if err := writeFragment(r.out, groups); err != nil {
			return false, err
		}
		for _, res := range imports {
			r.st.Put(res)
		}
		r.st.Fleet = ws.fleet.Name
		if err := ws.backend.Write(ctx, r.st); err != nil {
			return false, fmt.Errorf("write state: %w", err)
		}
	}
	tagged, notes, err := ws.tagImported(ctx, append(retag, imports...))
	for _, n := range notes {
		fmt.Fprintln(s.Out, n)
	}
	if err != nil {
		return false, err
	}
	fmt.Fprintf(s.Out, "Imported %d resource(s), tagged %d.\n", len(imports), tagged)
	if len(groups) > 0 {
		fmt.Fprintf(s.Out, "Their declarations are in %s.%s\n", r.out, ws.fragmentHint(r.out, r.c.StringSlice("file")))
	}
	return true, nil
}

// declaredBefore says where the fleet declares a server key or instance
// that a server taken over now would collide with. A declaration in another
// file always collides. One in the fragment collides once the state records
// what it declares: it is a server an earlier run took over, not one a run
// killed before it wrote the state declared (a re-run declares those again).
func (ws *workspace) declaredBefore(fragment string, st *state.State) discover.Declared {
	recorded := func(group string) bool {
		for _, srv := range ws.fleet.Servers {
			if srv.Group == group && st.Lookup(addrs.Server(srv.Name)) != nil {
				return true
			}
		}
		return false
	}
	collides := func(r spec.Range, group string) string {
		if !samePath(r.Filename, fragment) || recorded(group) {
			return r.String()
		}
		return ""
	}
	return func(name string) string {
		for _, g := range ws.fleet.Groups {
			if g.Name == name {
				if at := collides(g.Range, g.Name); at != "" {
					return at
				}
			}
		}
		if srv := ws.fleet.Server(name); srv != nil {
			return collides(srv.Range, srv.Group)
		}
		return ""
	}
}

// recordedAlready: an address the state records already is another
// resource than the one found (found ones the state records are not taken
// again), so taking it would overwrite that entry and lose the resource.
func recordedAlready(st *state.State, imports []state.Resource) []discover.Problem {
	var problems []discover.Problem
	for _, res := range imports {
		if r := st.Lookup(res.Address); r != nil {
			problems = append(problems, discover.Problem{Subject: res.Address.String(),
				Summary: fmt.Sprintf("the state records it already, as id %s of provider %s; %s (provider %s) would replace it", r.ID, r.Provider, res.ID, res.Provider),
				Fix:     "Rename the server in the cloud console, or leave it out with --match or --provider."})
		}
	}
	return problems
}

// fragmentHint tells how to make the fragment part of the fleet when the
// next run with the same -f does not load it: it is none of the files
// loaded, nor a *.yaml or *.yml file of a directory given with -f (a new
// fragment there is loaded next time, though it was not this time).
func (ws *workspace) fragmentHint(fragment string, paths []string) string {
	for file := range ws.sources {
		if samePath(file, fragment) {
			return ""
		}
	}
	if ext := filepath.Ext(fragment); ext == ".yaml" || ext == ".yml" {
		for _, p := range paths {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() && samePath(p, filepath.Dir(fragment)) {
				return ""
			}
		}
	}
	return "\nAdd it to the fleet (pass it with -f, or keep the fleet in a directory and run with -f DIR), then run \"fleet plan\": it should say \"No changes\"."
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// writeFragment adds the groups' declarations to the fragment file,
// atomically, keeping what it already declares.
func writeFragment(path string, groups []discover.Group) error {
	existing, err := regularfile.ReadFile(path) // a named pipe would hang os.ReadFile
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	data, err := discover.Fragment(existing, groups)
	if err != nil {
		return userError(fmt.Sprintf("cannot add to %s: %v", path, err), "Give another file with --out.")
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// printImportPlan shows what the import records and what it only tags.
func printImportPlan(s *Streams, fleet *spec.Fleet, imports, retag []state.Resource) {
	toTag := len(retag)
	for _, r := range imports {
		if fleet.Providers[r.Provider].Type != spec.ProviderNCloud {
			toTag++
		}
	}
	fmt.Fprintln(s.Out, "fleet will take over these resources:")
	fmt.Fprintln(s.Out)
	for _, r := range imports {
		fmt.Fprintf(s.Out, "  + import %s (id %s, provider %s)\n", r.Address, r.ID, r.Provider)
	}
	for _, r := range retag {
		fmt.Fprintf(s.Out, "  ~ tag %s (id %s, provider %s, already in the state)\n", r.Address, r.ID, r.Provider)
	}
	fmt.Fprintf(s.Out, "\nPlan: %d to import, %d to tag.\n\n", len(imports), toTag)
}

// matchFlag is --match of --discover and --from-tfstate: the servers to
// take, as a Go regular expression.
func matchFlag(c *cli.Context) (*regexp.Regexp, error) {
	match, err := regexp.Compile(c.String("match"))
	if err != nil {
		return nil, userError(fmt.Sprintf("invalid --match %q", c.String("match")), "Give a Go regular expression, e.g. --match '^web-'. ("+err.Error()+")")
	}
	return match, nil
}
