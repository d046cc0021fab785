package coverage

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// batchFleet declares, alike within each group, 23 NCP web and 13 NHN db
// servers with batch_create, and 3 NCP api and 12 NHN cache servers
// without it.
func batchFleet(c *cloud) string {
	f := c.sim.NHN.Fixtures()
	return fmt.Sprintf(`version: 1
name: cov
providers:
  ncp: { type: ncloud, region: KR, endpoint: %q }
  nhn: { type: nhncloud, region: KR1, endpoint: %q }
keypairs:
  cov-key: { provider: ncp, public_key_file: cov.pub }
  cov-nhn: { provider: nhn, public_key_file: nhn.pub }
servers:
  web:
    count: 23
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"] }
    key: cov-key
    description: front door
    batch_create: true
  api:
    count: 3
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"] }
    key: cov-key
  db:
    count: 13
    provider: nhn
    image: %s
    type: m2.c4m8
    zone: kr-pub-a
    network: { subnet: %s }
    key: cov-nhn
    batch_create: true
  cache:
    count: 12
    provider: nhn
    image: %s
    type: m2.c4m8
    zone: kr-pub-a
    network: { subnet: %s }
    key: cov-nhn
`, c.ncpEndpoint(), c.nhnEndpoint(), f.Image, f.Subnet, f.Image, f.Subnet)
}

// TestBatchCreate applies count groups through `fleet apply` and checks
// that their members are created in batches (NCP serverCreateCount and
// serverCreateStartNo, NHN max_count with return_reservation_id and a
// reservation_id list), tagged with the group tag, renamed to their
// declared names, and that the next plan has nothing to do. Without
// batch_create only members the cloud names as declared share a call:
// none of NCP's api-1..3 (api-001...), NHN's cache-1..10 but not 11, 12.
func TestBatchCreate(t *testing.T) {
	c := newCloud(t)
	c.writeFile("cov.pub", ncpKey)
	c.writeFile("nhn.pub", nhnKey)
	// The plan lists every call the apply below makes: five batch creates
	// (NCP web 20+3, NHN db 10+3, cache 10), each a line of its own, and
	// the renames the clouds' names need.
	code, planned, errs := c.run(batchFleet(c), "plan")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errs)
	}
	if n := strings.Count(planned, "  create  one call for "); n != 5 {
		t.Errorf("%d batch creates in the plan, want 5:\n%s", n, planned)
	}
	if n := strings.Count(planned, "  rename  name: "); n != 26 {
		t.Errorf("%d renames in the plan, want 26 (web-1..23, db-11..13):\n%s", n, planned)
	}
	c.apply(batchFleet(c))

	var ncp []string
	for _, f := range c.ncpCalls("createServerInstances") {
		ncp = append(ncp, fmt.Sprintf("%s count=%s start=%s desc=%q", f.Get("serverName"), f.Get("serverCreateCount"), f.Get("serverCreateStartNo"), f.Get("serverDescription")))
	}
	sort.Strings(ncp)
	want := []string{
		`api-1 count=1 start= desc="fleet:cov server/api-1"`,
		`api-2 count=1 start= desc="fleet:cov server/api-2"`,
		`api-3 count=1 start= desc="fleet:cov server/api-3"`,
		`web count=20 start=1 desc="front door fleet:cov server/web-[1-20]"`,
		`web count=3 start=21 desc="front door fleet:cov server/web-[21-23]"`,
	}
	if d := cmp.Diff(want, ncp); d != "" {
		t.Errorf("NCP creates (-want +got):\n%s", d)
	}
	renamed := map[string]bool{}
	for _, f := range c.ncpCalls("changeServerInstanceName") {
		renamed[f.Get("serverName")] = true
	}
	for k := 1; k <= 23; k++ {
		if name := fmt.Sprintf("web-%d", k); !renamed[name] {
			t.Errorf("%s (created as web-%03d) was not renamed", name, k)
		}
	}
	if len(renamed) != 23 {
		t.Errorf("%d NCP renames, want web-1..23 only: %v", len(renamed), renamed)
	}

	var nhn []string
	for _, b := range c.nhnCalls("POST", "servers", "server") {
		s := b["server"].(map[string]any)
		md, _ := s["metadata"].(map[string]any)
		nhn = append(nhn, fmt.Sprintf("%s min=%v max=%v reservation=%v address=%v", s["name"], s["min_count"], s["max_count"], s["return_reservation_id"], md["fleet-address"]))
	}
	sort.Strings(nhn)
	wantNHN := []string{
		"cache min=10 max=10 reservation=true address=server/cache-[1-10]",
		"cache-11 min=1 max=1 reservation=<nil> address=server/cache-11",
		"cache-12 min=1 max=1 reservation=<nil> address=server/cache-12",
		"db min=10 max=10 reservation=true address=server/db-[1-10]",
		"db min=3 max=3 reservation=true address=server/db-[11-13]",
	}
	if d := cmp.Diff(wantNHN, nhn); d != "" {
		t.Errorf("NHN creates (-want +got):\n%s", d)
	}
	var listed int
	for _, r := range c.requests() {
		if strings.Contains(r.RawQuery, "reservation_id=") {
			listed++
		}
	}
	if listed != 3 {
		t.Errorf("%d lists by reservation_id, want one per batch", listed)
	}
	var nhnRenames []string
	for _, b := range c.nhnCalls("PUT", "servers/*", "server") {
		nhnRenames = append(nhnRenames, fmt.Sprint(b["server"].(map[string]any)["name"]))
	}
	sort.Strings(nhnRenames)
	if d := cmp.Diff([]string{"db-11", "db-12", "db-13"}, nhnRenames); d != "" {
		t.Errorf("NHN renames (-want +got): only the second batch's raw names db-1..3 need one\n%s", d)
	}

	// The cloud now holds every member under its declared name.
	for k := 1; k <= 23; k++ {
		name := fmt.Sprintf("web-%d", k)
		if got := c.ncpServer(c.stateID("server/" + name)); got.ServerName != name || got.ServerInstanceStatus.Code != "RUN" {
			t.Errorf("%s reads back as %q in %s", name, got.ServerName, got.ServerInstanceStatus.Code)
		}
	}
	sc := c.nhnCompute()
	for k := 1; k <= 13; k++ {
		name := fmt.Sprintf("db-%d", k)
		var v nhnServerView
		c.nhnGet(sc, "servers/"+c.stateID("server/"+name), &v)
		if v.Server.Name != name || v.Server.Status != "ACTIVE" {
			t.Errorf("%s reads back as %q in %s", name, v.Server.Name, v.Server.Status)
		}
	}
	code, out, errs := c.run(batchFleet(c), "plan")
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Errorf("plan after the apply: exit %d\n%s\n%s", code, out, errs)
	}
}
