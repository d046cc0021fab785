package nhnsim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The simulator's catalog carries the seeds' image, flavor, subnet and
// security group ids (catalog.go), so their examples are sent as they are;
// only what a test creates (a volume) and what the guide elides (key
// material) are put in.
const (
	seedSubnet    = "b83863ff-0355-4c73-8c10-0bdf66a69aab"
	seedFlavor    = "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d"
	seedVolume    = "a07f71dc-8151-4e7d-a0cc-cd24a3f11113"
	seedElidedKey = "ssh-rsa ... Generated-by-Nova"
	seedKeyName   = "access-key"
)

func TestFixturesAreTheSeedsIDs(t *testing.T) {
	h := newHarness(t, Options{})
	fx := h.sim.Fixtures()
	got := []string{fx.TenantID, fx.Image, fx.Subnet, flavorID(fx.Flavor), flavorID("m2.c8m16")}
	want := []string{"6cdebe3eb0094910bc41f1d42ebe4cb7", "9956f822-29c9-4f81-9410-0c392d9c8c24", seedSubnet, seedFlavor,
		"b5f1c148-732c-417d-9d1b-1dffca105dbe"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func readSeed(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// seedServer creates a server from the guide's own create request, on
// vpc2 (the network name the guide's responses use as the addresses key)
// and with the flavor asked for, lets it build, and returns its id.
func seedServer(t *testing.T, h *harness, flavorName string) string {
	t.Helper()
	h.keypair(seedKeyName)
	body := strings.NewReplacer(seedFlavor, flavorID(flavorName), seedSubnet, vpcs[1].SubnetID).
		Replace(readSeed(t, "004_11_server_create.request.json"))
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if flavorName == "u2.c2m4" {
		// U2 boots from its local disk: the guide's volume BDM does not apply.
		delete(m["server"].(map[string]any), "block_device_mapping_v2")
	}
	id := h.create(m)
	h.clock.Advance(2 * testBuild)
	return id
}

// seedVolumeFor makes an available data volume in the server's zone.
func seedVolumeFor(t *testing.T, h *harness) string {
	t.Helper()
	out := h.must(202)(h.volumeAPI("POST", "/volumes", map[string]any{"volume": map[string]any{
		"size": 10, "availability_zone": "kr-pub-a", "volume_type": "General SSD"}}))
	h.clock.Advance(testBuild)
	return out["volume"].(map[string]any)["id"].(string)
}

// TestSeedRequestsAccepted sends every request example of both guide
// editions to the state the guide requires, with the seed's ids replaced by
// the simulator's.
func TestSeedRequestsAccepted(t *testing.T) {
	type prep func(t *testing.T, h *harness) (path string, subst []string)
	onServer := func(flavor, stateAction string) prep {
		return func(t *testing.T, h *harness) (string, []string) {
			id := seedServer(t, h, flavor)
			if stateAction != "" {
				h.must(202)(h.compute("POST", "/servers/"+id+"/action", map[string]any{stateAction: nil}))
				h.clock.Advance(2 * testBuild)
			}
			return "/servers/" + id + "/action", nil
		}
	}
	tests := map[string]struct {
		file   string
		method string
		prep   prep
		want   int
	}{
		"create keypair": {"004_06_keypair_create.request.json", "POST", func(t *testing.T, h *harness) (string, []string) {
			out := h.must(200)(h.compute("POST", "/os-keypairs", map[string]any{"keypair": map[string]any{"name": "gen"}}))
			pub := out["keypair"].(map[string]any)["public_key"].(string)
			return "/os-keypairs", []string{seedElidedKey, pub}
		}, 200},
		"create server (004)": {"004_11_server_create.request.json", "POST", func(t *testing.T, h *harness) (string, []string) {
			h.keypair(seedKeyName)
			return "/servers", nil
		}, 202},
		"create server (002)": {"002_01_server_create.request.json", "POST", func(t *testing.T, h *harness) (string, []string) {
			h.keypair(seedKeyName)
			return "/servers", nil
		}, 202},
		"rename": {"004_13_server_update.request.json", "PUT", func(t *testing.T, h *harness) (string, []string) {
			return "/servers/" + seedServer(t, h, "m2.c4m8"), nil
		}, 200},
		"attach volume": {"004_16_attachment_create.request.json", "POST", func(t *testing.T, h *harness) (string, []string) {
			id := seedServer(t, h, "m2.c4m8")
			return "/servers/" + id + "/os-volume_attachments", []string{seedVolume, seedVolumeFor(t, h)}
		}, 200},
		"start (004)":        {"004_18_action_start.request.json", "POST", onServer("m2.c4m8", "os-stop"), 202},
		"start (002)":        {"002_05_action_start.request.json", "POST", onServer("m2.c4m8", "os-stop"), 202},
		"stop (004)":         {"004_19_action_stop.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"stop (002)":         {"002_04_action_stop.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"reboot":             {"004_20_action_reboot.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"resize":             {"004_21_action_resize.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"create image":       {"004_22_action_create_image.request.json", "POST", onServer("u2.c2m4", ""), 202},
		"add security group": {"004_23_action_add_security_group.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"remove security group": {"004_24_action_remove_security_group.request.json", "POST", func(t *testing.T, h *harness) (string, []string) {
			path, subst := onServer("m2.c4m8", "")(t, h)
			h.must(202)(h.compute("POST", path, map[string]any{"addSecurityGroup": map[string]any{"name": "test"}}))
			return path, subst
		}, 202},
		"shelve (terminate)":          {"002_02_action_shelve.request.json", "POST", onServer("m2.c4m8", ""), 202},
		"unshelve (start terminated)": {"002_03_action_unshelve.request.json", "POST", onServer("m2.c4m8", "shelve"), 202},
	}
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	files := map[string]bool{}
	for _, name := range names {
		tc := tests[name]
		files[tc.file] = true
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			path, subst := tc.prep(t, h)
			body := readSeed(t, tc.file)
			if subst != nil {
				body = strings.NewReplacer(subst...).Replace(body)
			}
			if code, _, out := h.compute(tc.method, path, []byte(body)); code != tc.want {
				t.Fatalf("%s %s: %d, want %d: %v", tc.method, path, code, tc.want, out)
			}
		})
	}
	all, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.request.json"))
	for _, f := range all {
		if !files[filepath.Base(f)] {
			t.Errorf("request example %s is not sent", filepath.Base(f))
		}
	}
}

// TestSeedResponsesMatch checks that every field of every response example
// is in the simulator's answer to the same call, with the same JSON type.
func TestSeedResponsesMatch(t *testing.T) {
	h := newHarness(t, Options{})
	id := seedServer(t, h, "m2.c4m8")
	vol := seedVolumeFor(t, h)
	attach := h.must(200)(h.compute("POST", "/servers/"+id+"/os-volume_attachments",
		map[string]any{"volumeAttachment": map[string]any{"volumeId": vol}}))
	h.clock.Advance(testBuild)
	_, pub := func() (int, string) {
		out := h.must(200)(h.compute("POST", "/os-keypairs", map[string]any{"keypair": map[string]any{"name": "gen"}}))
		return 0, out["keypair"].(map[string]any)["public_key"].(string)
	}()
	created := h.must(202)(h.compute("POST", "/servers", []byte(readSeed(t, "002_01_server_create.request.json"))))
	imported := h.must(200)(h.compute("POST", "/os-keypairs", map[string]any{"keypair": map[string]any{"name": "imported", "public_key": pub}}))

	tests := map[string]struct {
		file string
		got  func() map[string]any
	}{
		"flavors":            {"004_01_flavors_list.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/flavors", nil)) }},
		"flavors detail":     {"004_02_flavors_detail.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/flavors/detail", nil)) }},
		"availability zones": {"004_03_availability_zones.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/os-availability-zone", nil)) }},
		"keypairs":           {"004_04_keypairs_list.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/os-keypairs", nil)) }},
		"keypair":            {"004_05_keypair_get.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/os-keypairs/gen", nil)) }},
		"create keypair":     {"004_07_keypair_create.response.json", func() map[string]any { return imported }},
		"servers":            {"004_08_servers_list.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/servers", nil)) }},
		"servers detail": {"004_09_servers_detail.response.json", func() map[string]any {
			return h.must(200)(h.compute("GET", "/servers/detail?name=^DB-Master$&status=ACTIVE", nil))
		}},
		"server":        {"004_10_server_get.response.json", func() map[string]any { return h.must(200)(h.compute("GET", "/servers/"+id, nil)) }},
		"create server": {"004_12_server_create.response.json", func() map[string]any { return created }},
		"volume attachments": {"004_14_attachments_list.response.json", func() map[string]any {
			return h.must(200)(h.compute("GET", "/servers/"+id+"/os-volume_attachments", nil))
		}},
		"volume attachment": {"004_15_attachment_get.response.json", func() map[string]any {
			return h.must(200)(h.compute("GET", "/servers/"+id+"/os-volume_attachments/"+vol, nil))
		}},
		"attach volume": {"004_17_attachment_create.response.json", func() map[string]any { return attach }},
	}
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	files := map[string]bool{}
	for _, name := range names {
		tc := tests[name]
		files[tc.file] = true
		t.Run(name, func(t *testing.T) {
			var seed any
			if err := json.Unmarshal([]byte(readSeed(t, tc.file)), &seed); err != nil {
				t.Fatal(err)
			}
			// Round-trip the answer so both sides are plain decoded JSON.
			data, err := json.Marshal(tc.got())
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			for _, d := range shapeDiff("", seed, got) {
				t.Error(d)
			}
		})
	}
	all, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.response.json"))
	for _, f := range all {
		if !files[filepath.Base(f)] {
			t.Errorf("response example %s is not checked", filepath.Base(f))
		}
	}
}

