package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fleetOf returns a fleet file declaring n servers, each its own group,
// alternating between the two clouds, with volumes and the usual fields.
func fleetOf(n int) []byte {
	var b strings.Builder
	b.WriteString(header + "servers:\n")
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "  web%05d:\n    provider: ncp\n    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050\n    type: s2-g2-s50\n"+
				"    network: { vpc: \"75\", subnet: \"36\", security_groups: [\"43\"] }\n    key: prod-key\n    protect: true\n"+
				"    description: web server %d of the shop\n    volumes:\n      - { name: data, size: %d, type: SSD }\n", i, i, 10+10*(i%100))
		} else {
			fmt.Fprintf(&b, "  db%05d:\n    provider: nhn\n    image: 9956f822-29c9-4f81-9410-0c392d9c8c24\n    type: m2.c4m8\n"+
				"    zone: kr-pub-a\n    network: { subnet: b83863ff, security_groups: [default] }\n    key: access-key\n"+
				"    root_volume: { size: 50, type: General SSD }\n    metadata: { role: db, shard: \"%d\" }\n", i, i)
		}
	}
	return []byte(b.String())
}

// BenchmarkLoad10000Servers is load + schema + semantic checks of a
// 10,000-server file (about 3 MB: MB/s times s/op). Goal: under 500 ms
// and 200 MiB. Measure with
// go test -run '^$' -bench Load10000Servers -benchtime 3x ./spec/
func BenchmarkLoad10000Servers(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "fleet.yaml")
	data := fleetOf(10000)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res := Load([]string{p}, LoadOptions{Getenv: noEnv})
		if len(res.Diagnostics) > 0 || len(res.Fleet.Servers) != 10000 {
			b.Fatalf("got %d servers, diagnostics %v", len(res.Fleet.Servers), res.Diagnostics[:min(3, len(res.Diagnostics))])
		}
	}
}
