package e2e

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// group is one server group of a generated fleet file.
type group struct {
	name           string
	cloud          string // "ncp" or "nhn"
	count          int
	typ            string // "" = the simulator's default spec / flavor
	image          string // "" = the simulator's default image
	volume         bool   // one additional volume per server
	maxUnavailable int    // rollout; 0 = none
	batchCreate    bool   // batch_create: true
	publicIP       bool   // public_ip: true
	check          string // rollout.check as flow YAML, e.g. { command: "true" }; needs maxUnavailable
}

// fleetName is the owner tag of every generated fleet.
const fleetName = "e2e"

// writeFleet writes fleet.yaml for groups, with both providers pointing at
// the simulator through their endpoint fields.
func (w *world) writeFleet(groups ...group) {
	w.t.Helper()
	w.writeFleetOn([]string{"ncp", "nhn"}, groups...)
}

// writeFleetOn is writeFleet declaring only the providers clouds ("ncp",
// "nhn"); the NHN keypair comes with "nhn".
func (w *world) writeFleetOn(clouds []string, groups ...group) {
	w.t.Helper()
	key, err := filepath.Abs("testdata/e2e-key.pub")
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: %s\n\nproviders:\n", fleetName)
	if slices.Contains(clouds, "ncp") {
		fmt.Fprintf(&b, "  ncp:\n    type: ncloud\n    region: KR\n    endpoint: %s\n", w.sim.URL)
	}
	if slices.Contains(clouds, "nhn") {
		fmt.Fprintf(&b, "  nhn:\n    type: nhncloud\n    region: KR1\n    endpoint: %s\n", w.envValue("OS_AUTH_URL"))
	}
	b.WriteString("\nservers:\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "  %s:\n    provider: %s\n    count: %d\n", g.name, g.cloud, g.count)
		switch g.cloud {
		case "ncp":
			fmt.Fprintf(&b, "    image: %s\n    type: %s\n", cmp.Or(g.image, w.envValue("FLEET_SIM_NCP_IMAGE")), cmp.Or(g.typ, w.envValue("FLEET_SIM_NCP_SPEC")))
			fmt.Fprintf(&b, "    network: { vpc: %q, subnet: %q, security_groups: [%q] }\n",
				w.envValue("FLEET_SIM_NCP_VPC"), w.envValue("FLEET_SIM_NCP_SUBNET"), w.envValue("FLEET_SIM_NCP_ACG"))
			if g.volume {
				b.WriteString("    volumes:\n      - { name: data, size: 50, type: SSD }\n")
			}
		case "nhn":
			fmt.Fprintf(&b, "    image: %s\n    type: %s\n    zone: %s\n", cmp.Or(g.image, w.envValue("FLEET_SIM_NHN_IMAGE")),
				cmp.Or(g.typ, w.envValue("FLEET_SIM_NHN_FLAVOR")), w.envValue("FLEET_SIM_NHN_ZONE"))
			fmt.Fprintf(&b, "    network: { subnet: %s, security_groups: [default] }\n    key: e2e-key\n", w.envValue("FLEET_SIM_NHN_SUBNET"))
			if g.volume {
				b.WriteString("    volumes:\n      - { name: data, size: 100, type: General SSD }\n")
			}
		default:
			w.t.Fatalf("group %s: unknown cloud %q", g.name, g.cloud)
		}
		if g.maxUnavailable > 0 && g.check != "" {
			fmt.Fprintf(&b, "    rollout: { max_unavailable: %d, check: %s }\n", g.maxUnavailable, g.check)
		} else if g.maxUnavailable > 0 {
			fmt.Fprintf(&b, "    rollout: { max_unavailable: %d }\n", g.maxUnavailable)
		}
		if g.batchCreate {
			b.WriteString("    batch_create: true\n")
		}
		if g.publicIP {
			b.WriteString("    public_ip: true\n")
		}
	}
	if slices.Contains(clouds, "nhn") {
		fmt.Fprintf(&b, "\nkeypairs:\n  e2e-key: { provider: nhn, public_key_file: %s }\n", key)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "fleet.yaml"), []byte(b.String()), 0o644); err != nil {
		w.t.Fatal(err)
	}
}
