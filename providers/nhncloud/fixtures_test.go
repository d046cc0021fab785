package nhncloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	th "github.com/gophercloud/gophercloud/v2/testhelper"
)

const (
	fakeTenant   = "f5073eaa26b64cffbee89411df94ce01"
	fakeUser     = "user@example.com"
	fakePassword = "api-pw-Secr3t!"
)

// fake is an NHN-shaped cloud for request-level tests: Keystone v2.0 with
// a catalog that lists KR2 before KR1, and a mux tests add Nova, Cinder
// and Glance handlers to. Handlers check method, path, token and body.
type fake struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu     sync.Mutex
	tokens int // tokens issued
	// tokenFaults are answered, in order, to the next token requests
	// instead of a token (a status, or 0 to drop the connection).
	tokenFaults []int
	calls       map[string]int // "METHOD /path" → count
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, mux: http.NewServeMux(), calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls[r.Method+" "+r.URL.Path]++
		f.mu.Unlock()
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	f.mux.HandleFunc("POST /identity/v2.0/tokens", f.issueToken)
	f.mux.HandleFunc("GET /image/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMultipleChoices)
		fmt.Fprint(w, `{"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": "`+f.srv.URL+`/image/v2/"}]}]}`)
	})
	f.handle("GET /compute/v2/"+fakeTenant+"/flavors/detail", "", http.StatusOK, flavorsBody)
	return f
}

// token is the id of the n-th token issued (1-based).
func token(n int) string { return fmt.Sprintf("gAAAAAtoken%04dsecret", n) }

func (f *fake) tokenCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens
}

func (f *fake) currentToken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return token(f.tokens)
}

func (f *fake) issueToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault := -1
	if len(f.tokenFaults) > 0 {
		fault, f.tokenFaults = f.tokenFaults[0], f.tokenFaults[1:]
	}
	f.mu.Unlock()
	switch {
	case fault == 0:
		if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
			c.Close()
		}
		return
	case fault > 0:
		reply(w, fault, `{"error": {"code": `+fmt.Sprint(fault)+`, "title": "Service Unavailable", "message": "try again"}}`)
		return
	}
	var req struct {
		Auth struct {
			TenantID    string `json:"tenantId"`
			Credentials struct {
				Username, Password string
			} `json:"passwordCredentials"`
		}
	}
	decode(f.t, r, &req)
	if a := req.Auth; a.TenantID != fakeTenant || a.Credentials.Username != fakeUser || a.Credentials.Password != fakePassword {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+f.srv.URL+`/identity"`)
		reply(w, http.StatusUnauthorized, `{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}`)
		return
	}
	if r.Header.Get("X-Auth-Token") != "" {
		f.t.Errorf("token request carries X-Auth-Token")
	}
	f.mu.Lock()
	f.tokens++
	tok := token(f.tokens)
	f.mu.Unlock()
	ep := func(region, path string) string {
		return `{"region": "` + region + `", "publicURL": "` + f.srv.URL + path + `"}`
	}
	body := `{"access": {"token": {"id": "` + tok + `", "expires": "2099-01-01T00:00:00Z", "tenant": {"id": "` + fakeTenant + `", "name": "t", "enabled": true}},
	  "serviceCatalog": [
	    {"type": "compute", "name": "nova", "endpoints": [` + ep("KR2", "/kr2/v2/"+fakeTenant) + `, ` + ep("KR1", "/compute/v2/"+fakeTenant) + `]},
	    {"type": "volumev2", "name": "cinderv2", "endpoints": [` + ep("KR2", "/kr2vol/v2/"+fakeTenant) + `, ` + ep("KR1", "/volume/v2/"+fakeTenant) + `]},
	    {"type": "image", "name": "glance", "endpoints": [` + ep("KR2", "/kr2image") + `, ` + ep("KR1", "/image") + `]},
	    {"type": "identity", "name": "keystone", "endpoints": [` + ep("KR1", "/identity/v2.0") + `]}],
	  "user": {"id": "u1", "name": "` + fakeUser + `", "roles": []}, "metadata": {"roles": [], "is_admin": 0}}}`
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

// handle registers a handler that checks the token and, when wantBody is
// not empty, the JSON body (whitespace and key order do not matter), then
// answers status with body.
func (f *fake) handle(pattern, wantBody string, status int, body string) {
	f.mux.HandleFunc(pattern, f.check(wantBody, func(w http.ResponseWriter, r *http.Request) {
		reply(w, status, body)
	}))
}

// check wraps h with the token and body checks.
func (f *fake) check(wantBody string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Any token issued so far: a call sent while another one renews
		// an expired token carries the old one (the inventory's lists run
		// at once).
		f.mu.Lock()
		n := f.tokens
		f.mu.Unlock()
		got, issued := r.Header.Get("X-Auth-Token"), false
		for i := 1; i <= n; i++ {
			issued = issued || got == token(i)
		}
		if !issued {
			f.t.Errorf("X-Auth-Token = %q, want one of the %d tokens issued", got, n)
		}
		if wantBody != "" {
			th.TestJSONRequest(f.t, r, wantBody)
		}
		h(w, r)
	}
}

