package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/discover"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/regularfile"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// defaultFragment is where --discover writes its declarations unless --out
// says otherwise: beside the first fleet file.
const defaultFragment = "discovered.yaml"

func discoverFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "discover", Usage: "take over every server in the providers' accounts that no fleet owns"},
		&cli.StringFlag{Name: "from-tfstate", Usage: "take over the servers a Terraform/OpenTofu state (format version 4) manages"},
		&cli.StringFlag{Name: "provider", Usage: "with --discover or --from-tfstate: only this provider (a name under providers:)"},
		&cli.StringFlag{Name: "match", Usage: "with --discover or --from-tfstate: take only servers whose name (or Terraform address) matches this regular expression"},
		&cli.StringFlag{Name: "out", Usage: "the fleet file fragment to write the declarations to (default " + defaultFragment + " beside the fleet file)"},
		&cli.BoolFlag{Name: "auto-approve", Usage: "with --discover or --from-tfstate: import without asking (required without a terminal)"},
	}
}

// importDiscover is fleet import --discover: it lists the servers no fleet
// owns, shows the import plan, and on approval writes their declarations,
// records them in the state, then tags them. Tagging comes last and is
// idempotent: a run killed while tagging leaves everything recorded, and the
// next run finishes the tagging (the state's untagged entries are retagged).
func importDiscover(c *cli.Context, s *Streams) error {
	if c.Args().Len() != 0 {
		return userError("import --discover takes no arguments", "Usage: fleet import --discover [--provider NAME] [--match REGEX] [--out FILE]")
	}
	match, err := regexp.Compile(c.String("match"))
	if err != nil {
		return userError(fmt.Sprintf("invalid --match %q", c.String("match")), "Give a Go regular expression, e.g. --match '^web-'. ("+err.Error()+")")
	}
	ctx, cancel := signalContext()
	defer cancel()
	u := uiFor(c, s)
	ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := ws.connect(ctx, c); err != nil {
		return err
	}
	names, err := ws.discoverProviders(c.String("provider"))
	if err != nil {
		return err
	}
	out := fragmentPath(c, ws)
	unlock, err := lockState(ctx, ws, "import", c.Duration("lock-timeout"))
	if err != nil {
		return err
	}
	defer unlock()
	st, err := ws.backend.Read(ctx)
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	found, retag, err := ws.findUnowned(ctx, st, names, match)
	if err != nil {
		return err
	}
	_, err = ws.takeOver(ctx, takeOverRun{c: c, s: s, u: u, st: st, out: out,
		none: "No servers without an owner found. Nothing to import."}, found, retag, nil)
	return err
}

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
	groups, more := discover.Plan(found, ws.declaredOutside(r.out))
	problems = append(problems, more...)
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
		fmt.Fprintf(s.Out, "Their declarations are in %s.%s\n", r.out, ws.fragmentHint(r.out))
	}
	return true, nil
}

// fragmentPath is --out, or discovered.yaml beside the fleet's state file
// (which is beside the fleet file unless the state block moves it).
func fragmentPath(c *cli.Context, ws *workspace) string {
	if out := c.String("out"); out != "" {
		return out
	}
	return filepath.Join(filepath.Dir(ws.fleet.State.Path), defaultFragment)
}

// discoverProviders are the providers to look in, sorted: all, or the one
// --provider names.
func (ws *workspace) discoverProviders(only string) ([]string, error) {
	names := ws.fleet.ProviderNames()
	if only == "" {
		return names, nil
	}
	for _, n := range names {
		if n == only {
			return []string{n}, nil
		}
	}
	return nil, userError(fmt.Sprintf("no provider %q in the fleet file", only), "Use one of: "+strings.Join(names, ", ")+".")
}

// findUnowned reads each provider's servers and volumes that carry no owner
// tag and that the state does not record, keeping the servers whose name
// matches. It also returns the state's servers and volumes the cloud still
// shows untagged (an import that ended before it tagged everything), except
// on NCP, which cannot tag them (see tagImported).
func (ws *workspace) findUnowned(ctx context.Context, st *state.State, names []string, match *regexp.Regexp) ([]discover.Found, []state.Resource, error) {
	var found []discover.Found
	var retag []state.Resource
	for _, n := range names {
		recorded := map[string]state.Resource{}
		var known []providers.Known
		for _, r := range st.Resources {
			if r.Provider == n && (r.Kind == providers.KindServer || r.Kind == providers.KindVolume) {
				recorded[string(r.Kind)+"/"+r.ID] = r
				known = append(known, providers.Known{Kind: r.Kind, ID: r.ID})
			}
		}
		inv, err := ws.providers[n].Inventory(ctx, providers.InventoryRequest{Fleet: ws.fleet.Name, Unowned: true, Known: known})
		if err != nil {
			return nil, nil, fmt.Errorf("read provider %q: %w", n, err)
		}
		f := discover.Found{Provider: n, Cloud: ws.fleet.Providers[n].Type}
		taken := map[string]bool{}
		for _, srv := range inv.Servers {
			if r, ok := recorded["server/"+srv.ID]; ok {
				if srv.Owner.Fleet == "" && f.Cloud != spec.ProviderNCloud {
					retag = append(retag, r)
				}
				continue
			}
			if srv.Owner.Fleet == "" && match.MatchString(srv.Name) {
				f.Servers = append(f.Servers, srv)
				taken[srv.ID] = true
			}
		}
		for _, v := range inv.Volumes {
			if r, ok := recorded["volume/"+v.ID]; ok {
				if v.Owner.Fleet == "" && f.Cloud != spec.ProviderNCloud {
					retag = append(retag, r)
				}
				continue
			}
			if v.Owner.Fleet == "" && taken[v.ServerID] {
				f.Volumes = append(f.Volumes, v)
			}
		}
		found = append(found, f)
	}
	return found, retag, nil
}

// declaredOutside says where the fleet declares a server key or instance,
// leaving out the fragment file itself: a re-run declares those again.
func (ws *workspace) declaredOutside(fragment string) discover.Declared {
	same := func(file string) bool { return samePath(file, fragment) }
	return func(name string) string {
		for _, g := range ws.fleet.Groups {
			if g.Name == name && !same(g.Range.Filename) {
				return g.Range.String()
			}
		}
		if srv := ws.fleet.Server(name); srv != nil && !same(srv.Range.Filename) {
			return srv.Range.String()
		}
		return ""
	}
}

// fragmentHint tells how to make the fragment part of the fleet when the
// files loaded do not include it.
func (ws *workspace) fragmentHint(fragment string) string {
	for file := range ws.sources {
		if samePath(file, fragment) {
			return ""
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
