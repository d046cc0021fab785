package command

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/discover"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/regularfile"
	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/tfstate"
)

// importTFState is fleet import --from-tfstate: the servers a Terraform or
// OpenTofu state manages (with their volumes, keys and NCP public IPs) are
// read again from the cloud, declared and recorded the way --discover does,
// and the commands that make Terraform forget them are printed.
func importTFState(c *cli.Context, s *Streams, file string) error {
	if c.Args().Len() != 0 {
		return userError("import --from-tfstate takes no arguments", "Usage: fleet import --from-tfstate terraform.tfstate [--provider NAME] [--match REGEX] [--out FILE]")
	}
	match, err := matchFlag(c)
	if err != nil {
		return err
	}
	data, err := regularfile.ReadFile(file) // a named pipe would hang os.ReadFile
	if err != nil {
		return userError(fmt.Sprintf("cannot read %s", file), err.Error())
	}
	tf, err := tfstate.Parse(file, data)
	if err != nil {
		var ve *tfstate.VersionError
		if errors.As(err, &ve) {
			return userError(ve.Error(), ve.Fix())
		}
		return userError(err.Error(), "Pass the state file Terraform or OpenTofu writes (terraform.tfstate, or \"terraform state pull\" for a remote state).")
	}
	m := tfstate.Map(tf)
	ctx, cancel := signalContext()
	defer cancel()
	u := uiFor(c, s)
	ws, err := openWorkspace(ctx, s, u, c.StringSlice("file"), c)
	if err != nil {
		return err
	}
	defer ws.Close()
	out := fragmentPath(c, ws)
	st, unlock, err := lockAndReadState(ctx, ws, "import", c.Duration("lock-timeout"))
	if err != nil {
		return err
	}
	defer unlock()
	found, handed, problems, err := ws.resolveTFState(ctx, st, &m, c.String("provider"), match)
	if err != nil {
		return err
	}
	for _, un := range m.Unmapped {
		fmt.Fprintf(s.Out, "Not taken: %s: %s\n", un.Addr, un.Reason)
	}
	if len(m.Unmapped) > 0 {
		fmt.Fprintln(s.Out)
	}
	done, err := ws.takeOver(ctx, takeOverRun{c: c, s: s, u: u, st: st, out: out,
		none: "Nothing to import: every server in this Terraform state is in fleet's state already or not taken."}, found, nil, problems)
	if err != nil || !done {
		return err
	}
	if cmds := tfstate.RemoveCommands(handed); len(cmds) > 0 {
		fmt.Fprintln(s.Out, "\nfleet now manages them. Make Terraform forget them, so that neither tool changes what the other manages:")
		for _, cmd := range cmds {
			fmt.Fprintln(s.Out, "  "+cmd)
		}
	}
	return nil
}

