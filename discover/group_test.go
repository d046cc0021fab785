package discover

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func srv(id, name, typ string) providers.Server {
	return providers.Server{ID: id, Name: name, Image: "img", Type: typ, Zone: "kr-pub-a", Subnet: "sn", Key: "k", Power: spec.PowerRunning}
}

// TestPlan: which servers become a count group, which stay single, and
// what is a problem.
func TestPlan(t *testing.T) {
	tests := map[string]struct {
		found    []Found
		declared map[string]string
		groups   []string // key[:count]
		problems []string // subjects
	}{
		"alike members become a group": {
			found:  []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2"), srv("2", "web-2", "m2"), srv("3", "web-3", "m2")}}},
			groups: []string{"web:3"},
		},
		"a different member keeps them single": {
			found:  []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2"), srv("2", "web-2", "u2")}}},
			groups: []string{"web-1", "web-2"},
		},
		"a gap keeps them single": {
			found:  []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2"), srv("3", "web-3", "m2")}}},
			groups: []string{"web-1", "web-3"},
		},
		"one member alone stays single": {
			found:  []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2")}}},
			groups: []string{"web-1"},
		},
		"a server named like the group keeps them single": {
			found:  []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2"), srv("2", "web-2", "m2"), srv("9", "web", "m2")}}},
			groups: []string{"web", "web-1", "web-2"},
		},
		"members on two providers stay single": {
			found: []Found{
				{Provider: "a", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "web-1", "m2")}},
				{Provider: "b", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("2", "web-2", "m2")}},
			},
			groups: []string{"web-1", "web-2"},
		},
		"two servers of one name": {
			found: []Found{
				{Provider: "a", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "db", "m2")}},
				{Provider: "b", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("2", "db", "m2")}},
			},
			groups:   []string{"db", "db"},
			problems: []string{"server/db"},
		},
		"a name fleet cannot declare": {
			found:    []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "my server", "m2")}}},
			problems: []string{`server "my server" (id 1, provider nhn)`},
		},
		"a failed server": {
			found:    []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{{ID: "1", Name: "api", Failed: true, Status: "ERROR"}}}},
			problems: []string{"server/api (id 1, provider nhn)"},
		},
		"an address the fleet declares": {
			found:    []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("1", "api", "m2")}}},
			declared: map[string]string{"api": "fleet.yaml:7:3"},
			groups:   []string{"api"},
			problems: []string{"servers.api"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			groups, problems := Plan(tc.found, func(n string) string { return tc.declared[n] })
			var got, gotP []string
			for _, g := range groups {
				k := g.Key
				if g.Count > 0 {
					k += ":" + strconv.Itoa(g.Count)
				}
				got = append(got, k)
			}
			for _, p := range problems {
				gotP = append(gotP, p.Subject)
			}
			if diff := cmp.Diff(tc.groups, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, gotP); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFragment writes a group with its volume, then adds to the file
// without touching what it declares.
func TestFragment(t *testing.T) {
	web := []Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud,
		Servers: []providers.Server{srv("1", "web-1", "m2"), srv("2", "web-2", "m2")},
		Volumes: []providers.Volume{{ID: "v1", Name: "web-1-data", Size: 100, ServerID: "1"}, {ID: "v2", Name: "web-2-data", Size: 100, ServerID: "2"}},
	}}
	groups, problems := Plan(web, func(string) string { return "" })
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	first, err := Fragment(nil, groups)
	if err != nil {
		t.Fatal(err)
	}
	want := header + `servers:
  # taken over from nhn: 1 2
  web:
    count: 2
    provider: nhn
    image: img
    type: m2
    zone: kr-pub-a
    network:
      subnet: sn
    key: k
    volumes:
      - {name: data, size: 100}
`
	if diff := cmp.Diff(want, string(first)); diff != "" {
		t.Errorf("new fragment (-want +got):\n%s", diff)
	}
	edited := strings.Replace(string(first), "type: m2", "type: m2 # by hand", 1)
	db, _ := Plan([]Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud, Servers: []providers.Server{srv("3", "db", "m2")}}}, func(string) string { return "" })
	second, err := Fragment([]byte(edited), append(groups, db...))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(second), edited) || strings.Count(string(second), "web:") != 1 || !strings.Contains(string(second), "\n  db:\n") {
		t.Errorf("added fragment:\n%s", second)
	}
	// web grew to three members since: keeping the entry of two would
	// leave web-3 recorded but undeclared.
	grown, _ := Plan([]Found{{Provider: "nhn", Cloud: spec.ProviderNHNCloud,
		Servers: []providers.Server{srv("1", "web-1", "m2"), srv("2", "web-2", "m2"), srv("4", "web-3", "m2")}}}, func(string) string { return "" })
	if _, err := Fragment(second, grown); err == nil || !strings.Contains(err.Error(), "it declares web already, as count 2 of provider \"nhn\", where this run takes count 3") {
		t.Errorf("a grown group kept the entry as written: %v", err)
	}
	if got := Addresses(groups); !cmp.Equal(got, []string{"server/web-1", "server/web-2", "volume/web-1/data", "volume/web-2/data"}) {
		t.Errorf("addresses: %v", got)
	}
}
