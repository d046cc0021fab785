package coverage

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/fleet-iac/fleet/command"
	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// request is one call the simulator received, as the client sent it.
type request struct {
	Method, Path string
	RawQuery     string
	Form         url.Values // NCP: query and form body merged
	Body         []byte     // NHN: the JSON body
	Status       int        // the simulator's answer
}

// cloud is both simulators behind a recorder: every request fleet sends is
// kept, so a test can check the exact parameters that reached the API, and
// then read the result back through the simulator's own API.
type cloud struct {
	t    *testing.T
	sim  *sim.Server
	ts   *httptest.Server
	mu   sync.Mutex
	reqs []request
	dir  string // the fleet directory
}

// newCloud starts the simulators with fast transitions and points fleet's
// credentials at them. Tests using it cannot run in parallel (t.Setenv).
func newCloud(t *testing.T) *cloud {
	t.Helper()
	s, err := sim.New(sim.Config{Behaviour: simcore.Behaviour{BuildTime: 50 * time.Millisecond}})
	if err != nil {
		t.Fatalf("simulators: %v", err)
	}
	c := &cloud{t: t, sim: s, dir: t.TempDir()}
	c.ts = httptest.NewServer(http.HandlerFunc(c.record))
	t.Cleanup(c.ts.Close)
	ak, sk := s.NCP.Credentials()
	user, pass, tenant := s.NHN.Credentials()
	for k, v := range map[string]string{
		"NCLOUD_ACCESS_KEY": ak, "NCLOUD_SECRET_KEY": sk, "NCLOUD_API_GW": "",
		"OS_USERNAME": user, "OS_PASSWORD": pass, "OS_TENANT_ID": tenant, "OS_AUTH_URL": "", "OS_REGION_NAME": "",
		"NCLOUD_ACCESS_KEY_ID": "", "NCLOUD_SECRET_ACCESS_KEY": "", "FLEET_LOG": "", "NO_COLOR": "1",
	} {
		t.Setenv(k, v)
	}
	return c
}

// record keeps the request and passes it to the simulators.
func (c *cloud) record(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	req := request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	if strings.HasPrefix(r.URL.Path, sim.NHNPrefix+"/") {
		req.Body = body
	} else if !strings.HasPrefix(r.URL.Path, sim.AdminPrefix) {
		req.Form = r.URL.Query()
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range form {
				req.Form[k] = append(req.Form[k], vs...)
			}
		}
	}
	c.mu.Lock()
	i := len(c.reqs)
	c.reqs = append(c.reqs, req)
	c.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	c.sim.Handler().ServeHTTP(sw, r)
	c.mu.Lock()
	c.reqs[i].Status = sw.status
	c.mu.Unlock()
}

// statusWriter keeps the status a handler answers with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// ncpEndpoint and nhnEndpoint are the providers' endpoint values.
func (c *cloud) ncpEndpoint() string { return c.ts.URL }
func (c *cloud) nhnEndpoint() string { return c.sim.NHN.AuthURL(c.ts.URL) }

// requests returns every request so far, in order.
func (c *cloud) requests() []request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]request(nil), c.reqs...)
}

// ncpCalls returns the forms of the NCP calls to operation op, in order.
func (c *cloud) ncpCalls(op string) []url.Values {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []url.Values
	for _, r := range c.reqs {
		if r.Form != nil && strings.HasSuffix(r.Path, "/"+op) {
			out = append(out, r.Form)
		}
	}
	return out
}

// nhnCalls returns the JSON bodies of the NHN calls whose method is method
// and whose path (below the tenant) matches pattern, where * stands for one
// segment; for actions, key names the action the body must carry.
func (c *cloud) nhnCalls(method, pattern, key string) []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, r := range c.reqs {
		if r.Method != method || r.Form != nil || !pathMatches(r.Path, pattern) {
			continue
		}
		var body map[string]any
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &body); err != nil {
				c.t.Fatalf("%s %s: body is not JSON: %v", r.Method, r.Path, err)
			}
		}
		if key != "" {
			if _, ok := body[key]; !ok {
				continue
			}
		}
		out = append(out, body)
	}
	return out
}