// resolveTFState checks each mapped instance against the cloud as it is
// now: the servers to take (with their volumes), the Terraform addresses
// handed over, and the problems that stop the import. Instances --match
// leaves out (by server name or Terraform address) are not taken.
func (ws *workspace) resolveTFState(ctx context.Context, st *state.State, m *tfstate.Mapping, only string, match *regexp.Regexp) (found []discover.Found, handed []string, problems []discover.Problem, err error) {
	recorded := map[string]bool{}
	for _, r := range st.Resources {
		recorded[r.Provider+"/"+string(r.Kind)+"/"+r.ID] = true
	}
	taken := map[string]bool{} // server ids taken or already recorded
	keys := map[string]bool{}  // cloud/name of the keypairs they use
	for _, cloud := range []string{tfstate.NCloud, tfstate.NHNCloud} {
		var servers, vols []tfstate.Ref
		for _, r := range m.Servers {
			if r.Cloud == cloud {
				servers = append(servers, r)
			}
		}
		for _, r := range m.Volumes {
			if r.Cloud == cloud {
				vols = append(vols, r)
			}
		}
		if len(servers) == 0 && len(vols) == 0 {
			continue
		}
		name, perr := ws.providerOfType(cloud, only)
		if perr != nil {
			for _, r := range append(servers, vols...) {
				m.Drop(r.Addr, perr.Error())
			}
			continue
		}
		var known []providers.Known
		for _, r := range servers {
			known = append(known, providers.Known{Kind: addrs.KindServer, ID: r.ID})
		}
		for _, r := range vols {
			known = append(known, providers.Known{Kind: addrs.KindVolume, ID: r.ID})
		}
		// Unowned reads servers as discovery does (NHN adds their subnets);
		// only the ids the state names are taken.
		inv, err := ws.providers[name].Inventory(ctx, providers.InventoryRequest{Fleet: ws.fleet.Name, Known: known, Unowned: true})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read provider %q: %w", name, err)
		}
		f := discover.Found{Provider: name, Cloud: cloud}
		for _, r := range servers {
			srv := find(inv.Servers, func(s providers.Server) bool { return s.ID == r.ID })
			switch {
			case srv != nil && !match.MatchString(srv.Name) && !match.MatchString(r.Addr):
				m.Drop(r.Addr, "left out by --match")
			case srv == nil && !match.MatchString(r.Addr):
				m.Drop(r.Addr, "left out by --match")
			case srv == nil:
				problems = append(problems, discover.Problem{Subject: r.Addr,
					Summary: fmt.Sprintf("server %s no longer exists in provider %q", r.ID, name),
					Fix:     "Refresh the Terraform state (terraform apply -refresh-only) or remove it (terraform state rm '" + r.Addr + "'), or leave it out with --match, then run again."})
			case srv.Owner.Fleet != "" && srv.Owner.Fleet != ws.fleet.Name:
				problems = append(problems, discover.Problem{Subject: r.Addr,
					Summary: fmt.Sprintf("server %s (%s) belongs to fleet %q", r.ID, srv.Name, srv.Owner.Fleet),
					Fix:     "fleet never takes over what another fleet owns: remove it from that fleet first, or leave it out with --match."})
			case recorded[name+"/server/"+r.ID]:
				taken[r.ID], keys[cloud+"/"+srv.Key] = true, true // imported by an earlier run
				handed = append(handed, r.Addr)
			default:
				f.Servers = append(f.Servers, *srv)
				taken[r.ID], keys[cloud+"/"+srv.Key] = true, true
				handed = append(handed, r.Addr)
			}
		}
		for _, r := range vols {
			v := find(inv.Volumes, func(v providers.Volume) bool { return v.ID == r.ID })
			switch {
			case v == nil && !taken[r.ServerID]:
				m.Drop(r.Addr, "its server is not taken over")
			case v == nil:
				problems = append(problems, discover.Problem{Subject: r.Addr,
					Summary: fmt.Sprintf("volume %s no longer exists in provider %q", r.ID, name),
					Fix:     "Refresh the Terraform state (terraform apply -refresh-only) or remove it (terraform state rm '" + r.Addr + "'), then run again."})
			case !taken[v.ServerID]:
				m.Drop(r.Addr, "attached to no server fleet takes over: fleet declares a volume only with its server")
			case recorded[name+"/volume/"+r.ID]:
				handed = append(handed, r.Addr)
			default:
				f.Volumes = append(f.Volumes, *v)
				handed = append(handed, r.Addr)
			}
		}
		found = append(found, f)
	}
	handed = append(handed, m.Belonging(taken, keys)...)
	return found, handed, problems, nil
}

// providerOfType is the one provider of a cloud type the fleet declares,
// or the one --provider names.
func (ws *workspace) providerOfType(cloud, only string) (string, error) {
	var names []string
	for _, n := range ws.fleet.ProviderNames() {
		if ws.fleet.Providers[n].Type == cloud && (only == "" || n == only) {
			names = append(names, n)
		}
	}
	switch {
	case len(names) == 1:
		return names[0], nil
	case len(names) == 0 && only != "":
		return "", fmt.Errorf("provider %q is not of type %s", only, cloud)
	case len(names) == 0:
		return "", fmt.Errorf("the fleet file declares no %s provider: declare one under providers", cloud)
	}
	return "", fmt.Errorf("the fleet file declares several %s providers (%v): choose one with --provider", cloud, names)
}
