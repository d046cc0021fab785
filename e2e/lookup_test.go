package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// nhnUbuntu is the name of the NHN simulator's Ubuntu image (nhnsim
// publicImages), as NHN's console and Glance list it.
const nhnUbuntu = "Ubuntu Server 22.04.4 LTS (2024.06.20)"

// nameNetworks rewrites the generated fleet file's VPCs, subnets and NCP
// ACGs from the simulators' ids to their names.
func (w *world) nameNetworks() {
	w.t.Helper()
	path := filepath.Join(w.dir, "fleet.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	text := strings.NewReplacer(
		fmt.Sprintf("{ vpc: %q, subnet: %q, security_groups: [%q] }", w.envValue("FLEET_SIM_NCP_VPC"), w.envValue("FLEET_SIM_NCP_SUBNET"), w.envValue("FLEET_SIM_NCP_ACG")),
		"{ vpc: fleet-vpc, subnet: fleet-kr1, security_groups: [fleet-vpc-default-acg] }",
		"{ subnet: "+w.envValue("FLEET_SIM_NHN_SUBNET")+",", `{ vpc: "Default Network", subnet: "Default Network",`,
	).Replace(string(b))
	if text == string(b) {
		w.t.Fatalf("no network to name in:\n%s", b)
	}
	w.writeFile("fleet.yaml", text)
}

// TestImageLookupByName names images by name on both clouds: a plan
// resolves them with one list call per kind whatever the number of
// servers (NHN GET /v2/images; NCP getServerImageProductList and
// getServerImageList), shows what they resolved to, and apply creates from
// that. A new release of either cloud's image is shown as the name
// resolving to a new id and replaces that cloud's servers; with
// most_recent: false the two releases are an error at the image's line
// listing both.
func TestImageLookupByName(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	writeFleet := func(mostRecent string) {
		w.writeFleet(group{name: "web", cloud: "ncp", count: 2, image: "{ name: ubuntu-20.04" + mostRecent + " }"},
			group{name: "db", cloud: "nhn", count: 2, image: `{ name: "` + nhnUbuntu + `"` + mostRecent + " }"})
		w.nameNetworks()
	}
	writeFleet("")
	oldID := w.envValue("FLEET_SIM_NHN_IMAGE")
	// ubuntu-20.04 in ncloudsim's catalog; NCP reports its servers by the
	// product code.
	const oldNCP, ncpProduct = "16187005", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"

	w.sim.ResetStats()
	plan := w.run(time.Minute, "plan")
	if plan.code != 0 {
		t.Fatalf("plan: %s", plan)
	}
	for _, want := range []string{
		"  = db  image: " + nhnUbuntu + " → " + oldID + "\n",
		"  = web  image: ubuntu-20.04 → " + oldNCP + "\n",
		"  = db  network.subnet: Default Network → " + w.envValue("FLEET_SIM_NHN_SUBNET") + "\n",
		"  = db  network.vpc: Default Network → " + w.envValue("FLEET_SIM_NHN_NETWORK") + "\n",
		"  = web  network.security_groups: fleet-vpc-default-acg → " + w.envValue("FLEET_SIM_NCP_ACG") + "\n",
		"  = web  network.subnet: fleet-kr1 → " + w.envValue("FLEET_SIM_NCP_SUBNET") + "\n",
		"  = web  network.vpc: fleet-vpc → " + w.envValue("FLEET_SIM_NCP_VPC") + "\n",
	} {
		if !strings.Contains(plan.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan.stdout)
		}
	}
	st := w.sim.Stats()
	for op, n := range map[string]int{
		"GET /v2/images":            st.NHNCloud.Operations["GET /v2/images"],
		"getServerImageProductList": st.NCloud.Operations["getServerImageProductList"],
		"getServerImageList":        st.NCloud.Operations["getServerImageList"],
		"GET /v2.0/networks":        st.NHNCloud.Operations["GET /v2.0/networks"],
		"GET /v2.0/subnets":         st.NHNCloud.Operations["GET /v2.0/subnets"],
		"getVpcList":                st.NCloud.Operations["getVpcList"],
		"getSubnetList":             st.NCloud.Operations["getSubnetList"],
		"getAccessControlGroupList": st.NCloud.Operations["getAccessControlGroupList"],
	} {
		if n != 1 {
			t.Errorf("the plan made %d %s calls for 4 servers, want 1", n, op)
		}
	}

	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	w.assertNoChanges()
	images := func(db, web string) {
		t.Helper()
		for _, s := range w.readState().Resources {
			want := map[bool]string{true: db, false: web}[strings.HasPrefix(s.Address.String(), "server/db-")]
			// NCP reports a server made from a server image by the product
			// code every release shares, the image number an alias.
			if s.Server != nil && s.Server.Image != want && !slices.Contains(s.Server.ImageAliases, want) {
				t.Errorf("%s runs %s (aliases %v), want %s", s.Address, s.Server.Image, s.Server.ImageAliases, want)
			}
		}
	}
	images(oldID, oldNCP)

	newID, newNCP := w.sim.NHN.ReleaseImage(nhnUbuntu), w.sim.NCP.ReleaseImage("ubuntu-20.04")
	if newID == "" || newNCP == "" {
		t.Fatalf("no image to release: %q, %q", newID, newNCP)
	}
	plan = w.run(time.Minute, "plan")
	if plan.code != 0 {
		t.Fatalf("plan after the release: %s", plan)
	}
	for _, want := range []string{
		"  ~ db  image: " + nhnUbuntu + " → " + newID + " (resolved to " + oldID + " before: a new release)\n",
		"  ~ web  image: ubuntu-20.04 → " + newNCP + " (resolved to " + oldNCP + " before: a new release)\n",
	} {
		if !strings.Contains(plan.stdout, want) {
			t.Errorf("plan after the release lacks %q:\n%s", want, plan.stdout)
		}
	}
	for addr, ids := range map[string][2]string{
		"server/db-1": {oldID, newID}, "server/db-2": {oldID, newID},
		"server/web-1": {ncpProduct, newNCP}, "server/web-2": {ncpProduct, newNCP},
	} {
		re := regexp.MustCompile(`(?m)^  -/\+ +` + regexp.QuoteMeta(addr) + ` +replace +image: ` + ids[0] + ` → ` + ids[1] + ` \(forces replacement\)$`)
		if !re.MatchString(plan.stdout) {
			t.Errorf("plan after the release lacks %s:\n%s", re, plan.stdout)
		}
	}

	writeFleet(", most_recent: false")
	r := w.run(time.Minute, "plan")
	if r.code == 0 {
		t.Fatalf("plan with two releases and most_recent: false succeeded:\n%s", r.stdout)
	}
	for _, want := range []string{
		`Error: servers.db.image: 2 images are named "` + nhnUbuntu + `"`,
		"fleet.yaml line 24, column 12",
		newID + " (created ", oldID + " (created ",
		`servers.web.image: 2 images are named "ubuntu-20.04"`,
		"fleet.yaml line 18, column 12",
		newNCP + " (created 2", oldNCP + " (created 2024-01-02",
		"most_recent: false requires exactly one",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan error lacks %q:\n%s", want, r.stderr)
		}
	}

	// The newest releases again: apply replaces the servers onto them.
	writeFleet("")
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("apply of the new releases: %s", r)
	}
	w.assertNoChanges()
	images(newID, newNCP)
}
