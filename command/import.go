package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

func importCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "adopt an existing server, volume, image or keypair into the state",
		ArgsUsage: "ADDR CLOUD_ID | --discover | --from-tfstate FILE",
		Flags:     append([]cli.Flag{fileFlag(), lockTimeoutFlag(), noColorFlag()}, discoverFlags()...),
		Action: func(c *cli.Context) error {
			switch {
			case c.Bool("discover") && c.String("from-tfstate") != "":
				return userError("--discover and --from-tfstate do not go together", "Take over a Terraform state first, then discover what else runs.")
			case c.Bool("discover"):
				return importDiscover(c, s)
			case c.String("from-tfstate") != "":
				return importTFState(c, s, c.String("from-tfstate"))
			}
			if c.Args().Len() != 2 {
				return userError("import needs an address and a cloud id", "Usage: fleet import ADDR CLOUD_ID, e.g. fleet import server/web-1 1003")
			}
			addr, id := c.Args().Get(0), c.Args().Get(1)
			ctx, cancel := signalContext()
			defer cancel()
			ws, err := openWorkspace(ctx, s, uiFor(c, s), c.StringSlice("file"), c)
			if err != nil {
				return err
			}
			defer ws.Close()
			at, provName, err := ws.addressProvider(addr)
			if err != nil {
				return err
			}
			st, unlock, err := lockAndReadState(ctx, ws, "import", c.Duration("lock-timeout"))
			if err != nil {
				return err
			}
			defer unlock()
			// The same import again finishes one that stopped before it
			// tagged: the state has it already, the cloud maybe not the tag.
			again := false
			kind := at.Kind
			if r := st.Lookup(at); r != nil && r.ID == id {
				again = true
			} else if r != nil {
				return userError(fmt.Sprintf("%s is already in the state (id %s)", addr, r.ID),
					"Remove it first with \"fleet state rm "+fileFlags(c.StringSlice("file"))+addr+"\" if you mean to point it at another resource.")
			}
			inv, err := ws.providers[provName].Inventory(ctx, providers.InventoryRequest{
				Fleet: ws.fleet.Name, Known: []providers.Known{{Kind: kind, ID: id}},
			})
			if err != nil {
				return fmt.Errorf("read provider %q: %w", provName, err)
			}
			res, ok := findResource(inv, kind, id)
			if !ok {
				return userError(fmt.Sprintf("no %s with id %s in provider %q", kind, id, provName),
					"Check the id in the cloud console or API; fleet import takes the cloud's own id.")
			}
			if o := ownerOf(res); o.Fleet != "" && o.Fleet != ws.fleet.Name {
				return userError(fmt.Sprintf("%s %s belongs to fleet %q", kind, id, o.Fleet),
					"fleet never takes over what another fleet owns. Remove it from that fleet's state (fleet state rm there) and its owner tag first, or import another id.")
			}
			res.Address, res.Provider = at, provName
			if !again {
				st.Fleet = ws.fleet.Name
				st.Put(res)
				if err := ws.backend.Write(ctx, st); err != nil {
					return fmt.Errorf("write state: %w", err)
				}
			}
			// Recorded first, tagged after: a run that dies in between
			// leaves it in the state, and the same import again tags it.
			tagged, notes, err := ws.tagImported(ctx, []state.Resource{res})
			for _, n := range notes {
				fmt.Fprintln(s.Out, n)
			}
			if err != nil {
				return err
			}
			if again {
				fmt.Fprintf(s.Out, "%s (id %s) is in the state already; %d owner tag(s) put on now.\n", addr, id, tagged)
				return nil
			}
			fmt.Fprintf(s.Out, "Imported %s (id %s). Run \"fleet plan%s\" to see how it differs from the fleet file.\n", addr, id, fileSuffix(c.StringSlice("file")))
			return nil
		},
	}
}

// addressProvider reads an address the fleet file declares and finds its provider.
func (ws *workspace) addressProvider(addr string) (addrs.Address, string, error) {
	a, err := addrs.Parse(addr)
	if err != nil {
		return addrs.Address{}, "", userError(fmt.Sprintf("invalid address %q", addr), err.Error())
	}
	notDeclared := func() error {
		return userError(fmt.Sprintf("%s is not declared in the fleet file", addr),
			"Declare it first, so fleet knows which provider it belongs to and what it should look like.")
	}
	switch a.Kind {
	case addrs.KindServer:
		if srv := ws.fleet.Server(a.Name); srv != nil {
			return a, srv.Provider, nil
		}
	case addrs.KindVolume:
		if srv := ws.fleet.Server(a.Server); srv != nil {
			for _, v := range srv.Volumes {
				if v.Name == a.Name {
					return a, srv.Provider, nil
				}
			}
		}
	case addrs.KindKeypair:
		for _, k := range ws.fleet.Keypairs {
			if k.Name == a.Name {
				return a, k.Provider, nil
			}
		}
	case addrs.KindImage:
		for _, im := range ws.fleet.Images {
			if im.Name == a.Name {
				if srv := ws.fleet.Server(im.From); srv != nil {
					return a, srv.Provider, nil
				}
			}
		}
	}
	return addrs.Address{}, "", notDeclared()
}

func findResource(inv providers.InventoryResponse, kind addrs.Kind, id string) (state.Resource, bool) {
	r := state.Resource{Kind: kind, ID: id}
	switch kind {
	case addrs.KindServer:
		r.Server = find(inv.Servers, func(s providers.Server) bool { return s.ID == id })
	case addrs.KindVolume:
		r.Volume = find(inv.Volumes, func(v providers.Volume) bool { return v.ID == id })
	case addrs.KindImage:
		r.Image = find(inv.Images, func(im providers.Image) bool { return im.ID == id })
	case addrs.KindKeypair:
		r.Keypair = find(inv.Keypairs, func(k providers.Keypair) bool { return k.Name == id }) // keypairs are named, not numbered
	}
	return r, r.Server != nil || r.Volume != nil || r.Image != nil || r.Keypair != nil
}

// ownerOf is the owner tag a found resource carries.
func ownerOf(r state.Resource) providers.Owner {
	switch {
	case r.Server != nil:
		return r.Server.Owner
	case r.Volume != nil:
		return r.Volume.Owner
	case r.Image != nil:
		return r.Image.Owner
	}
	return providers.Owner{}
}

// find returns the first element of list that matches, or nil.
func find[T any](list []T, match func(T) bool) *T {
	for i := range list {
		if match(list[i]) {
			return &list[i]
		}
	}
	return nil
}
