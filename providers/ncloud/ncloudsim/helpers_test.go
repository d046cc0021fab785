package ncloudsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// t0 is the fake clock's start; build is the test build time, so fractions
// of it are easy to reason about.
var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const build = 100 * time.Second

// harness is a simulator behind httptest with a fake clock that also
// signs requests, so clock jumps never trip the timestamp check.
type harness struct {
	t     *testing.T
	sim   *Sim
	clock *simcore.FakeClock
	srv   *httptest.Server
	tl    *simcore.Timeline
}

func newHarness(t *testing.T, mod func(*Options)) *harness {
	t.Helper()
	clock := simcore.NewFakeClock(t0)
	tl := &simcore.Timeline{}
	opts := Options{Clock: clock, AuthClock: clock, Timeline: tl, Behaviour: simcore.Behaviour{BuildTime: build}}
	if mod != nil {
		mod(&opts)
	}
	sim, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: sim, clock: clock, srv: srv, tl: tl}
}

// advance moves the fake clock by f build times.
func (h *harness) advance(f float64) { h.clock.Advance(time.Duration(f * float64(build))) }

// response is one answer: status, raw body and, for JSON, the decoded
// inner object of the envelope.
type response struct {
	status int
	header http.Header
	body   []byte
	inner  map[string]any
}

// call sends a signed GET with the parameters in the query, as the seeds
// do. A key given twice takes the later value.
func (h *harness) call(op string, kv ...string) response {
	h.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i]) // a later empty value takes a default out
			continue
		}
		q.Set(kv[i], kv[i+1])
	}
	if !q.Has("responseFormatType") {
		q.Set("responseFormatType", "json")
	}
	return h.do(http.MethodGet, prefixVserver+op+"?"+q.Encode(), nil, signature.HeaderSignatureV2)
}

// do sends a signed request; the body, if any, is a form.
func (h *harness) do(method, uri string, body []byte, sigHeader string) response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+uri, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	ak, sk := h.sim.Credentials()
	ts := strconv.FormatInt(h.clock.Now().UnixMilli(), 10)
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderAccessKey, ak)
	req.Header.Set(sigHeader, signature.Sign(method, uri, ts, ak, sk))
	return h.send(req)
}

func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: b}
	var env map[string]map[string]any
	if json.Unmarshal(b, &env) == nil {
		for _, v := range env {
			r.inner = v
		}
	}
	return r
}

// ok fails unless the call succeeded, and returns its inner object.
func (r response) ok(t *testing.T) map[string]any {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	return r.inner
}

// refused fails unless the call got a service error with the code.
func (r response) refused(t *testing.T, code string) {
	t.Helper()
	if r.status != http.StatusBadRequest || r.inner["returnCode"] != code {
		t.Fatalf("got status %d body %s, want 400 returnCode %s", r.status, r.body, code)
	}
}

// list returns the named list of an answer.
func (r response) list(t *testing.T, name string) []map[string]any {
	t.Helper()
	raw, ok := r.ok(t)[name].([]any)
	if !ok {
		t.Fatalf("no list %s in %s", name, r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

// state is a server's (status, op, statusName), or "gone".
func (h *harness) state(no string, region ...string) string {
	h.t.Helper()
	kv := []string{"serverInstanceNo", no}
	if len(region) > 0 {
		kv = append(kv, "regionCode", region[0])
	}
	l := h.call("getServerInstanceDetail", kv...).list(h.t, "serverInstanceList")
	if len(l) == 0 {
		return "gone"
	}
	return codeOf(l[0], "serverInstanceStatus") + "/" + codeOf(l[0], "serverInstanceOperation") + "/" + l[0]["serverInstanceStatusName"].(string)
}

func codeOf(m map[string]any, field string) string {
	return m[field].(map[string]any)["code"].(string)
}

func (h *harness) volumeState(no string) string {
	h.t.Helper()
	l := h.call("getBlockStorageInstanceDetail", "blockStorageInstanceNo", no).list(h.t, "blockStorageInstanceList")
	if len(l) == 0 {
		return "gone"
	}
	return codeOf(l[0], "blockStorageInstanceStatus") + "/" + codeOf(l[0], "blockStorageInstanceOperation") + "/" + l[0]["blockStorageInstanceStatusName"].(string)
}

// createServer creates one server in KR from the fixtures and returns its number.
func (h *harness) createServer(name string, kv ...string) string {
	h.t.Helper()
	args := append([]string{"serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"serverSpecCode", "s2-g2-s50", "vpcNo", "75", "subnetNo", "36", "serverName", name,
		"networkInterfaceList.1.networkInterfaceOrder", "0",
		"networkInterfaceList.1.accessControlGroupNoList.1", "43"}, kv...)
	l := h.call("createServerInstances", args...).list(h.t, "serverInstanceList")
	return l[0]["serverInstanceNo"].(string)
}

// running creates a server and waits until it is RUN with op NULL.
func (h *harness) running(name string, kv ...string) string {
	no := h.createServer(name, kv...)
	h.advance(fInit + fCreat + fSetup + 0.01)
	if got := h.state(no); got != "RUN/NULL/running" {
		h.t.Fatalf("server %s: %s, want running", name, got)
	}
	return no
}

// stopped creates a server and stops it.
func (h *harness) stopped(name string, kv ...string) string {
	no := h.running(name, kv...)
	h.call("stopServerInstances", "serverInstanceNoList.1", no).ok(h.t)
	h.advance(fStop + 0.01)
	if got := h.state(no); got != "NSTOP/NULL/stopped" {
		h.t.Fatalf("server %s: %s, want stopped", name, got)
	}
	return no
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
