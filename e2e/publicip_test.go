package e2e

import (
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// publicAddress is one public address as a simulator stores it: an NCP
// public IP instance or an NHN floating IP, read from the data files.
type publicAddress struct {
	cloud, id, ip, server, description string
}

// publicAddresses lists every public address both simulators hold.
func (w *world) publicAddresses() []publicAddress {
	w.t.Helper()
	if err := w.sim.NCP.Flush(); err != nil {
		w.t.Fatal(err)
	}
	if err := w.sim.NHN.Flush(); err != nil {
		w.t.Fatal(err)
	}
	var ncp struct {
		PublicIPs map[string]struct {
			No, IP, Description, Server string
		} `json:"public_ips"`
	}
	var nhn struct {
		FloatingIPs []struct {
			ID          string `json:"id"`
			Address     string `json:"address"`
			ServerID    string `json:"server_id"`
			Description string `json:"description"`
		} `json:"floating_ips"`
	}
	w.readJSON(filepath.Join(w.simDir, "ncloud", "ncloud.json"), &ncp)
	w.readJSON(filepath.Join(w.simDir, "nhncloud", "nhn.json"), &nhn)
	var out []publicAddress
	for _, p := range ncp.PublicIPs {
		out = append(out, publicAddress{"ncloud", p.No, p.IP, p.Server, p.Description})
	}
	for _, f := range nhn.FloatingIPs {
		out = append(out, publicAddress{"nhncloud", f.ID, f.Address, f.ServerID, f.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].cloud+out[i].id < out[j].cloud+out[j].id })
	return out
}

// serverIDs maps the state's server addresses to their cloud ids.
func (w *world) serverIDs() map[string]string {
	w.t.Helper()
	out := map[string]string{}
	for _, r := range w.readState().Resources {
		if r.Server != nil {
			out[r.Address.String()] = r.ID
		}
	}
	return out
}

// assertAssociated checks that each server of ids holds exactly one public
// address, the one the state records, and that no other address exists.
func (w *world) assertAssociated(ids map[string]string) {
	w.t.Helper()
	public := w.publicAddresses()
	if len(public) != len(ids) {
		w.t.Fatalf("%d public addresses, want %d: %+v", len(public), len(ids), public)
	}
	st := w.readState()
	for addr, id := range ids {
		found := false
		for _, a := range public {
			if a.server == id {
				found = true
				if r := st.Lookup(addrs.MustParse(addr)); r == nil || r.Server == nil || r.Server.PublicIP != a.ip {
					w.t.Errorf("%s: the cloud associates %s, the state records %+v", addr, a.ip, r)
				}
			}
		}
		if !found {
			w.t.Errorf("%s (%s) has no public address: %+v", addr, id, public)
		}
	}
}

// TestPublicIPInPlace turns public_ip on, off and on again on both clouds:
// every change is an in-place update that keeps the server, the cloud shows
// the association each time, and destroy releases every address.
func TestPublicIPInPlace(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	fleet := func(on bool) []group {
		return []group{{name: "web", cloud: "ncp", count: 1, publicIP: on}, {name: "db", cloud: "nhn", count: 1, publicIP: on}}
	}
	w.writeFleet(fleet(false)...)
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("first apply: %s", r)
	}
	ids := w.serverIDs()
	if len(ids) != 2 || len(w.publicAddresses()) != 0 {
		t.Fatalf("servers %v, addresses %+v", ids, w.publicAddresses())
	}
	for i, on := range []bool{true, false, true} {
		w.writeFleet(fleet(on)...)
		from, to := "false", "true"
		if !on {
			from, to = to, from
		}
		plan := w.run(time.Minute, "plan")
		for _, addr := range []string{"server/web-1", "server/db-1"} {
			want := regexp.MustCompile(`(?m)^  ~ +` + regexp.QuoteMeta(addr) + ` +update +public_ip: ` + from + ` → ` + to + `$`)
			if !want.MatchString(plan.stdout) {
				t.Fatalf("step %d: plan lacks %q:\n%s", i, want, plan.stdout)
			}
		}
		if strings.Contains(plan.stdout, "replace") {
			t.Fatalf("step %d: public_ip planned a replacement:\n%s", i, plan.stdout)
		}
		if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
			t.Fatalf("step %d: apply: %s", i, r)
		}
		if got := w.serverIDs(); got["server/web-1"] != ids["server/web-1"] || got["server/db-1"] != ids["server/db-1"] {
			t.Fatalf("step %d: servers changed: %v → %v", i, ids, got)
		}
		if on {
			w.assertAssociated(ids)
		} else if addrs := w.publicAddresses(); len(addrs) != 0 {
			t.Fatalf("step %d: addresses left after public_ip: false: %+v", i, addrs)
		}
		w.assertNoChanges()
	}
	if r := w.run(3*time.Minute, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	if addrs := w.publicAddresses(); len(addrs) != 0 {
		t.Fatalf("destroy left addresses allocated: %+v", addrs)
	}
}

