package command

import (
	"context"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// The formats fleet output prints besides human and json.
const (
	formatAnsible   = "ansible"
	formatSSHConfig = "ssh-config"
	formatHosts     = "hosts"
)

func outputCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "output",
		Before: noArguments,
		Usage:  "list the servers with their addresses: a table, JSON, an Ansible inventory, ssh_config or /etc/hosts lines",
		Description: `Reads the state; --refresh reads the clouds instead (the state is not written).
--format ansible prints a YAML inventory (ansible-playbook -i): a group per
server group and one per provider (provider_NAME), ansible_host the public
IP where there is one and the private IP otherwise, and fleet_* host
variables. ssh-config prints Host blocks, hosts prints /etc/hosts lines,
both with that same address.`,
		Flags: []cli.Flag{fileFlag(), noColorFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print JSON for programs (--format json)"},
			&cli.StringFlag{Name: "format", Value: formatHuman, Usage: "human, json, ansible, ssh-config or hosts"},
			&cli.BoolFlag{Name: "refresh", Usage: "read the servers from the clouds, not the state"},
		},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c, formatHuman, formatJSON, formatAnsible, formatSSHConfig, formatHosts)
			if err != nil {
				return err
			}
			ctx, cancel := signalContext()
			defer cancel()
			u := uiFor(c, s)
			files := c.StringSlice("file")
			var ws *workspace
			if c.Bool("refresh") {
				ws, err = openWorkspace(ctx, s, u, files, c)
			} else {
				ws, err = openStateWorkspace(ctx, s, u, files)
			}
			if err != nil {
				return err
			}
			defer ws.Close()
			hosts, err := ws.outputHosts(ctx, c.Bool("refresh"))
			if err != nil {
				return err
			}
			switch format {
			case formatJSON:
				return jsonOut(s, outputDocument{FormatVersion: jsonFormatVersion, Fleet: ws.fleet.Name, Servers: hosts})
			case formatAnsible:
				return writeAnsibleInventory(s.Out, ws.fleet.Name, hosts)
			case formatSSHConfig:
				return writeSSHConfig(s.Out, hosts)
			case formatHosts:
				return writeHostsFile(s.Out, hosts)
			}
			return writeHostTable(s.Out, hosts)
		},
	}
}

// outputDocument is fleet output --json.
type outputDocument struct {
	FormatVersion string       `json:"format_version"`
	Fleet         string       `json:"fleet"`
	Servers       []outputHost `json:"servers"`
}

// outputHost is one server as fleet output lists it.
type outputHost struct {
	Address   string `json:"address"`
	Name      string `json:"name"` // the address without server/: the inventory's host name
	Group     string `json:"group"`
	Provider  string `json:"provider"`
	ID        string `json:"id"`
	PrivateIP string `json:"private_ip"`
	PublicIP  string `json:"public_ip"`
	Zone      string `json:"zone"`
	Type      string `json:"type"`
	Power     string `json:"power"` // running, stopped, shelved, changing, failed; missing when --refresh did not find it
}

// reach is the address to connect to: the public IP where there is one.
func (h outputHost) reach() string {
	if h.PublicIP != "" {
		return h.PublicIP
	}
	return h.PrivateIP
}

// outputHosts lists the state's servers, sorted by address; with refresh
// each one as the cloud reports it now.
func (ws *workspace) outputHosts(ctx context.Context, refresh bool) ([]outputHost, error) {
	st, err := ws.readState(ctx)
	if err != nil {
		return nil, err
	}
	var live map[string]map[string]*providers.Server // provider, id
	if refresh {
		inv, err := ws.refresh(ctx, st)
		if err != nil {
			return nil, err
		}
		live = map[string]map[string]*providers.Server{}
		for name, in := range inv {
			live[name] = map[string]*providers.Server{}
			for i := range in.Servers {
				live[name][in.Servers[i].ID] = &in.Servers[i]
			}
		}
	}
	var hosts []outputHost
	for _, r := range st.Resources {
		if r.Kind != addrs.KindServer {
			continue
		}
		srv := r.Server
		power := ""
		if refresh {
			srv = live[r.Provider][r.ID]
			if srv == nil {
				power = "missing"
			}
		}
		hosts = append(hosts, newOutputHost(ws.fleet, r, srv, power))
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].Address < hosts[j].Address })
	return hosts, nil
}

func newOutputHost(f *spec.Fleet, r state.Resource, srv *providers.Server, power string) outputHost {
	name := r.Address.Name
	h := outputHost{Address: r.Address.String(), Name: name, Group: serverGroup(f, name), Provider: r.Provider, ID: r.ID, Power: power}
	if srv != nil {
		h.PrivateIP, h.PublicIP, h.Zone, h.Type = srv.IP, srv.PublicIP, srv.Zone, srv.Type
		h.Power = serverWord(srv)
	}
	return h
}