// pathMatches reports whether path ends with pattern's segments, * matching
// any one segment.
func pathMatches(path, pattern string) bool {
	ps, qs := strings.Split(strings.Trim(path, "/"), "/"), strings.Split(strings.Trim(pattern, "/"), "/")
	if len(ps) < len(qs) {
		return false
	}
	ps = ps[len(ps)-len(qs):]
	for i, q := range qs {
		if q != "*" && q != ps[i] {
			return false
		}
	}
	return true
}

// apply writes fleet.yaml and runs `fleet apply --auto-approve` in process.
func (c *cloud) apply(fleetYAML string) string {
	c.t.Helper()
	code, out, errs := c.run(fleetYAML, "apply", "--auto-approve")
	if code != 0 {
		c.t.Fatalf("fleet apply: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	return out
}

// run writes fleet.yaml and runs fleet with args and -f the directory.
func (c *cloud) run(fleetYAML string, args ...string) (int, string, string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "fleet.yaml"), []byte(fleetYAML), 0o644); err != nil {
		c.t.Fatal(err)
	}
	var out, errs bytes.Buffer
	argv := append([]string{"fleet"}, args...)
	argv = append(argv, "-f", c.dir)
	code := command.Run(argv, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

// writeFile writes a file beside fleet.yaml.
func (c *cloud) writeFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// stateID returns the cloud id the state records for address.
func (c *cloud) stateID(address string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, "fleet.lock"))
	if err != nil {
		c.t.Fatal(err)
	}
	var doc struct {
		Resources []struct {
			Address string `json:"address"`
			ID      string `json:"id"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		c.t.Fatalf("fleet.lock: %v", err)
	}
	for _, r := range doc.Resources {
		if r.Address == address {
			return r.ID
		}
	}
	c.t.Fatalf("fleet.lock has no %s:\n%s", address, b)
	return ""
}

// ncp calls an NCP operation with a signed GET, as the SDK would, and
// decodes the "<op>Response" object into out.
func (c *cloud) ncp(op string, params url.Values, out any) {
	c.t.Helper()
	params.Set("responseFormatType", "json")
	uri := "/vserver/v2/" + op + "?" + params.Encode()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	ak, sk := c.sim.NCP.Credentials()
	req, err := http.NewRequest(http.MethodGet, c.ts.URL+uri, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("x-ncp-apigw-timestamp", ts)
	req.Header.Set("x-ncp-iam-access-key", ak)
	req.Header.Set("x-ncp-apigw-signature-v2", signature.Sign(http.MethodGet, uri, ts, ak, sk))
	resp, err := c.ts.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: %d %s", op, resp.StatusCode, body)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
	if err := json.Unmarshal(env[op+"Response"], out); err != nil {
		c.t.Fatalf("%s: %v in %s", op, err, body)
	}
}

// nhnCompute is a gophercloud compute client authenticated against the
// NHN simulator, the way any OpenStack tool would reach it.
func (c *cloud) nhnCompute() *gophercloud.ServiceClient {
	c.t.Helper()
	ctx := context.Background()
	user, pass, tenant := c.sim.NHN.Credentials()
	pc, err := openstack.NewClient(c.nhnEndpoint())
	if err != nil {
		c.t.Fatal(err)
	}
	if err := openstack.Authenticate(ctx, pc, gophercloud.AuthOptions{IdentityEndpoint: c.nhnEndpoint(), Username: user, Password: pass, TenantID: tenant}); err != nil {
		c.t.Fatalf("authenticate: %v", err)
	}
	sc, err := openstack.NewComputeV2(pc, gophercloud.EndpointOpts{Region: c.sim.NHN.Fixtures().Region})
	if err != nil {
		c.t.Fatal(err)
	}
	return sc
}

// get fetches one JSON document from the NHN compute API below the tenant.
func (c *cloud) nhnGet(sc *gophercloud.ServiceClient, path string, out any) {
	c.t.Helper()
	if _, err := sc.Get(context.Background(), sc.ServiceURL(strings.Split(strings.Trim(path, "/"), "/")...), out, nil); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

// one expects exactly one element and returns it.
func one[T any](t *testing.T, what string, xs []T) T {
	t.Helper()
	if len(xs) != 1 {
		t.Fatalf("%s: want exactly 1 call, got %d: %v", what, len(xs), xs)
	}
	return xs[0]
}

// fields checks that form carries want (key → value), reporting every
// difference at once.
func fields(t *testing.T, what string, form url.Values, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got := form.Get(k); got != want[k] {
			t.Errorf("%s: %s = %q, want %q", what, k, got, want[k])
		}
	}
}
