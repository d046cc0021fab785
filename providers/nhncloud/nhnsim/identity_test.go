package nhnsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTokenResponse(t *testing.T) {
	h := newHarness(t, Options{Prefix: "/nhn", TokenTTL: 90 * time.Minute})
	u, p, tenant := h.sim.Credentials()
	_, _, body := h.raw("POST", "/identity/v2.0/tokens", "", map[string]any{"auth": map[string]any{
		"tenantId": tenant, "passwordCredentials": map[string]any{"username": u, "password": p}}})
	access := body["access"].(map[string]any)
	tok := access["token"].(map[string]any)
	if tok["expires"] != "2026-03-01T10:30:00Z" || tok["tenant"].(map[string]any)["enabled"] != true ||
		tok["tenant"].(map[string]any)["id"] != tenant {
		t.Fatalf("token: %v", tok)
	}
	var types []string
	for _, e := range access["serviceCatalog"].([]any) {
		entry := e.(map[string]any)
		types = append(types, entry["type"].(string))
		eps := entry["endpoints"].([]any)
		if entry["type"] != "identity" && eps[0].(map[string]any)["region"] == "KR1" {
			t.Errorf("%s lists KR1 first", entry["type"])
		}
		for _, ep := range eps {
			e := ep.(map[string]any)
			if e["region"] == "KR1" && !strings.HasPrefix(e["publicURL"].(string), h.srv.URL+"/nhn/") {
				t.Errorf("%s KR1 URL %v is not on the simulator", entry["type"], e["publicURL"])
			}
			if len(e) != 2 {
				t.Errorf("endpoint has more than region and publicURL: %v", e)
			}
		}
	}
	if diff := cmp.Diff([]string{"compute", "image", "identity", "volumev2", "network"}, types); diff != "" {
		t.Fatal(diff)
	}
	if got := h.sim.AuthURL(h.srv.URL); got != h.srv.URL+"/nhn/identity/v2.0" {
		t.Fatalf("AuthURL %s", got)
	}
}

func TestAuthFailures(t *testing.T) {
	h := newHarness(t, Options{TokenTTL: time.Hour})
	u, p, tenant := h.sim.Credentials()
	expired := h.token
	h.clock.Advance(time.Hour)
	fresh := h.issueToken()
	tests := map[string]struct {
		method, path, token string
		body                any
		want                int
	}{
		"wrong password": {"POST", "/identity/v2.0/tokens", "", map[string]any{"auth": map[string]any{
			"tenantId": tenant, "passwordCredentials": map[string]any{"username": u, "password": p + "x"}}}, 401},
		"wrong tenant": {"POST", "/identity/v2.0/tokens", "", map[string]any{"auth": map[string]any{
			"tenantId": "other", "passwordCredentials": map[string]any{"username": u, "password": p}}}, 401},
		"no auth":               {"POST", "/identity/v2.0/tokens", "", map[string]any{}, 400},
		"no token":              {"GET", "/compute/v2/" + tenant + "/servers", "", nil, 401},
		"unknown token":         {"GET", "/compute/v2/" + tenant + "/servers", "nope", nil, 401},
		"expired token":         {"GET", "/volume/v2/" + tenant + "/volumes", expired, nil, 401},
		"image with expired":    {"GET", "/image/v2/images", expired, nil, 401},
		"another tenant's URL":  {"GET", "/compute/v2/someone-else/servers", fresh, nil, 400},
		"fresh token":           {"GET", "/compute/v2/" + tenant + "/servers", fresh, nil, 200},
		"token from a token":    {"POST", "/identity/v2.0/tokens", "", map[string]any{"auth": map[string]any{"tenantId": tenant, "token": map[string]any{"id": fresh}}}, 200},
		"identity versions":     {"GET", "/identity/", "", nil, 300},
		"image versions":        {"GET", "/image/", "", nil, 300},
		"another region":        {"GET", "/KR2/compute/v2/" + tenant + "/servers", fresh, nil, 404},
		"unknown compute route": {"GET", "/compute/v2/" + tenant + "/nothing", fresh, nil, 404},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, hdr, body := h.raw(tc.method, tc.path, tc.token, tc.body)
			if code != tc.want {
				t.Fatalf("%d, want %d: %v", code, tc.want, body)
			}
			if code == 401 {
				e, _ := body["error"].(map[string]any)
				if e["code"] != float64(401) || e["title"] != "Unauthorized" {
					t.Fatalf("401 body: %v", body)
				}
				if tc.path != "/identity/v2.0/tokens" && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Keystone uri=") {
					t.Fatalf("WWW-Authenticate %q", hdr.Get("WWW-Authenticate"))
				}
			}
		})
	}
}

// Every answer carries a request id, as Nova's do, so client logs can name it.
func TestAnswersCarryARequestID(t *testing.T) {
	s, err := New(Options{Prefix: "/nhn"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ids := map[string]bool{}
	// The last path is outside the prefix: the sim's 404 is an answer too.
	for _, path := range []string{"/nhn/identity/v2.0/tokens", "/nhn/identity/v2.0/tokens", "/elsewhere"} {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Openstack-Request-Id")
		if !strings.HasPrefix(id, "req-") || ids[id] {
			t.Fatalf("request id %q: want a fresh req-<uuid>", id)
		}
		ids[id] = true
	}
}
