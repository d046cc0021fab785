package ncloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
)

// The testdata/seedNNN_* files are the request and response examples of
// shared/seeds/NNN_*.txt, copied verbatim.

// seedRequest reads a seed's curl example: the path and the parameters in
// their order, with the masked values ("***75", "test-***") replaced.
func seedRequest(t *testing.T, file string, unmask map[string]string) (path, rawQuery string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`'https://[^/]+(/[^\s?]*)\s*\?([^']*)'`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("%s: no curl URL", file)
	}
	path = m[1]
	var parts []string
	for _, line := range strings.Fields(m[2]) {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "&"), "=")
		if strings.Contains(v, "*") {
			r, ok := unmask[k]
			if !ok {
				t.Fatalf("%s: no value for masked %s=%s", file, k, v)
			}
			v = r
		}
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return path, strings.Join(parts, "&")
}

// seedResponse reads a seed's response example. Seed 000's has a trailing
// comma before its closing braces, which JSON does not allow; it is dropped.
func seedResponse(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`,(\s*})`).ReplaceAll(b, []byte("$1"))
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// shapeDiff lists every field of want that got lacks or has with another
// JSON type, recursing into objects and the first element of arrays.
func shapeDiff(path string, want, got any) []string {
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	if kind(want) != kind(got) {
		return []string{fmt.Sprintf("%s: type %s, want %s", path, kind(got), kind(want))}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, shapeDiff(path+"."+k, w[k], gv)...)
		}
	case []any:
		g := got.([]any)
		if len(w) > 0 {
			if len(g) == 0 {
				return []string{path + ": empty, want elements"}
			}
			out = append(out, shapeDiff(path+"[0]", w[0], g[0])...)
		}
	}
	return out
}

func TestSeedExamples(t *testing.T) {
	tests := map[string]struct {
		seed    string
		prepare func(h *harness) map[string]string // unmasked values
	}{
		"000 createServerInstances": {seed: "000", prepare: func(h *harness) map[string]string {
			h.call("createLoginKey", "keyName", "test-key").ok(h.t)
			return map[string]string{"vpcNo": "75", "subnetNo": "36", "serverName": "test-web",
				"networkInterfaceList.1.accessControlGroupNoList.1": "43", "loginKeyName": "test-key"}
		}},
		"001 startServerInstances": {seed: "001", prepare: func(h *harness) map[string]string {
			return map[string]string{"serverInstanceNoList.1": h.stopped("test-web")}
		}},
		"003 createMemberServerImageInstance": {seed: "003", prepare: func(h *harness) map[string]string {
			return map[string]string{"serverInstanceNo": h.running("test-web"), "memberServerImageName": "test-image"}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			path, query := seedRequest(t, "testdata/seed"+tc.seed+"_request.txt", tc.prepare(h))
			// The createMemberServerImageInstance page leaves /vserver/v2 out
			// of its URI, a docs typo (ncp.md §2.3).
			if !strings.HasPrefix(path, prefixVserver) {
				path = prefixVserver + strings.TrimPrefix(path, "/")
			}
			r := h.do(http.MethodGet, path+"?"+query, nil, signature.HeaderSignatureV2)
			r.ok(t)
			var got map[string]any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			want := seedResponse(t, "testdata/seed"+tc.seed+"_response.json")
			if d := shapeDiff("", want, got); len(d) > 0 {
				t.Errorf("answer differs in shape from the seed example:\n%s\nbody: %s", strings.Join(d, "\n"), r.body)
			}
		})
	}
}

// TestSeedCreateValues: the seed 000 request yields the values its example shows.
func TestSeedCreateValues(t *testing.T) {
	h := newHarness(t, nil)
	h.call("createLoginKey", "keyName", "test-key").ok(t)
	path, query := seedRequest(t, "testdata/seed000_request.txt", map[string]string{"vpcNo": "75", "subnetNo": "36",
		"serverName": "test-web", "networkInterfaceList.1.accessControlGroupNoList.1": "43", "loginKeyName": "test-key"})
	r := h.do(http.MethodGet, path+"?"+query, nil, signature.HeaderSignatureV2)
	srv := r.list(t, "serverInstanceList")[0]
	want := seedResponse(t, "testdata/seed000_response.json")["createServerInstancesResponse"].(map[string]any)["serverInstanceList"].([]any)[0].(map[string]any)
	for _, k := range []string{"cpuCount", "memorySize", "platformType", "serverInstanceStatus", "serverInstanceOperation",
		"serverInstanceStatusName", "serverImageProductCode", "serverProductCode", "isProtectServerTermination",
		"zoneCode", "regionCode", "vpcNo", "subnetNo", "networkInterfaceNoList", "serverInstanceType",
		"baseBlockStorageDiskType", "baseBlockStorageDiskDetailType", "hypervisorType", "serverImageNo", "serverSpecCode",
		"publicIp", "initScriptNo", "eventList"} {
		if jsonString(srv[k]) != jsonString(want[k]) {
			t.Errorf("%s = %s, want %s as in the seed", k, jsonString(srv[k]), jsonString(want[k]))
		}
	}
	if r.inner["totalRows"] != 1.0 {
		t.Errorf("totalRows = %v", r.inner["totalRows"])
	}
	// dates in KST with a colon-less offset, parseable with the documented layout
	if srv["createDate"] != "2026-11-22T19:00:00+0900" || srv["uptime"] != srv["createDate"] {
		t.Errorf("createDate %v uptime %v", srv["createDate"], srv["uptime"])
	}
	if at, err := time.Parse("2006-01-02T15:04:05-0700", srv["createDate"].(string)); err != nil || !at.Equal(t0) {
		t.Errorf("createDate parses to %v, %v; want %v", at, err, t0)
	}
	no := srv["serverInstanceNo"].(string)
	h.advance(fInit + fCreat + 0.01)
	got := h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	if got["vpcNo"] != "75" || got["subnetNo"] != "36" || len(got["networkInterfaceNoList"].([]any)) != 1 {
		t.Errorf("re-read after create lacks the network: %s", jsonString(got))
	}
	if got["publicIp"] == "" || got["publicIpInstanceNo"] == "" {
		t.Errorf("associateWithPublicIp=true gave no public IP once running: %s", jsonString(got))
	}
}

// TestShapeDiff: the shape check notices a missing field, a wrong JSON
// type and an empty list where the seed has elements.
func TestShapeDiff(t *testing.T) {
	want := map[string]any{"a": "1", "b": 2.0, "l": []any{map[string]any{"x": true}}}
	tests := map[string]struct {
		got  map[string]any
		diff []string
	}{
		"same shape":   {map[string]any{"a": "9", "b": 0.0, "l": []any{map[string]any{"x": false}}, "extra": 1.0}, nil},
		"missing":      {map[string]any{"b": 0.0, "l": []any{map[string]any{"x": false}}}, []string{".a: missing"}},
		"number as id": {map[string]any{"a": 1.0, "b": 0.0, "l": []any{map[string]any{"x": false}}}, []string{".a: type float64, want string"}},
		"nested":       {map[string]any{"a": "1", "b": 0.0, "l": []any{map[string]any{"x": "true"}}}, []string{".l[0].x: type string, want bool"}},
		"empty list":   {map[string]any{"a": "1", "b": 0.0, "l": []any{}}, []string{".l: empty, want elements"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := shapeDiff("", want, tc.got)
			if strings.Join(got, "\n") != strings.Join(tc.diff, "\n") {
				t.Errorf("got %q, want %q", got, tc.diff)
			}
		})
	}
}
