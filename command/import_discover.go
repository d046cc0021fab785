package command

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/discover"
	"github.com/fleet-iac/fleet/providers"
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
	match, err := matchFlag(c)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	u := uiFor(c, s)
	ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), c)
	if err != nil {
		return err
	}
	defer ws.Close()
	names, err := ws.discoverProviders(c.String("provider"))
	if err != nil {
		return err
	}
	out := fragmentPath(c, ws)
	st, unlock, err := lockAndReadState(ctx, ws, "import", c.Duration("lock-timeout"))
	if err != nil {
		return err
	}
	defer unlock()
	found, retag, err := ws.findUnowned(ctx, st, names, match)
	if err != nil {
		return err
	}
	_, err = ws.takeOver(ctx, takeOverRun{c: c, s: s, u: u, st: st, out: out,
		none: "No servers without an owner found. Nothing to import."}, found, retag, nil)
	return err
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
		type cloudRef struct {
			kind addrs.Kind
			id   string
		}
		recorded := map[cloudRef]state.Resource{}
		var known []providers.Known
		for _, r := range st.Resources {
			if r.Provider == n && (r.Kind == addrs.KindServer || r.Kind == addrs.KindVolume) {
				recorded[cloudRef{r.Kind, r.ID}] = r
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
			if r, ok := recorded[cloudRef{addrs.KindServer, srv.ID}]; ok {
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
			if r, ok := recorded[cloudRef{addrs.KindVolume, v.ID}]; ok {
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
	// The plan lists them in address order, as it lists the imports.
	sort.Slice(retag, func(i, j int) bool { return retag[i].Address.Less(retag[j].Address) })
	return found, retag, nil
}