// serverGroup is the server group an instance name belongs to: the file's
// group, else a counted group's name (NAME-N), else the name itself.
func serverGroup(f *spec.Fleet, name string) string {
	if s := f.Server(name); s != nil {
		return s.Group
	}
	if g := f.GroupOf(name); g != nil {
		return g.Name
	}
	return name
}

func writeHostTable(w io.Writer, hosts []outputHost) error {
	if len(hosts) == 0 {
		fmt.Fprintln(w, "No servers: the state records none yet.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tGROUP\tPROVIDER\tID\tPRIVATE IP\tPUBLIC IP\tZONE\tTYPE\tPOWER")
	for _, h := range hosts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Address, h.Group, h.Provider, h.ID,
			dash(h.PrivateIP), dash(h.PublicIP), dash(h.Zone), dash(h.Type), dash(h.Power))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeAnsibleInventory prints a YAML inventory: the hosts with their
// variables under their server group, listed again under their provider's
// group. A server without any IP yet is left out, with a comment.
func writeAnsibleInventory(w io.Writer, fleet string, hosts []outputHost) error {
	groups := map[string]map[string]any{}
	add := func(group, host string, vars any) {
		if groups[group] == nil {
			groups[group] = map[string]any{}
		}
		groups[group][host] = vars
	}
	var skipped []string
	for _, h := range hosts {
		if h.reach() == "" {
			skipped = append(skipped, h.Address)
			continue
		}
		add(h.Group, h.Name, map[string]string{
			"ansible_host":     h.reach(),
			"fleet_address":    h.Address,
			"fleet_fleet":      fleet,
			"fleet_group":      h.Group,
			"fleet_provider":   h.Provider,
			"fleet_id":         h.ID,
			"fleet_private_ip": h.PrivateIP,
			"fleet_public_ip":  h.PublicIP,
			"fleet_zone":       h.Zone,
			"fleet_type":       h.Type,
			"fleet_power":      h.Power,
		})
		add("provider_"+h.Provider, h.Name, map[string]string{})
	}
	children := map[string]any{}
	for g, hs := range groups {
		children[g] = map[string]any{"hosts": hs}
	}
	doc := map[string]any{"all": map[string]any{"children": children}}
	if len(children) == 0 {
		doc = map[string]any{"all": map[string]any{"hosts": map[string]any{}}}
	}
	fmt.Fprintf(w, "# fleet %s: ansible-playbook -i this_file\n", fleet)
	for _, a := range skipped {
		fmt.Fprintf(w, "# %s has no IP address yet and is left out\n", a)
	}
	enc := yaml.NewEncoder(w) // maps are written with sorted keys
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// writeSSHConfig prints one Host block per server with an address.
func writeSSHConfig(w io.Writer, hosts []outputHost) error {
	for i, h := range hosts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if h.reach() == "" {
			fmt.Fprintf(w, "# %s has no IP address yet\n", h.Address)
			continue
		}
		fmt.Fprintf(w, "# %s (%s %s)\nHost %s\n  HostName %s\n", h.Address, h.Provider, h.ID, h.Name, h.reach())
	}
	return nil
}

// writeHostsFile prints /etc/hosts lines: the address, then the name.
func writeHostsFile(w io.Writer, hosts []outputHost) error {
	for _, h := range hosts {
		if h.reach() == "" {
			fmt.Fprintf(w, "# %s has no IP address yet\n", h.Address)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\n", h.reach(), h.Name)
	}
	return nil
}

// writeChangedServers ends an apply with the servers it created or
// changed and their addresses, as the state now records them, so that
// nobody needs fleet output right after an apply.
func (ws *workspace) writeChangedServers(ctx context.Context, plan *planner.Plan) {
	touched := map[string]bool{}
	for _, a := range plan.Actions {
		if a.Kind != addrs.KindServer || a.Type == planner.Delete || a.Type == planner.Wait || a.Type == planner.MakeImg {
			continue
		}
		addr := a.Address
		if to := a.NewAddress(); !to.IsZero() {
			addr = to
		}
		touched[addr.String()] = true
		for _, m := range a.BatchMembers() { // a batch create
			touched[m.Address.String()] = true
		}
	}
	if len(touched) == 0 {
		return
	}
	hosts, err := ws.outputHosts(ctx, false)
	if err != nil {
		return // the apply itself is done and saved; this is only a summary
	}
	var rows []outputHost
	for _, h := range hosts {
		if touched[h.Address] {
			rows = append(rows, h)
		}
	}
	if len(rows) == 0 {
		return
	}
	w := ws.io.Out
	fmt.Fprintln(w, "\nServers created or changed (all of them: fleet output):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ADDRESS\tID\tPRIVATE IP\tPUBLIC IP\tPOWER")
	for _, h := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", h.Address, h.ID, dash(h.PrivateIP), dash(h.PublicIP), dash(h.Power))
	}
	tw.Flush()
}
