package state

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// stateOf is a state of n NCP servers as `fleet apply` records them (the
// shape of BenchmarkPlan10000Process's state: about 1.1 KB a server).
func stateOf(n int) *State {
	s := &State{Version: FormatVersion, Lineage: "c94c0c8e-3c93-4168-b8d6-b3605ed64897", Serial: 146, Fleet: "bench"}
	created := time.Date(2026, 12, 8, 4, 21, 31, 0, time.FixedZone("KST", 9*3600))
	for i := range n {
		name := fmt.Sprintf("tier%d-%d", i/1000, i%1000+1)
		id := fmt.Sprint(20000000 + i)
		s.Resources = append(s.Resources, Resource{
			Address: addrs.Server(name), Kind: addrs.KindServer, Provider: "ncp", ID: id,
			Server: &providers.Server{ID: id, Name: name, Owner: providers.Owner{Fleet: "bench", Address: addrs.Server(name).String()},
				Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", ImageAliases: []string{"16187005"}, Type: "s2-g2-s50",
				Zone: "KR-1", VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}, IP: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1),
				Power: "running", Status: "RUN", Created: created,
				Extra: map[string]string{"description": "", "init_script": "", "partitions": "", "placement_group": ""}},
			Declared: map[string]string{"billing": "hourly", "description": "", "init_script": "", "network.subnet": "36", "network.vpc": "75",
				"partitions": "", "placement_group": "", "root_volume.encrypted": "false", "root_volume.size": "50"},
		})
	}
	return s
}

// BenchmarkDecode10000: reading a 10,000-server state, with the one-pass
// decoder decode uses and with encoding/json for comparison.
// go test -run '^$' -bench Decode10000 -benchmem ./state/
func BenchmarkDecode10000(b *testing.B) {
	data, err := encode(stateOf(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var s State
			if err := json.Unmarshal(data, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
