package nhnsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// t0 is where every fake clock starts.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// testBuild is the build time of test simulators: long enough to observe
// every intermediate state with the fake clock.
const testBuild = 40 * time.Second

type harness struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	clock *simcore.FakeClock
	token string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := simcore.NewFakeClock(t0)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	if opts.Behaviour.BuildTime == 0 {
		opts.Behaviour.BuildTime = testBuild
	}
	sim, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	h := &harness{t: t, sim: sim, srv: srv, clock: clock}
	h.token = h.issueToken()
	return h
}

func (h *harness) issueToken() string {
	h.t.Helper()
	u, p, tenant := h.sim.Credentials()
	code, _, body := h.raw("POST", "/identity/v2.0/tokens", "", map[string]any{"auth": map[string]any{
		"tenantId": tenant, "passwordCredentials": map[string]any{"username": u, "password": p}}})
	if code != 200 {
		h.t.Fatalf("token: %d %v", code, body)
	}
	return body["access"].(map[string]any)["token"].(map[string]any)["id"].(string)
}

// raw sends a request below the simulator's prefix and decodes a JSON answer.
func (h *harness) raw(method, path, token string, body any) (int, http.Header, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case []byte:
			rd = bytes.NewReader(b)
		default:
			data, err := json.Marshal(body)
			if err != nil {
				h.t.Fatal(err)
			}
			rd = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, h.srv.URL+h.sim.opts.Prefix+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	var out map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			h.t.Fatalf("%s %s: %d, body not JSON: %q", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, resp.Header, out
}

// compute calls Nova with the harness token.
func (h *harness) compute(method, rest string, body any) (int, http.Header, map[string]any) {
	h.t.Helper()
	return h.raw(method, "/compute/v2/"+h.sim.opts.TenantID+rest, h.token, body)
}

func (h *harness) volumeAPI(method, rest string, body any) (int, http.Header, map[string]any) {
	h.t.Helper()
	return h.raw(method, "/volume/v2/"+h.sim.opts.TenantID+rest, h.token, body)
}

// must fails unless the call answered want.
func (h *harness) must(want int) func(int, http.Header, map[string]any) map[string]any {
	return func(code int, _ http.Header, body map[string]any) map[string]any {
		h.t.Helper()
		if code != want {
			h.t.Fatalf("status %d, want %d: %v", code, want, body)
		}
		return body
	}
}

func (h *harness) keypair(name string) {
	h.t.Helper()
	h.must(200)(h.compute("POST", "/os-keypairs", map[string]any{"keypair": map[string]any{"name": name}}))
}

// volumeServer is a create body for a volume-backed server on m2.c2m4.
func (h *harness) volumeServer(name string, extra map[string]any) map[string]any {
	fx := h.sim.Fixtures()
	s := map[string]any{
		"name": name, "imageRef": "", "flavorRef": flavorID("m2.c2m4"), "key_name": "k",
		"networks": []any{map[string]any{"uuid": fx.Network}},
		"block_device_mapping_v2": []any{map[string]any{"source_type": "image", "uuid": fx.Image, "boot_index": 0,
			"volume_size": 20, "destination_type": "volume", "delete_on_termination": true, "volume_type": "General SSD"}},
	}
	for k, v := range extra {
		s[k] = v
	}
	return map[string]any{"server": s}
}

func (h *harness) create(body map[string]any) string {
	h.t.Helper()
	out := h.must(202)(h.compute("POST", "/servers", body))
	return out["server"].(map[string]any)["id"].(string)
}

// state returns status, vm_state, task_state ("" for null) and power_state.
func (h *harness) state(id string) (string, string, string, int) {
	h.t.Helper()
	s := h.must(200)(h.compute("GET", "/servers/"+id, nil))["server"].(map[string]any)
	task, _ := s["OS-EXT-STS:task_state"].(string)
	return s["status"].(string), s["OS-EXT-STS:vm_state"].(string), task, int(s["OS-EXT-STS:power_state"].(float64))
}

func (h *harness) status(id string) string {
	h.t.Helper()
	st, _, _, _ := h.state(id)
	return st
}

func (h *harness) volumeStatus(id string) string {
	h.t.Helper()
	return h.must(200)(h.volumeAPI("GET", "/volumes/"+id, nil))["volume"].(map[string]any)["status"].(string)
}
