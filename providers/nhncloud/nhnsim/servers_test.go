package nhnsim

import (
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers/simcore"
)

func names(body map[string]any) []string {
	var out []string
	for _, s := range body["servers"].([]any) {
		out = append(out, s.(map[string]any)["name"].(string))
	}
	return out
}

func nextLink(body map[string]any) string {
	links, _ := body["servers_links"].([]any)
	if len(links) == 0 {
		return ""
	}
	return links[0].(map[string]any)["href"].(string)
}

func TestServerListPagingAndFilters(t *testing.T) {
	h := newHarness(t, Options{DefaultLimit: 3})
	h.keypair("k")
	h.create(h.volumeServer("web", map[string]any{"max_count": 5}))
	h.clock.Advance(testBuild)
	u2 := h.create(map[string]any{"server": map[string]any{"name": "myweb", "imageRef": h.sim.Fixtures().Image,
		"flavorRef": flavorID("u2.c2m4"), "key_name": "k", "networks": []any{map[string]any{"uuid": h.sim.Fixtures().Network}}}})
	h.clock.Advance(time.Second)
	gone := h.create(h.volumeServer("gone", nil))
	h.clock.Advance(testBuild)
	since := h.clock.Now().Format("2006-01-02T15:04:05")
	h.must(204)(h.compute("DELETE", "/servers/"+gone, nil))
	h.clock.Advance(testBuild)

	tests := map[string]struct {
		query    string
		want     []string
		wantNext bool
	}{
		"newest first, default limit": {"", []string{"myweb", "web-5", "web-4"}, true},
		"page exactly full":           {"?limit=6", []string{"myweb", "web-5", "web-4", "web-3", "web-2", "web-1"}, true},
		"page not full":               {"?limit=7", []string{"myweb", "web-5", "web-4", "web-3", "web-2", "web-1"}, false},
		"name is a regex":             {"?name=web&limit=10", []string{"myweb", "web-5", "web-4", "web-3", "web-2", "web-1"}, false},
		"anchored name":               {"?name=^web-[12]$", []string{"web-2", "web-1"}, false},
		"status":                      {"?status=active&limit=2", []string{"myweb", "web-5"}, true},
		"flavor":                      {"?flavor=" + flavorID("u2.c2m4"), []string{"myweb"}, false},
		"image":                       {"?image=" + h.sim.Fixtures().Image + "&limit=10", []string{"myweb", "web-5", "web-4", "web-3", "web-2", "web-1"}, false},
		"changes-since shows deleted": {"?changes-since=" + url.QueryEscape(since), []string{"gone"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := h.must(200)(h.compute("GET", "/servers/detail"+tc.query, nil))
			if diff := cmp.Diff(tc.want, names(body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if (nextLink(body) != "") != tc.wantNext {
				t.Fatalf("servers_links %v, want next: %v", body["servers_links"], tc.wantNext)
			}
		})
	}

	t.Run("a deleted server shows as DELETED in changes-since", func(t *testing.T) {
		body := h.must(200)(h.compute("GET", "/servers/detail?changes-since="+url.QueryEscape(since), nil))
		s := body["servers"].([]any)[0].(map[string]any)
		if s["status"] != "DELETED" || s["OS-SRV-USG:terminated_at"] == nil {
			t.Fatalf("%v %v", s["status"], s["OS-SRV-USG:terminated_at"])
		}
	})

	t.Run("following next links walks every server once", func(t *testing.T) {
		var all []string
		next := "/servers?limit=2"
		for next != "" {
			body := h.must(200)(h.compute("GET", next, nil))
			all = append(all, names(body)...)
			next = nextLink(body)
			if next != "" {
				u, err := url.Parse(next)
				if err != nil {
					t.Fatal(err)
				}
				next = strings.TrimPrefix(u.Path, h.sim.opts.Prefix+"/compute/v2/"+h.sim.opts.TenantID) + "?" + u.RawQuery
			}
		}
		if diff := cmp.Diff([]string{"myweb", "web-5", "web-4", "web-3", "web-2", "web-1"}, all); diff != "" {
			t.Fatal(diff)
		}
	})

	t.Run("unknown marker", func(t *testing.T) {
		code, _, body := h.compute("GET", "/servers?marker=00000000-0000-4000-8000-000000000000", nil)
		if code != 400 || body["badRequest"].(map[string]any)["message"] != "marker [00000000-0000-4000-8000-000000000000] not found" {
			t.Fatalf("%d %v", code, body)
		}
	})

	t.Run("marker starts after itself", func(t *testing.T) {
		body := h.must(200)(h.compute("GET", "/servers?limit=2&marker="+u2, nil))
		if diff := cmp.Diff([]string{"web-5", "web-4"}, names(body)); diff != "" {
			t.Fatal(diff)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	fx := func(h *harness) Fixtures { return h.sim.Fixtures() }
	bdm := func(extra map[string]any) []any {
		b := map[string]any{"source_type": "image", "uuid": publicImages(time.Time{})[0].ID, "boot_index": 0,
			"volume_size": 20, "destination_type": "volume"}
		for k, v := range extra {
			b[k] = v
		}
		return []any{b}
	}
	tests := map[string]struct {
		edit func(h *harness, s map[string]any)
		want int
	}{
		"valid":                          {func(*harness, map[string]any) {}, 202},
		"no name":                        {func(_ *harness, s map[string]any) { delete(s, "name") }, 400},
		"unknown flavor":                 {func(_ *harness, s map[string]any) { s["flavorRef"] = "nope" }, 400},
		"no networks":                    {func(_ *harness, s map[string]any) { delete(s, "networks") }, 400},
		"no key_name":                    {func(_ *harness, s map[string]any) { delete(s, "key_name") }, 400},
		"unknown key_name":               {func(_ *harness, s map[string]any) { s["key_name"] = "nope" }, 400},
		"zero-disk flavor without a BDM": {func(h *harness, s map[string]any) { delete(s, "block_device_mapping_v2"); s["imageRef"] = fx(h).Image }, 403},
		"U2 without a BDM": {func(h *harness, s map[string]any) {
			delete(s, "block_device_mapping_v2")
			s["imageRef"] = fx(h).Image
			s["flavorRef"] = flavorID("u2.c2m4")
		}, 202},
		"U2 without an image": {func(h *harness, s map[string]any) {
			delete(s, "block_device_mapping_v2")
			s["flavorRef"] = flavorID("u2.c2m4")
		}, 400},
		"delete_on_termination 1": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"delete_on_termination": 1})
		}, 202},
		"delete_on_termination 0": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"delete_on_termination": 0})
		}, 202},
		"delete_on_termination 2": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"delete_on_termination": 2})
		}, 400},
		"unknown volume_type": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"volume_type": "Fast"})
		}, 400},
		"encrypted without nhn_encryption": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"volume_type": "Encrypted SSD"})
		}, 400},
		"encrypted with nhn_encryption": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"volume_type": "Encrypted SSD", "nhn_encryption": map[string]any{"skm_appkey": "a", "skm_key_id": "k"}})
		}, 202},
		"root smaller than the image": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"volume_size": 10})
		}, 400},
		"blank data volume": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = append(bdm(nil), map[string]any{"source_type": "blank", "boot_index": 1, "volume_size": 50, "destination_type": "volume"})
		}, 202},
		"blank root": {func(_ *harness, s map[string]any) {
			s["block_device_mapping_v2"] = bdm(map[string]any{"source_type": "blank"})
		}, 400},
		"two roots":      {func(_ *harness, s map[string]any) { s["block_device_mapping_v2"] = append(bdm(nil), bdm(nil)...) }, 400},
		"subnet network": {func(h *harness, s map[string]any) { s["networks"] = []any{map[string]any{"subnet": fx(h).Subnet}} }, 202},
		"unknown subnet": {func(_ *harness, s map[string]any) { s["networks"] = []any{map[string]any{"subnet": "nope"}} }, 400},
		"port": {func(_ *harness, s map[string]any) {
			s["networks"] = []any{map[string]any{"port": "8f1e9a3c-1b2d-4c5e-9f00-112233445566"}}
		}, 202},
		"fixed_ip in the network": {func(h *harness, s map[string]any) {
			s["networks"] = []any{map[string]any{"uuid": fx(h).Network, "fixed_ip": "10.1.2.3"}}
		}, 202},
		"fixed_ip outside the network": {func(h *harness, s map[string]any) {
			s["networks"] = []any{map[string]any{"uuid": fx(h).Network, "fixed_ip": "192.168.0.1"}}
		}, 400},
		"max_count 10":                    {func(_ *harness, s map[string]any) { s["max_count"] = 10 }, 202},
		"max_count 11":                    {func(_ *harness, s map[string]any) { s["max_count"] = 11 }, 400},
		"metadata value not a string":     {func(_ *harness, s map[string]any) { s["metadata"] = map[string]any{"a": 1} }, 400},
		"user_data not base64":            {func(_ *harness, s map[string]any) { s["user_data"] = "not base64!" }, 400},
		"unknown security group":          {func(_ *harness, s map[string]any) { s["security_groups"] = []any{map[string]any{"name": "nope"}} }, 400},
		"unknown zone":                    {func(_ *harness, s map[string]any) { s["availability_zone"] = "kr-pub-z" }, 400},
		"scheduler hint group not a uuid": {func(_ *harness, s map[string]any) { s["os:scheduler_hints"] = map[string]any{"group": "x"} }, 400},
		"windows name longer than 15": {func(_ *harness, s map[string]any) {
			s["name"] = "windows-server-01"
			s["block_device_mapping_v2"] = bdm(map[string]any{"uuid": publicImages(time.Time{})[2].ID, "volume_size": 50})
		}, 400},
		"windows root under the image's 50G": {func(_ *harness, s map[string]any) {
			s["name"] = "win"
			s["block_device_mapping_v2"] = bdm(map[string]any{"uuid": publicImages(time.Time{})[2].ID, "volume_size": 40})
		}, 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.keypair("k")
			body := h.volumeServer("srv", nil)
			s := body["server"].(map[string]any)
			s["block_device_mapping_v2"] = bdm(nil)
			tc.edit(h, s)
			if hints, ok := s["os:scheduler_hints"]; ok {
				delete(s, "os:scheduler_hints")
				body["os:scheduler_hints"] = hints
			}
			code, hdr, out := h.compute("POST", "/servers", body)
			if code != tc.want {
				t.Fatalf("%d, want %d: %v", code, tc.want, out)
			}
			if code == 202 {
				id := out["server"].(map[string]any)["id"].(string)
				if !strings.HasSuffix(hdr.Get("Location"), "/v2/"+h.sim.opts.TenantID+"/servers/"+id) || out["server"].(map[string]any)["OS-DCF:diskConfig"] != "MANUAL" {
					t.Fatalf("Location %q body %v", hdr.Get("Location"), out)
				}
			} else if code == 400 && out["badRequest"] == nil || code == 403 && out["forbidden"] == nil {
				t.Fatalf("fault body %v", out)
			}
		})
	}
}

