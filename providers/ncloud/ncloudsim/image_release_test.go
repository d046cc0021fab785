package ncloudsim

import (
	"testing"
	"time"
)

// TestReleaseImage publishes two new releases of ubuntu-20.04 and reads
// them the way clients do: getServerImageList by name lists all three,
// oldest first, with createDate telling them apart (the SDK types decode
// it), a server boots from the newest, and the releases survive a restart.
func TestReleaseImage(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(o *Options) { o.Dir = dir })
	if no := h.sim.ReleaseImage("no-such-image"); no != "" {
		t.Errorf("ReleaseImage of an unknown name = %q, want \"\"", no)
	}
	h.clock.Advance(500 * time.Nanosecond) // ReleaseImage dates to the second, as NCP does
	first := h.sim.ReleaseImage("ubuntu-20.04")
	second := h.sim.ReleaseImage("ubuntu-20.04") // same instant: a second later
	if first == "" || second == "" || first == second {
		t.Fatalf("releases %q and %q, want two new numbers", first, second)
	}

	type release struct{ no, date string }
	want := []release{{"16187005", "2024-01-02T09:00:00+0900"}, {first, "2026-11-22T19:00:00+0900"}, {second, "2026-11-22T19:00:01+0900"}}
	list := func(t *testing.T, h *harness) {
		t.Helper()
		r := h.call("getServerImageList", "serverImageName", "ubuntu-20.04")
		sdkDecode(t, "getServerImageList", r.body)
		l := r.list(t, "serverImageList")
		var got []release
		for _, im := range l {
			got = append(got, release{im["serverImageNo"].(string), im["createDate"].(string)})
			if im["serverImageName"] != "ubuntu-20.04" || im["serverImageProductCode"] != "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050" {
				t.Errorf("release %v is not ubuntu-20.04's: %s", im["serverImageNo"], jsonString(im))
			}
		}
		if jsonString(got) != jsonString(want) || r.inner["totalRows"] != float64(3) {
			t.Errorf("releases = %v (totalRows %v), want %v", got, r.inner["totalRows"], want)
		}
	}
	list(t, h)

	no := h.running("from-release", "serverImageProductCode", "", "serverImageNo", second)
	srv := h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	if srv["serverImageNo"] != second || codeOf(srv, "platformType") != "UBS64" {
		t.Errorf("server from the release: image %v, platform %s; want %s, UBS64", srv["serverImageNo"], codeOf(srv, "platformType"), second)
	}

	if err := h.sim.Flush(); err != nil {
		t.Fatal(err)
	}
	list(t, newHarness(t, func(o *Options) { o.Dir = dir }))
}
