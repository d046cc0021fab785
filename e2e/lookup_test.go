package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
// that. A new release of the NHN image is shown as the name resolving to a
// new id and replaces the servers; with most_recent: false the two
// releases are an error at the image's line listing both.
func TestImageLookupByName(t *testing.T) {
	t.Parallel()
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	writeFleet := func(nhnImage string) {
		w.writeFleet(group{name: "web", cloud: "ncp", count: 2, image: "{ name: ubuntu-20.04 }"},
			group{name: "db", cloud: "nhn", count: 2, image: nhnImage})
		w.nameNetworks()
	}
	writeFleet(`{ name: "` + nhnUbuntu + `" }`)
	oldID := w.envValue("FLEET_SIM_NHN_IMAGE")

	w.sim.ResetStats()
	plan := w.run(time.Minute, "plan")
	if plan.code != 0 {
		t.Fatalf("plan: %s", plan)
	}
	for _, want := range []string{
		"  = db  image: " + nhnUbuntu + " → " + oldID + "\n",
		"  = web  image: ubuntu-20.04 → 16187005\n",
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
	for _, s := range w.readState().Resources {
		if s.Server != nil && strings.HasPrefix(s.Address, "server/db-") && s.Server.Image != oldID {
			t.Errorf("%s was created from %s, want %s", s.Address, s.Server.Image, oldID)
		}
	}

	newID := w.sim.NHN.ReleaseImage(nhnUbuntu)
	if newID == "" {
		t.Fatal("no image to release")
	}
	plan = w.run(time.Minute, "plan")
	if plan.code != 0 {
		t.Fatalf("plan after the release: %s", plan)
	}
	want := "  ~ db  image: " + nhnUbuntu + " → " + newID + " (resolved to " + oldID + " before: a new release)\n"
	if !strings.Contains(plan.stdout, want) {
		t.Errorf("plan after the release lacks %q:\n%s", want, plan.stdout)
	}
	for _, addr := range []string{"server/db-1", "server/db-2"} {
		re := regexp.MustCompile(`(?m)^  -/\+ +` + regexp.QuoteMeta(addr) + ` +replace +image: ` + oldID + ` → ` + newID + ` \(forces replacement\)$`)
		if !re.MatchString(plan.stdout) {
			t.Errorf("plan after the release lacks %s:\n%s", re, plan.stdout)
		}
	}
	if strings.Contains(plan.stdout, "server/web-1  replace") {
		t.Errorf("the NCP servers were planned for replacement:\n%s", plan.stdout)
	}

	writeFleet(`{ name: "` + nhnUbuntu + `", most_recent: false }`)
	r := w.run(time.Minute, "plan")
	if r.code == 0 {
		t.Fatalf("plan with two releases and most_recent: false succeeded:\n%s", r.stdout)
	}
	for _, want := range []string{
		`Error: servers.db.image: 2 images are named "` + nhnUbuntu + `"`,
		"fleet.yaml line 24, column 12",
		newID + " (created ", oldID + " (created ",
		"most_recent: false requires exactly one",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan error lacks %q:\n%s", want, r.stderr)
		}
	}

	// The newest release again: apply replaces the NHN servers onto it.
	writeFleet(`{ name: "` + nhnUbuntu + `" }`)
	if r := w.run(3*time.Minute, "apply", "--auto-approve"); r.code != 0 {
		t.Fatalf("apply of the new release: %s", r)
	}
	w.assertNoChanges()
	for _, s := range w.readState().Resources {
		if s.Server != nil && strings.HasPrefix(s.Address, "server/db-") && s.Server.Image != newID {
			t.Errorf("%s runs %s after the apply, want the new release %s", s.Address, s.Server.Image, newID)
		}
	}
}
