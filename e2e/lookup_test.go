package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// nhnUbuntu is the name of the NHN simulator's Ubuntu image (nhnsim
// publicImages), as NHN's console and Glance list it.
const nhnUbuntu = "Ubuntu Server 22.04.4 LTS (2024.06.20)"

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
	fleet := func(nhnImage string) []group {
		return []group{{name: "web", cloud: "ncp", count: 2, image: "{ name: ubuntu-20.04 }"},
			{name: "db", cloud: "nhn", count: 2, image: nhnImage}}
	}
	w.writeFleet(fleet(`{ name: "` + nhnUbuntu + `" }`)...)
	oldID := w.envValue("FLEET_SIM_NHN_IMAGE")

	w.sim.ResetStats()
	plan := w.run(time.Minute, "plan")
	if plan.code != 0 {
		t.Fatalf("plan: %s", plan)
	}
	for _, want := range []string{
		"  = db  image: " + nhnUbuntu + " → " + oldID + "\n",
		"  = web  image: ubuntu-20.04 → 16187005\n",
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

	w.writeFleet(fleet(`{ name: "` + nhnUbuntu + `", most_recent: false }`)...)
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
	w.writeFleet(fleet(`{ name: "` + nhnUbuntu + `" }`)...)
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