// shapeDiff lists where got lacks a field of seed or has another JSON
// type. A null in the seed says nothing about the type; every element of
// a list in got must have the shape of the seed's first element.
func shapeDiff(path string, seed, got any) []string {
	kind := func(v any) string {
		switch v.(type) {
		case map[string]any:
			return "object"
		case []any:
			return "array"
		case string:
			return "string"
		case float64:
			return "number"
		case bool:
			return "bool"
		}
		return "null"
	}
	if seed == nil {
		return nil
	}
	if kind(seed) != kind(got) {
		return []string{fmt.Sprintf("%s: seed has %s, simulator %s (%v)", path, kind(seed), kind(got), got)}
	}
	var out []string
	switch s := seed.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			out = append(out, shapeDiff(path+"."+k, s[k], v)...)
		}
	case []any:
		g := got.([]any)
		if len(s) > 0 && len(g) == 0 {
			return []string{path + ": simulator's list is empty"}
		}
		for i, v := range g {
			if len(s) > 0 {
				out = append(out, shapeDiff(fmt.Sprintf("%s[%d]", path, i), s[0], v)...)
			}
		}
	}
	return out
}

func TestShapeDiff(t *testing.T) {
	tests := map[string]struct {
		seed, got string
		diffs     int
	}{
		"same shape":          {`{"a": 1, "b": [{"c": "x"}]}`, `{"a": 2, "b": [{"c": "y", "d": 1}, {"c": "z"}]}`, 0},
		"null says nothing":   {`{"a": null}`, `{"a": "x"}`, 0},
		"missing field":       {`{"a": 1, "b": 2}`, `{"a": 1}`, 1},
		"other type":          {`{"a": 1}`, `{"a": "1"}`, 1},
		"bad list element":    {`{"b": [{"c": "x"}]}`, `{"b": [{"c": "y"}, {"c": 3}]}`, 1},
		"empty list":          {`{"b": [1]}`, `{"b": []}`, 1},
		"null where a string": {`{"a": "x"}`, `{"a": null}`, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var seed, got any
			if err := json.Unmarshal([]byte(tc.seed), &seed); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.got), &got); err != nil {
				t.Fatal(err)
			}
			if d := shapeDiff("", seed, got); len(d) != tc.diffs {
				t.Fatalf("%d differences, want %d: %v", len(d), tc.diffs, d)
			}
		})
	}
}
