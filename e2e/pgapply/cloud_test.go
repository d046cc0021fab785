package pgapply

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// server is an NCP server as the simulator stores it, read from its data
// file rather than through fleet's client, so a server fleet lost track of
// still shows.
type server struct {
	No, Name, Description, Status string
}

// servers lists the simulated NCP servers, sorted by name then number.
func (w *world) servers() []server {
	w.t.Helper()
	if err := w.sim.NCP.Flush(); err != nil {
		w.t.Fatal(err)
	}
	var data struct {
		Servers map[string]server `json:"servers"`
	}
	b, err := os.ReadFile(filepath.Join(w.simDir, "ncloud", "ncloud.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		w.t.Fatalf("read simulator data: %v", err)
	}
	if err := json.Unmarshal(b, &data); err != nil {
		w.t.Fatalf("parse simulator data: %v", err)
	}
	out := make([]server, 0, len(data.Servers))
	for _, s := range data.Servers {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].No < out[j].No
	})
	return out
}

// assertConverged checks the end of a run of runs: the stored state has a
// lineage and exactly want servers; the simulator holds exactly those
// servers, each once, each tagged with the fleet. An intent may be left
// open only for a server the state tracks (see assertNoIntents).
func (w *world) assertConverged(want int) {
	w.t.Helper()
	st := w.stored()
	if st.Lineage == "" || st.Serial == 0 {
		w.t.Errorf("stored state has lineage %q serial %d: want both set", st.Lineage, st.Serial)
	}
	tracked := map[string]string{} // id → address
	for _, r := range st.Resources {
		if r.Kind == addrs.KindServer {
			tracked[r.ID] = r.Address.String()
		}
	}
	for _, in := range st.Intents {
		if st.Lookup(in.Address) == nil {
			w.t.Errorf("stored state keeps an open intent for an untracked address: %+v", in)
		}
	}
	names := map[string]int{}
	for _, s := range w.servers() {
		names[s.Name]++
		addr, ok := tracked[s.No]
		switch {
		case !ok:
			w.t.Errorf("server %s (%s, %s) is in the cloud but not in the state", s.Name, s.No, s.Status)
		case taggedAddress(w.fleet, s.Description, s.Name) != addr:
			w.t.Errorf("server %s (%s) is tracked as %s but tagged %q", s.Name, s.No, addr, s.Description)
		}
		delete(tracked, s.No)
	}
	for name, n := range names {
		if n > 1 {
			w.t.Errorf("duplicate server: %d named %s", n, name)
		}
	}
	for id, addr := range tracked {
		w.t.Errorf("the state tracks %s (id %s), which is not in the cloud", addr, id)
	}
	if len(names) != want {
		w.t.Errorf("cloud holds %d distinct servers, want %d", len(names), want)
	}
}

// assertNoIntents wants every intent closed, which an apply that executed
// actions and all succeeded guarantees. An apply whose plan is empty
// returns before the executor and leaves earlier runs' intents open
// (command/apply.go, see the report), so the tests call this after an apply
// that changed something.
func (w *world) assertNoIntents() {
	w.t.Helper()
	for _, in := range w.stored().Intents {
		w.t.Errorf("stored state keeps an open intent after a successful apply: %+v", in)
	}
}

// taggedAddress is the address fleet's tag at the end of an NCP description
// gives a server named name: a batch's group tag names the member by the
// server's name (providers.MemberAddress).
func taggedAddress(fleet, desc, name string) string {
	prefix := "fleet:" + fleet + " "
	i := strings.LastIndex(desc, prefix)
	if i < 0 {
		return ""
	}
	addr, _ := providers.TagAddress(strings.TrimSpace(desc[i+len(prefix):]), name, false)
	return addr
}