func TestFaultInjection(t *testing.T) {
	t.Run("429 with Retry-After", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.Injector().Set(simcore.Behaviour{ThrottleRate: 1, BuildTime: testBuild})
		code, hdr, body := h.compute("GET", "/servers", nil)
		if code != 429 || hdr.Get("Retry-After") != "1" || body["overLimit"].(map[string]any)["code"] != float64(429) {
			t.Fatalf("%d %v %v", code, hdr, body)
		}
	})
	t.Run("5xx computeFault", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.Injector().Set(simcore.Behaviour{ErrorRate: 1, BuildTime: testBuild})
		code, _, body := h.compute("GET", "/servers", nil)
		if code != 500 || body["computeFault"].(map[string]any)["code"] != float64(500) {
			t.Fatalf("%d %v", code, body)
		}
	})
	createErrorAfter := map[string]struct {
		pattern string
		extra   map[string]any // added to the server body
		want    int            // the create's status
		servers int            // servers named dup or dup-N afterwards
	}{
		"one server":                    {pattern: "dup", want: 500, servers: 1},
		"a batch, by the request name":  {pattern: "dup*", extra: map[string]any{"max_count": 3}, want: 500, servers: 3},
		"a batch, by one member's name": {pattern: "dup-2", extra: map[string]any{"max_count": 3}, want: 500, servers: 3},
		"a batch no name matches":       {pattern: "dup-9", extra: map[string]any{"max_count": 3}, want: 202, servers: 3},
	}
	for name, tc := range createErrorAfter {
		t.Run("create answers 500 after creating: "+name, func(t *testing.T) {
			h := newHarness(t, Options{Behaviour: simcore.Behaviour{CreateErrorAfter: []string{tc.pattern}}})
			h.keypair("k")
			code, _, _ := h.compute("POST", "/servers", h.volumeServer("dup", tc.extra))
			if code != tc.want {
				t.Fatalf("create: %d, want %d", code, tc.want)
			}
			h.clock.Advance(testBuild)
			body := h.must(200)(h.compute("GET", "/servers/detail?name="+url.QueryEscape("^dup(-[0-9]+)?$"), nil))
			s := body["servers"].([]any)
			if len(s) != tc.servers {
				t.Fatalf("%d servers created, want %d: %v", len(s), tc.servers, body)
			}
			for _, v := range s {
				if v.(map[string]any)["status"] != "ACTIVE" {
					t.Fatalf("a server did not build: %v", v)
				}
			}
		})
	}
}