// TestPublicIPKilledBetweenAllocateAndAssociate kills fleet with SIGKILL
// while both clouds have allocated an address and not yet associated it:
// the next plan shows the addresses as allocated, the next apply adopts
// them, and a destroy after another such kill releases them. No address
// ever leaks.
func TestPublicIPKilledBetweenAllocateAndAssociate(t *testing.T) {
	t.Parallel()
	fast := simcore.Behaviour{BuildTime: 300 * time.Millisecond}
	w := newWorld(t, fast)
	fleet := func(on bool) []group {
		return []group{{name: "web", cloud: "ncp", count: 1, publicIP: on}, {name: "db", cloud: "nhn", count: 1, publicIP: on}}
	}
	w.writeFleet(fleet(false)...)
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("first apply: %s", r)
	}
	ids := w.serverIDs()

	// killMidway turns public_ip on with associations hanging, and kills
	// fleet once both clouds hold an unassociated address.
	killMidway := func() {
		t.Helper()
		hang := fast
		hang.HangAssociate = true
		w.sim.SetBehaviour(hang)
		w.writeFleet(fleet(true)...)
		c := w.start("apply", "--auto-approve")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if !waitFor(ctx, func() bool { return len(w.publicAddresses()) == 2 }) {
			c.Kill()
			t.Fatalf("no address allocated on both clouds: %+v\n%s", w.publicAddresses(), c.Stdout.String())
		}
		if !c.Kill() {
			t.Fatalf("fleet ended before the kill:\n%s%s", c.Stdout.String(), c.Stderr.String())
		}
		w.sim.SetBehaviour(fast)
		for _, a := range w.publicAddresses() {
			if a.server != "" || !strings.HasPrefix(a.description, "fleet:"+fleetName+" server/") {
				t.Fatalf("after the kill: %+v, want tagged and unassociated", a)
			}
		}
	}

	killMidway()
	plan := w.run(time.Minute, "plan")
	for _, addr := range []string{"server/web-1", "server/db-1"} {
		want := regexp.MustCompile(`(?m)^  ~ +` + regexp.QuoteMeta(addr) + ` +update +public_ip: allocated → true$`)
		if !want.MatchString(plan.stdout) {
			t.Fatalf("plan after the kill lacks %q:\n%s", want, plan.stdout)
		}
	}
	// fleet unlock may be needed after a kill: apply takes the lock itself
	// when its holder is gone (lock_test.go).
	w.applyUntilDone(2, 3*time.Minute)
	w.assertAssociated(ids) // adopted: still one address per server
	w.assertNoChanges()

	w.writeFleet(fleet(false)...)
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("public_ip off: %s", r)
	}
	killMidway()
	if r := w.run(3*time.Minute, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	if addrs := w.publicAddresses(); len(addrs) != 0 {
		t.Fatalf("destroy after the kill left addresses allocated: %+v", addrs)
	}
}

// TestPublicIPAtCreate creates servers that declare public_ip: NCP
// associates an address in its create call (associateWithPublicIp), NHN
// gets a floating IP once the server runs. Destroy releases both.
func TestPublicIPAtCreate(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	w.writeFleet(group{name: "web", cloud: "ncp", count: 1, publicIP: true}, group{name: "db", cloud: "nhn", count: 2, publicIP: true})
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	w.assertAssociated(w.serverIDs())
	w.assertNoChanges()
	if r := w.run(3*time.Minute, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	if addrs := w.publicAddresses(); len(addrs) != 0 {
		t.Fatalf("destroy left addresses allocated: %+v", addrs)
	}
}
