package e2e

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// cloudIPs is each server's private and public IP as the simulators store
// them, by cloud id: read from their data files, not through fleet.
func (w *world) cloudIPs() map[string][2]string {
	w.t.Helper()
	if err := w.sim.NCP.Flush(); err != nil {
		w.t.Fatal(err)
	}
	if err := w.sim.NHN.Flush(); err != nil {
		w.t.Fatal(err)
	}
	var ncp struct {
		Servers map[string]struct {
			No       string `json:"no"`
			PublicIP string `json:"public_ip"`
			NICs     []struct {
				Order int    `json:"order"`
				IP    string `json:"ip"`
			} `json:"nics"`
		} `json:"servers"`
	}
	var nhn struct {
		Servers []struct {
			ID   string `json:"id"`
			NICs []struct {
				Addr string `json:"addr"`
			} `json:"nics"`
		} `json:"servers"`
	}
	w.readJSON(filepath.Join(w.simDir, "ncloud", "ncloud.json"), &ncp)
	w.readJSON(filepath.Join(w.simDir, "nhncloud", "nhn.json"), &nhn)
	out := map[string][2]string{}
	for id, s := range ncp.Servers {
		ip := ""
		for _, n := range s.NICs {
			if n.Order == 0 {
				ip = n.IP
			}
		}
		out[id] = [2]string{ip, s.PublicIP}
	}
	for _, s := range nhn.Servers {
		if len(s.NICs) > 0 {
			out[s.ID] = [2]string{s.NICs[0].Addr, ""}
		}
	}
	return out
}

// TestOutputFormats applies servers on both clouds, some with public IPs,
// and reads every format of fleet output back: JSON, the Ansible inventory
// through a YAML parser, ssh_config Host blocks and /etc/hosts lines. Each
// address must be the one the simulator holds for that server.
func TestOutputFormats(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 200 * time.Millisecond})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 2, publicIP: true},
		group{name: "app", cloud: "ncp", count: 1},
		group{name: "db", cloud: "nhn", count: 2})
	r := w.run(3*time.Minute, "apply", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	if !strings.Contains(r.stdout, "Servers created or changed") {
		t.Errorf("apply does not end with the servers it created:\n%s", r.stdout)
	}
	cloud := w.cloudIPs()

	var doc struct {
		FormatVersion string `json:"format_version"`
		Servers       []struct {
			Address, Name, Group, Provider, ID string
			PrivateIP                          string `json:"private_ip"`
			PublicIP                           string `json:"public_ip"`
			Power                              string
		} `json:"servers"`
	}
	for _, args := range [][]string{{"output", "--json"}, {"output", "--json", "--refresh"}} {
		r = w.run(time.Minute, args...)
		if r.code != 0 {
			t.Fatalf("%v: %s", args, r)
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%v does not parse: %v\n%s", args, err, r.stdout)
		}
		if doc.FormatVersion != "1" || len(doc.Servers) != 5 {
			t.Fatalf("%v: format_version %q, %d servers, want \"1\" and 5", args, doc.FormatVersion, len(doc.Servers))
		}
	}
	// reach is the address each inventory format must give a server.
	reach := map[string]string{}
	for _, s := range doc.Servers {
		ips, ok := cloud[s.ID]
		if !ok {
			t.Fatalf("%s: id %s is not in the simulator", s.Address, s.ID)
		}
		if s.PrivateIP != ips[0] || s.PublicIP != ips[1] || s.PrivateIP == "" {
			t.Errorf("%s: private %q public %q, the cloud has %q %q", s.Address, s.PrivateIP, s.PublicIP, ips[0], ips[1])
		}
		if strings.HasPrefix(s.Name, "web-") != (s.PublicIP != "") {
			t.Errorf("%s: public IP %q, want one exactly for the web group", s.Address, s.PublicIP)
		}
		if s.Power != "running" || s.Group != strings.TrimRight(s.Name, "-0123456789") {
			t.Errorf("%s: power %q group %q", s.Address, s.Power, s.Group)
		}
		reach[s.Name] = s.PrivateIP
		if s.PublicIP != "" {
			reach[s.Name] = s.PublicIP
		}
	}

	r = w.run(time.Minute, "output", "--format", "ansible")
	if r.code != 0 {
		t.Fatalf("output --format ansible: %s", r)
	}
	var inv struct {
		All struct {
			Children map[string]struct {
				Hosts map[string]map[string]string `yaml:"hosts"`
			} `yaml:"children"`
		} `yaml:"all"`
	}
	if err := yaml.Unmarshal([]byte(r.stdout), &inv); err != nil {
		t.Fatalf("the Ansible inventory is not YAML: %v\n%s", err, r.stdout)
	}
	members := map[string]int{"web": 2, "app": 1, "db": 2, "provider_ncp": 3, "provider_nhn": 2}
	for g, n := range members {
		if got := len(inv.All.Children[g].Hosts); got != n {
			t.Errorf("inventory group %s has %d hosts, want %d", g, got, n)
		}
	}
	for _, g := range []string{"web", "app", "db"} {
		for host, vars := range inv.All.Children[g].Hosts {
			if vars["ansible_host"] != reach[host] || vars["fleet_group"] != g || vars["fleet_address"] != "server/"+host {
				t.Errorf("inventory host %s: %v, want ansible_host %s", host, vars, reach[host])
			}
		}
	}

	r = w.run(time.Minute, "output", "--format", "ssh-config")
	if r.code != 0 {
		t.Fatalf("output --format ssh-config: %s", r)
	}
	got := map[string]string{}
	host := ""
	for sc := bufio.NewScanner(strings.NewReader(r.stdout)); sc.Scan(); {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Host":
			host = f[1]
		case len(f) == 2 && f[0] == "HostName":
			got[host] = f[1]
		}
	}
	assertReach(t, "ssh-config", got, reach)

	r = w.run(time.Minute, "output", "--format", "hosts")
	if r.code != 0 {
		t.Fatalf("output --format hosts: %s", r)
	}
	got = map[string]string{}
	for sc := bufio.NewScanner(strings.NewReader(r.stdout)); sc.Scan(); {
		if f := strings.Fields(sc.Text()); len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			got[f[1]] = f[0]
		}
	}
	assertReach(t, "hosts", got, reach)
}

func assertReach(t *testing.T, format string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s lists %d hosts %v, want %d", format, len(got), got, len(want))
	}
	for name, ip := range want {
		if got[name] != ip {
			t.Errorf("%s: %s is %q, want %q", format, name, got[name], ip)
		}
	}
}