func TestStatsNames(t *testing.T) {
	h := newHarness(t, Options{})
	h.keypair("k")
	id := h.create(h.volumeServer("srv", nil))
	h.clock.Advance(testBuild)
	h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{"os-stop": nil}))
	h.must(200)(h.compute("GET", "/servers/detail", nil))
	h.must(200)(h.compute("GET", "/servers/"+id, nil))
	h.must(200)(h.volumeAPI("GET", "/volumes/detail", nil))
	h.compute("GET", "/nothing", nil)
	want := map[string]int{
		"POST /v2.0/tokens": 1, "POST /os-keypairs": 1, "POST /servers": 1, "POST /servers/{id}/action os-stop": 1,
		"GET /servers/detail": 1, "GET /servers/{id}": 1, "GET /volumes/detail": 1, "GET unknown": 1,
	}
	if diff := cmp.Diff(want, h.sim.Stats().Snapshot().Operations); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	clock := simcore.NewFakeClock(t0)
	h := newHarness(t, Options{Dir: dir, Clock: clock})
	h.keypair("k")
	active := h.create(h.volumeServer("active", nil))
	clock.Advance(testBuild)
	building := h.create(h.volumeServer("building", nil))
	if err := h.sim.Flush(); err != nil {
		t.Fatal(err)
	}

	again, err := New(Options{Dir: dir, Clock: clock, Behaviour: simcore.Behaviour{BuildTime: testBuild}})
	if err != nil {
		t.Fatal(err)
	}
	// Flush before t.TempDir's cleanup removes the directory under a pending save.
	t.Cleanup(func() {
		if err := again.Flush(); err != nil {
			t.Error(err)
		}
	})
	h.sim, h.srv = again, httptest.NewServer(again)
	t.Cleanup(h.srv.Close)
	if st := h.status(active); st != "ACTIVE" {
		t.Fatalf("reloaded active server: %s", st)
	}
	if st := h.status(building); st != "BUILD" {
		t.Fatalf("reloaded building server: %s", st)
	}
	clock.Advance(testBuild)
	if st := h.status(building); st != "ACTIVE" {
		t.Fatalf("the reloaded build did not finish: %s", st)
	}
	// Ids continue where they stopped, so nothing is handed out twice.
	next := h.create(h.volumeServer("next", nil))
	for _, id := range []string{active, building} {
		if next == id {
			t.Fatalf("id %s handed out twice", id)
		}
	}
	body := h.must(200)(h.compute("GET", "/servers", nil))
	if diff := cmp.Diff([]string{"next", "building", "active"}, names(body)); diff != "" {
		t.Fatal(diff)
	}
}

func TestDeterministicIDs(t *testing.T) {
	var ids [2]string
	for i := range ids {
		h := newHarness(t, Options{})
		h.keypair("k")
		ids[i] = h.create(h.volumeServer("srv", nil))
	}
	if ids[0] != ids[1] {
		t.Fatalf("two fresh simulators gave %s and %s", ids[0], ids[1])
	}
}

func TestSavesWithoutFlush(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{Dir: dir})
	t.Cleanup(func() {
		if err := h.sim.Flush(); err != nil {
			t.Error(err)
		}
	})
	h.keypair("k")
	deadline := time.Now().Add(5 * time.Second)
	for {
		var d data
		found, err := simcore.LoadJSON(filepath.Join(dir, "nhn.json"), &d)
		if err != nil {
			t.Fatal(err)
		}
		if found && len(d.Keypairs) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the key pair was not saved within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
