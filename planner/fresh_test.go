package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

func TestCheckFresh(t *testing.T) {
	f := webAndDB(nil, nil)
	st, inv := world(f)
	fp := InventoryFingerprint(inv)
	p, _ := Build(Input{Fleet: f, State: st, Inventory: inv, FleetVersion: "1.2.0"})
	if p.InventoryFingerprint != fp {
		t.Fatalf("plan fingerprint %s, want %s", p.InventoryFingerprint, fp)
	}
	moved := func(edit func(*state.State)) *state.State {
		c := *st
		edit(&c)
		return &c
	}
	otherFleet := *f
	otherFleet.Digest = "sha256:fleet-v2"
	inv2 := map[string]providers.InventoryResponse{}
	for k, v := range inv {
		inv2[k] = v
	}
	r := inv2["ncp"]
	r.Servers = append([]providers.Server(nil), r.Servers...)
	r.Servers[0].Power = spec.PowerStopped
	inv2["ncp"] = r

	tests := map[string]struct {
		st      *state.State
		fleet   *spec.Fleet
		fp      string
		version string
		want    []string // substrings; none means fresh
	}{
		"fresh":          {st, f, fp, "1.2.0", nil},
		"serial moved":   {moved(func(s *state.State) { s.Serial++ }), f, fp, "1.2.0", []string{"serial 7, now 8"}},
		"other lineage":  {moved(func(s *state.State) { s.Lineage = "other" }), f, fp, "1.2.0", []string{"another state"}},
		"spec changed":   {st, &otherFleet, fp, "1.2.0", []string{"fleet files changed"}},
		"cloud changed":  {st, f, InventoryFingerprint(inv2), "1.2.0", []string{"inventory fingerprint"}},
		"other version":  {st, f, fp, "1.3.0", []string{"made by fleet 1.2.0, this is fleet 1.3.0"}},
		"all at once":    {moved(func(s *state.State) { s.Serial = 9 }), &otherFleet, "sha256:x", "2.0.0", []string{"version", "serial", "fleet files", "inventory"}},
		"state now gone": {nil, f, fp, "1.2.0", []string{"another state"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := p.CheckFresh(tc.st, tc.fleet, tc.fp, tc.version)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want fresh", err)
				}
				return
			}
			if !errors.Is(err, ErrStale) {
				t.Fatalf("got %v, want ErrStale", err)
			}
			if !strings.HasPrefix(err.Error(), "saved plan is stale: ") {
				t.Errorf("error %q", err)
			}
			var stale *StaleError
			if !errors.As(err, &stale) || len(stale.Moved) == 0 || err.Error() != "saved plan is stale: "+stale.Reason() {
				t.Errorf("error %q is not a *StaleError naming what moved", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestCheckFreshPlanMadeOnAnEmptyState(t *testing.T) {
	p := &Plan{FleetVersion: "1", SpecDigest: "sha256:a", InventoryFingerprint: "sha256:b", Refreshed: true}
	st := &state.State{Lineage: "abc", Serial: 3}
	err := p.CheckFresh(st, &spec.Fleet{Digest: "sha256:a"}, "sha256:b", "1")
	if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), "the state was written since (serial 0, now 3)") {
		t.Fatalf("got %v, want the state written since", err)
	}
	if strings.Contains(err.Error(), "another state") {
		t.Errorf("a plan made before the first write is not for another state: %v", err)
	}
}

// A plan made without refresh fingerprints no inventory: CheckFresh leaves
// the inventory out and still checks everything else.
func TestCheckFreshWithoutRefresh(t *testing.T) {
	f := webAndDB(nil, nil)
	st, inv := world(f)
	made, _ := Build(Input{Fleet: f, State: st, FleetVersion: "1.2.0"})
	if made.Refreshed {
		t.Fatal("a plan without inventory says it was refreshed")
	}
	if refreshed, _ := Build(Input{Fleet: f, State: st, Inventory: inv, FleetVersion: "1.2.0"}); !refreshed.Refreshed {
		t.Fatal("a refreshed plan says it was not")
	}
	p := made
	fp := InventoryFingerprint(inv) // what apply PLAN computes after its own refresh
	moved := *st
	moved.Serial++
	otherFleet := *f
	otherFleet.Digest = "sha256:fleet-v2"
	tests := map[string]struct {
		st      *state.State
		fleet   *spec.Fleet
		version string
		want    string // "" means fresh
	}{
		"fresh whatever the cloud holds": {st, f, "1.2.0", ""},
		"serial moved":                   {&moved, f, "1.2.0", "serial 7, now 8"},
		"spec changed":                   {st, &otherFleet, "1.2.0", "fleet files changed"},
		"other version":                  {st, f, "1.3.0", "made by fleet 1.2.0"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := p.CheckFresh(tc.st, tc.fleet, fp, tc.version)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want fresh", err)
				}
				return
			}
			if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "inventory") {
				t.Errorf("got %v, want stale for %q only", err, tc.want)
			}
		})
	}
}

func TestInventoryFingerprint(t *testing.T) {
	_, inv := world(webAndDB(nil, nil))
	base := InventoryFingerprint(inv)
	if !strings.HasPrefix(base, "sha256:") || len(base) != len("sha256:")+64 {
		t.Fatalf("fingerprint %q", base)
	}
	// List order does not matter; the catalog does not count.
	shuffled := map[string]providers.InventoryResponse{}
	for k, v := range inv {
		s := append([]providers.Server(nil), v.Servers...)
		for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
			s[i], s[j] = s[j], s[i]
		}
		v.Servers = s
		shuffled[k] = v
	}
	if got := InventoryFingerprint(withCatalog(shuffled)); got != base {
		t.Errorf("reordered inventory with catalog: %s, want %s", got, base)
	}
	// A provider not refreshed changes it; so does any attribute.
	delete(shuffled, "nhn")
	if InventoryFingerprint(shuffled) == base {
		t.Error("dropping a provider kept the fingerprint")
	}
	_, inv2 := world(webAndDB(func(s *spec.Server) { s.Type = "s4-g2-s50" }, nil))
	if InventoryFingerprint(inv2) == base {
		t.Error("a type change kept the fingerprint")
	}
}
