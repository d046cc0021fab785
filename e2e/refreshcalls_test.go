package e2e

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestPlan1000NHNCalls: a no-change `fleet plan` of 1,000 NHN servers
// makes 13 calls, whatever their number up to a page: the token, the
// image and network endpoints' discovery, the catalog and inventory lists
// (sent at once), and the second, empty page of servers and of volumes
// that a full page of 1,000 asks for (BenchmarkPlan1000NHN times it).
func TestPlan1000NHNCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("applies 1,000 servers")
	}
	w := newWorld(t, simcore.Behaviour{})
	w.writeFleetOn([]string{"nhn"}, group{name: "db", cloud: "nhn", count: 1000, batchCreate: true})
	w.applyUntilDone(1, 10*time.Minute)
	w.sim.ResetStats()
	r := w.run(2*time.Minute, "plan")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("plan: %s", r)
	}
	want := map[string]int{
		"POST /v2.0/tokens": 1, "GET /image": 1, "GET /network": 1,
		"GET /flavors/detail": 1, "GET /os-availability-zone": 1, "GET /os-keypairs": 1,
		"GET /servers/detail": 2, "GET /volumes/detail": 2, "GET /v2/images": 1,
		"GET /v2.0/floatingips": 1, "GET /v2.0/subnets": 1,
	}
	got := w.sim.Stats().NHNCloud.Operations
	ops := maps.Clone(want)
	maps.Copy(ops, got) // every operation either side names
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		if got[op] != want[op] {
			t.Errorf("%s: %d calls, want %d", op, got[op], want[op])
		}
	}
	t.Logf("no-change plan of 1,000 NHN servers: %d calls %v", w.sim.Stats().NHNCloud.Total, got)
}
