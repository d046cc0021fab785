package planner

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestRandomChanges plans many random edits of a matching world (fixed
// seeds, so failures reproduce) and checks what must hold for any plan:
// deterministic output, no cycles, edges to existing actions only, every
// delete of a server after the detach of each volume attached to it (and
// after its stop on NCP), every replacement's old half after its new half,
// and at most max_unavailable servers of a rollout per lane.
func TestRandomChanges(t *testing.T) {
	for seed := uint64(1); seed <= 150; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			before := randomFleet(r, false)
			st, inv := world(before)
			after := randomFleet(r, true)
			randomDrift(r, inv)
			in := Input{Fleet: after, State: st, Inventory: withCatalog(inv), Destroy: r.IntN(10) == 0}
			p, diags := Build(in)
			for _, d := range diags {
				if strings.HasPrefix(d.Summary, "dependency cycle") {
					t.Fatalf("cycle: %s", d.Summary)
				}
			}
			var a1, a2 bytes.Buffer
			mustRender(t, RenderJSON(&a1, p))
			p2, _ := Build(in)
			mustRender(t, RenderJSON(&a2, p2))
			if !bytes.Equal(a1.Bytes(), a2.Bytes()) {
				t.Fatal("not deterministic")
			}
			checkInvariants(t, p, inv)
		})
	}
}

// randomFleet is web (NCP) and db (NHN) groups of random size, with random
// types, images, power states, volumes and rollouts.
func randomFleet(r *rand.Rand, edited bool) *spec.Fleet {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var rollout *spec.Rollout
	if r.IntN(2) == 0 {
		rollout = &spec.Rollout{MaxUnavailable: 1 + r.IntN(3)}
	}
	wg, web := groupOf("web", 2+r.IntN(5), rollout, ncpServer, func(s *spec.Server) {
		if !edited {
			return
		}
		if r.IntN(3) == 0 {
			s.Type = pick("s2-g2-s50", "s4-g2-s50", "c2-g2-s50")
		}
		if r.IntN(5) == 0 {
			s.Image = "SW.VSVR.OS.LNX64.UBNTU.SVR2204.B050"
		}
		if r.IntN(4) == 0 {
			s.Power = spec.Power(pick(string(spec.PowerRunning), string(spec.PowerStopped)))
		}
		switch r.IntN(4) {
		case 0:
			s.Volumes = nil
		case 1:
			s.Volumes = []spec.Volume{{Name: "data", Size: pick3(r, 50, 100, 200), Type: "SSD"}, {Name: "logs", Size: 10, Type: "HDD"}}
		}
	})
	dg, db := groupOf("db", 1+r.IntN(3), nil, nhnServer, func(s *spec.Server) {
		if !edited {
			return
		}
		if r.IntN(3) == 0 {
			s.Type = pick("m2.c4m8", "m2.c8m16", "u2.c2m4")
		}
		if r.IntN(4) == 0 {
			s.Power = spec.Power(pick(string(spec.PowerRunning), string(spec.PowerStopped), string(spec.PowerShelved)))
		}
		if r.IntN(5) == 0 {
			s.Zone = "kr-pub-b"
		}
		if r.IntN(4) == 0 {
			s.Network.SecurityGroups = []string{"default", "db"}
		}
	})
	return fleetOf(wg, web, dg, db, &spec.Keypair{Name: "access-key", Provider: "nhn"})
}

func pick3(r *rand.Rand, a, b, c int) int { return []int{a, b, c}[r.IntN(3)] }

// randomDrift changes the cloud behind fleet's back.
func randomDrift(r *rand.Rand, inv map[string]providers.InventoryResponse) {
	for _, name := range sortedKeys(inv) {
		res := inv[name]
		for i := range res.Servers {
			switch r.IntN(12) {
			case 0:
				res.Servers[i].Power = spec.PowerStopped
			case 1:
				res.Servers = append(res.Servers[:i:i], res.Servers[i+1:]...)
				inv[name] = res
				return
			}
		}
	}
}

func checkInvariants(t *testing.T, p *Plan, inv map[string]providers.InventoryResponse) {
	t.Helper()
	pos := map[string]int{}
	for i, a := range p.Actions {
		if _, dup := pos[a.ID]; dup {
			t.Fatalf("duplicate id %s", a.ID)
		}
		pos[a.ID] = i
	}
	for i, a := range p.Actions {
		for _, d := range a.DependsOn {
			j, ok := pos[d]
			if !ok {
				t.Fatalf("%s depends on missing %s", a.ID, d)
			}
			if j >= i {
				t.Fatalf("%s comes before its dependency %s", a.ID, d)
			}
		}
	}
	attached := map[string][]string{} // server id → volume addresses
	for _, name := range sortedKeys(inv) {
		for _, v := range inv[name].Volumes {
			if v.ServerID != "" {
				attached[v.ServerID] = append(attached[v.ServerID], v.Owner.Address)
			}
		}
	}
	live := map[string]bool{} // server ids the cloud still has
	for _, name := range sortedKeys(inv) {
		for _, s := range inv[name].Servers {
			live[s.ID] = true
		}
	}
	for _, a := range p.Actions {
		if a.Type != Delete || a.Kind != addrs.KindServer || !live[a.CloudID] {
			continue // a server already gone has nothing left to detach
		}
		for _, vol := range attached[a.CloudID] {
			if !reaches(p, a.ID, "detach "+vol) {
				t.Errorf("%s does not wait for detach %s", a.ID, vol)
			}
		}
		if a.Provider == "ncp" {
			stop := "stop " + a.Address.String()
			if a.Replace {
				stop += " (replaced)"
				if !reaches(p, a.ID, "create "+a.Address.String()) {
					t.Errorf("%s does not wait for its replacement", a.ID)
				}
			}
			if _, ok := pos[stop]; ok && !reaches(p, a.ID, stop) {
				t.Errorf("%s does not wait for %s", a.ID, stop)
			}
		}
	}
}
