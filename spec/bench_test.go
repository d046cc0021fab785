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

// entriesOf returns a fleet file declaring n servers one entry a line, as
// a fleet file generated from an inventory does (e2e's entriesFleet).
func entriesOf(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\nname: bench\n\nproviders:\n  ncp:\n    type: ncloud\n    region: KR\n\nservers:\n")
	const line = `{ provider: ncp, image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050, type: s2-g2-s50, network: { vpc: "75", subnet: "36", security_groups: ["43"] } }`
	for i := range n {
		fmt.Fprintf(&b, "  tier%d-%d: %s\n", i/1000, i%1000+1, line)
	}
	return []byte(b.String())
}

// BenchmarkLoad10000Servers is load + schema + semantic checks of a
// 10,000-server file (about 3 MB: MB/s times s/op). Goal: under 500 ms
// and 200 MiB. Measure with
// go test -run '^$' -bench Load10000Servers -benchtime 3x ./spec/
func BenchmarkLoad10000Servers(b *testing.B) { benchmarkLoad(b, fleetOf(10000)) }

// BenchmarkLoad10000Entries is the same for 10,000 one-line entries (about
// 1.5 MB), the shape of /tmp/w10k/entries.yaml. Goal: under 200 ms.
// go test -run '^$' -bench Load10000Entries -benchtime 5x ./spec/
func BenchmarkLoad10000Entries(b *testing.B) { benchmarkLoad(b, entriesOf(10000)) }

func benchmarkLoad(b *testing.B, data []byte) {
	dir := b.TempDir()
	p := filepath.Join(dir, "fleet.yaml")
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
