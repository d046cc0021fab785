package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// cloudResource is a server or an additional volume as a simulator stores
// it: read from its data file, not through fleet's clients, so a resource
// fleet created without its tag still shows up.
type cloudResource struct {
	cloud  string
	kind   addrs.Kind
	id     string
	name   string
	fleet  string // owner tag; "" when untagged
	addr   string
	status string
}

func (r cloudResource) String() string {
	return fmt.Sprintf("%s %s %s %q (%s, tag %q %q)", r.cloud, r.kind, r.id, r.name, r.status, r.fleet, r.addr)
}

// ncpData and nhnData are the parts of the simulators' data files the
// checks need.
type ncpData struct {
	Servers map[string]struct {
		No, Name, Description, Status string
	} `json:"servers"`
	Volumes map[string]struct {
		No, Name, Description, Type, Status string
	} `json:"volumes"`
}

type nhnData struct {
	Servers []struct {
		ID       string            `json:"id"`
		Name     string            `json:"name"`
		VMState  string            `json:"vm_state"`
		Metadata map[string]string `json:"metadata"`
	} `json:"servers"`
	Volumes []struct {
		ID       string            `json:"id"`
		Name     string            `json:"name"`
		Status   string            `json:"status"`
		Bootable bool              `json:"bootable"`
		Metadata map[string]string `json:"metadata"`
	} `json:"volumes"`
}

// cloud lists every server and every additional volume both simulators
// hold, sorted. Boot disks (NCP BASIC, NHN bootable) are left out: they live
// and die with their server.
func (w *world) cloud() []cloudResource {
	w.t.Helper()
	if err := w.sim.NCP.Flush(); err != nil {
		w.t.Fatal(err)
	}
	if err := w.sim.NHN.Flush(); err != nil {
		w.t.Fatal(err)
	}
	var ncp ncpData
	var nhn nhnData
	w.readJSON(filepath.Join(w.simDir, "ncloud", "ncloud.json"), &ncp)
	w.readJSON(filepath.Join(w.simDir, "nhncloud", "nhn.json"), &nhn)
	var out []cloudResource
	for _, s := range ncp.Servers {
		f, a := ncpTag(s.Description)
		out = append(out, cloudResource{"ncloud", addrs.KindServer, s.No, s.Name, f, tagAddress(a, s.Name, false), s.Status})
	}
	for _, v := range ncp.Volumes {
		if v.Type == "BASIC" {
			continue
		}
		f, a := ncpTag(v.Description)
		out = append(out, cloudResource{"ncloud", addrs.KindVolume, v.No, v.Name, f, a, v.Status})
	}
	for _, s := range nhn.Servers {
		out = append(out, cloudResource{"nhncloud", addrs.KindServer, s.ID, s.Name, s.Metadata["fleet"], tagAddress(s.Metadata["fleet-address"], s.Name, true), s.VMState})
	}
	for _, v := range nhn.Volumes {
		if v.Bootable {
			continue
		}
		out = append(out, cloudResource{"nhncloud", addrs.KindVolume, v.ID, v.Name, v.Metadata["fleet"], v.Metadata["fleet-address"], v.Status})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].kind != out[j].kind {
			return out[i].kind < out[j].kind
		}
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].id < out[j].id
	})
	return out
}

// tagAddress is the address a server's tag gives it (a batch's group tag
// names the member by the server's name).
func tagAddress(tag, name string, rawFrom1 bool) string {
	addr, _ := providers.TagAddress(tag, name, rawFrom1)
	return addr
}

// ncpTag reads fleet's tag at the end of an NCP description:
// "fleet:<fleet> <address>".
func ncpTag(desc string) (fleet, addr string) {
	i := strings.LastIndex(desc, "fleet:")
	if i < 0 {
		return "", ""
	}
	f := strings.Fields(desc[i+len("fleet:"):])
	if len(f) != 2 {
		return "", ""
	}
	return f[0], f[1]
}

// readJSON reads a simulator's data file; a simulator that has not stored
// anything yet has none.
func (w *world) readJSON(path string, v any) {
	w.t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		w.t.Fatalf("read simulator data: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		w.t.Fatalf("parse %s: %v", path, err)
	}
}

// readState parses fleet.lock.
// records reports whether the state file, as written so far, records
// every one of addrs; a state not written yet records nothing.
func (w *world) records(want ...addrs.Address) bool {
	b, err := os.ReadFile(filepath.Join(w.dir, "fleet.lock"))
	if err != nil {
		return false
	}
	var st state.State
	if json.Unmarshal(b, &st) != nil {
		return false
	}
	for _, a := range want {
		if st.Lookup(a) == nil {
			return false
		}
	}
	return true
}

func (w *world) readState() *state.State {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "fleet.lock"))
	if err != nil {
		w.t.Fatalf("read state: %v", err)
	}
	var st state.State
	if err := json.Unmarshal(b, &st); err != nil {
		w.t.Fatalf("state does not parse: %v\n%s", err, tail(string(b)))
	}
	return &st
}

// assertConsistent checks the invariants of a converged fleet: the state
// parses with a serial, no intent is left open, no server or volume name
// exists twice in the cloud, every cloud resource is tracked by the state
// under the address its tag names, every tracked resource exists, and the
// cloud holds exactly the servers and volumes the fleet file declares.
func (w *world) assertConsistent(wantServers, wantVolumes int) {
	w.t.Helper()
	st := w.readState()
	if st.Serial == 0 || st.Lineage == "" {
		w.t.Errorf("state serial %d, lineage %q: want both set", st.Serial, st.Lineage)
	}
	if st.Fleet != fleetName {
		w.t.Errorf("state fleet %q, want %q", st.Fleet, fleetName)
	}
	for _, in := range st.Intents {
		w.t.Errorf("state keeps an open intent after a successful apply: %+v", in)
	}
	tracked := map[string]state.Resource{} // kind/id → resource
	for _, r := range st.Resources {
		tracked[string(r.Kind)+"/"+r.ID] = r
	}
	cloud := w.cloud()
	names := map[string][]cloudResource{}
	count := map[addrs.Kind]int{}
	inCloud := map[string]bool{}
	for _, c := range cloud {
		count[c.kind]++
		key := string(c.kind) + "/" + c.id
		inCloud[key] = true
		names[string(c.kind)+" "+c.name] = append(names[string(c.kind)+" "+c.name], c)
		r, ok := tracked[key]
		switch {
		case !ok:
			w.t.Errorf("untracked: %s is in the cloud but not in the state", c)
		case c.fleet != fleetName || c.addr != r.Address.String():
			w.t.Errorf("mistagged: %s is tracked as %s", c, r.Address)
		}
	}
	for n, cs := range names {
		if len(cs) > 1 {
			w.t.Errorf("duplicate %s: %v", n, cs)
		}
	}
	for _, r := range st.Resources {
		if (r.Kind == addrs.KindServer || r.Kind == addrs.KindVolume) && !inCloud[string(r.Kind)+"/"+r.ID] {
			w.t.Errorf("state tracks %s (id %s), which is not in the cloud", r.Address, r.ID)
		}
	}
	if count[addrs.KindServer] != wantServers || count[addrs.KindVolume] != wantVolumes {
		w.t.Errorf("cloud holds %d servers and %d volumes, want %d and %d",
			count[addrs.KindServer], count[addrs.KindVolume], wantServers, wantVolumes)
	}
	w.t.Logf("consistent: %d servers, %d volumes, state serial %d", count[addrs.KindServer], count[addrs.KindVolume], st.Serial)
}