func reply(w http.ResponseWriter, status int, body string) {
	if body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("X-Openstack-Request-Id", "req-0b8a")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// sequence answers the i-th request with replies[i], repeating the last.
func sequence(replies ...func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(replies)-1)
		n++
		mu.Unlock()
		replies[i](w, r)
	}
}

func answer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { reply(w, status, body) }
}

func (f *fake) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fake) config() Config {
	return Config{
		AuthURL: f.srv.URL + "/identity/v2.0", Username: fakeUser, Password: fakePassword,
		TenantID: fakeTenant, Region: "KR1", PollInterval: 10 * time.Millisecond,
		RequestsPerSecond: 1000, MaxRetries: 3,
	}
}

// provider connects to the fake with retries that do not sleep.
func (f *fake) provider(t *testing.T, mutate ...func(*Config)) *Provider {
	t.Helper()
	cfg := f.config()
	for _, m := range mutate {
		m(&cfg)
	}
	p, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p.retry.sleep = func(context.Context, time.Duration) error { return nil }
	t.Cleanup(func() { p.Close() })
	return p
}

func computePath(rest string) string { return "/compute/v2/" + fakeTenant + rest }
func volumePath(rest string) string  { return "/volume/v2/" + fakeTenant + rest }

// bufferLogger logs debug records as text into a buffer.
func bufferLogger() (*slog.Logger, *syncBuffer) {
	var b syncBuffer
	return slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serverJSON renders one server object of servers/detail.
func serverJSON(id, name, status, task, flavorID string, md map[string]string) string {
	t := "null"
	if task != "" {
		t = `"` + task + `"`
	}
	m, _ := json.Marshal(md)
	return `{"id": "` + id + `", "name": "` + name + `", "status": "` + status + `", "OS-EXT-STS:task_state": ` + t + `,
	  "OS-EXT-STS:vm_state": "` + strings.ToLower(status) + `", "OS-EXT-AZ:availability_zone": "kr-pub-a",
	  "flavor": {"id": "` + flavorID + `", "links": []}, "image": "", "key_name": "access-key",
	  "addresses": {"Default Network": [{"addr": "192.168.0.10", "version": 4, "OS-EXT-IPS:type": "fixed"}]},
	  "security_groups": [{"name": "web"}, {"name": "default"}, {"name": "web"}],
	  "os-extended-volumes:volumes_attached": [{"id": "vol-root"}, {"id": "vol-data"}],
	  "metadata": ` + string(m) + `, "created": "2026-11-22T10:00:00Z", "updated": "2026-11-22T10:00:00Z"}`
}

const (
	flavorM2C4M8  = "a4b6a0f7-aeff-4d78-a8d5-7de9f007012d"
	flavorM2C8M16 = "0f19a344-bc66-4228-8cb1-fb9ca82c54f5"
	flavorU2C2M4  = "013bea75-8541-4c6f-9abe-a03fee3d74fe"
)

const flavorsBody = `{"flavors": [
  {"id": "` + flavorM2C4M8 + `", "name": "m2.c4m8", "ram": 8192, "vcpus": 4, "disk": 0, "swap": "", "links": []},
  {"id": "` + flavorM2C8M16 + `", "name": "m2.c8m16", "ram": 16384, "vcpus": 8, "disk": 0, "swap": "", "links": []},
  {"id": "` + flavorU2C2M4 + `", "name": "u2.c2m4", "ram": 4096, "vcpus": 2, "disk": 50, "swap": "", "links": []}]}`

func decode(t *testing.T, r *http.Request, v any) {
	t.Helper()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatalf("decode request body: %v", err)
	}
}

// errAny stands for "some error" in tables.
var errAny = errors.New("any error")

func ptr[T any](v T) *T { return &v }

func itoa(n int) string { return strconv.Itoa(n) }

func cut(pattern string) (method, path string, ok bool) { return strings.Cut(pattern, " ") }

// checkJSON compares a request body with want, ignoring whitespace and key order.
func checkJSON(t *testing.T, r *http.Request, want string) {
	t.Helper()
	th.TestJSONRequest(t, r, want)
}

// checkJSONOneOf accepts a body equal to any of wants.
func checkJSONOneOf(t *testing.T, r *http.Request, wants []string) {
	t.Helper()
	var got any
	decode(t, r, &got)
	for _, w := range wants {
		var want any
		if json.Unmarshal([]byte(w), &want) == nil && cmp.Equal(got, want) {
			return
		}
	}
	t.Errorf("body %v is none of %v", got, wants)
}
