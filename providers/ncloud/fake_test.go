package ncloud

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
)

const (
	testAK = "TESTACCESSKEY0000000"
	testSK = "TESTSECRETKEY000000000000000000000000000"
)

// recorded is one request the fake API received.
type recorded struct {
	Method, Path, Op string
	Form             url.Values
	Sig              string
}

// responder answers one call: status and body.
type responder func(form url.Values) (int, string)

// fakeAPI is a scripted vserver endpoint. It checks what every request must
// carry (signature v2 over the path, timestamp, access key, regionCode,
// responseFormatType=json, a form body) and records the calls.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	ops        map[string][]responder // answered in order; the last one repeats
	calls      []recorded
	retryAfter string // Retry-After on 429 answers
}

func newFake(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, ops: map[string][]responder{}, retryAfter: "0"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) on(op string, rs ...responder) {
	f.mu.Lock()
	f.ops[op] = append(f.ops[op], rs...)
	f.mu.Unlock()
}

// ok answers 200 with the envelope around inner (a JSON object's fields).
func ok(op, inner string) responder {
	if inner != "" {
		inner += ","
	}
	body := fmt.Sprintf(`{"%sResponse": {%s"requestId": "req-%s", "returnCode": "0", "returnMessage": "success"}}`, op, inner, op)
	return func(url.Values) (int, string) { return 200, body }
}

// slow answers like r after d: longer than the client's timeout, it is a
// call that timed out.
func slow(d time.Duration, r responder) responder {
	return func(v url.Values) (int, string) { time.Sleep(d); return r(v) }
}

func answer(status int, body string) responder {
	return func(url.Values) (int, string) { return status, body }
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	op := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/vserver/v2/"), "/vpc/v2/")
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("%s: method %s content type %q, want a POST form", op, r.Method, r.Header.Get("Content-Type"))
	}
	ts := r.Header.Get(signature.HeaderTimestamp)
	if r.Header.Get(signature.HeaderAccessKey) != testAK || !signature.Verify(r.Header.Get(signature.HeaderSignatureV2), r.Method, r.URL.RequestURI(), ts, testAK, testSK) {
		t.Errorf("%s: bad signature headers", op)
	}
	if err := r.ParseForm(); err != nil {
		t.Errorf("%s: %v", op, err)
	}
	if r.PostForm.Get("regionCode") != "KR" || r.PostForm.Get("responseFormatType") != "json" {
		t.Errorf("%s: form %v lacks regionCode=KR or responseFormatType=json", op, r.PostForm)
	}
	f.mu.Lock()
	f.calls = append(f.calls, recorded{Method: r.Method, Path: r.URL.Path, Op: op, Form: r.PostForm, Sig: r.Header.Get(signature.HeaderSignatureV2)})
	rs := f.ops[op]
	var resp responder
	if len(rs) > 0 {
		resp = rs[0]
		if len(rs) > 1 {
			f.ops[op] = rs[1:]
		}
	}
	f.mu.Unlock()
	if resp == nil {
		t.Errorf("unexpected call %s %v", op, r.PostForm)
		w.WriteHeader(404)
		fmt.Fprint(w, `{"error":{"errorCode":"300","message":"Not Found Exception"}}`)
		return
	}
	status, body := resp(r.PostForm)
	if status == 429 {
		f.mu.Lock()
		w.Header().Set("Retry-After", f.retryAfter)
		f.mu.Unlock()
	}
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// opNames returns the operations called, in order.
func (f *fakeAPI) opNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Op)
	}
	return out
}

// count returns how many calls of op were made.
func (f *fakeAPI) count(op string) int {
	n := 0
	for _, name := range f.opNames() {
		if name == op {
			n++
		}
	}
	return n
}

// last returns the form of the last call of op.
func (f *fakeAPI) last(op string) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].Op == op {
			return f.calls[i].Form
		}
	}
	f.t.Fatalf("no call of %s", op)
	return nil
}

// provider returns a provider wired to the fake, fast and logging to buf.
func (f *fakeAPI) provider(buf *bytes.Buffer) *Provider {
	f.t.Helper()
	var logger *slog.Logger
	if buf != nil {
		logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	p, err := New(Config{
		Endpoint:          f.srv.URL,
		AccessKey:         testAK,
		SecretKey:         testSK,
		Logger:            logger,
		PollInterval:      20 * time.Millisecond,
		RequestsPerSecond: 1000,
		MaxRetries:        3,
		RetryWait:         time.Millisecond,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// serverJSON is one serverInstance object.
func serverJSON(no, name, desc, status, op string) string {
	return fmt.Sprintf(`{"serverInstanceNo": %q, "serverName": %q, "serverDescription": %q, "cpuCount": 2, "memorySize": 8589934592,
 "loginKeyName": "prod-key", "publicIp": "", "serverInstanceStatus": {"code": %q, "codeName": "x"},
 "serverInstanceOperation": {"code": %q, "codeName": "x"}, "serverInstanceStatusName": "x",
 "serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "serverProductCode": "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002",
 "isProtectServerTermination": false, "zoneCode": "KR-1", "regionCode": "KR", "vpcNo": "75", "subnetNo": "36",
 "networkInterfaceNoList": ["930"], "initScriptNo": "", "placementGroupNo": "", "memberServerImageInstanceNo": "",
 "hypervisorType": {"code": "XEN", "codeName": "XEN"}, "serverImageNo": "16187005", "serverSpecCode": "s2-g2-s50"}`, no, name, desc, status, op)
}

func serverList(servers ...string) string {
	return fmt.Sprintf(`"totalRows": %d, "serverInstanceList": [%s]`, len(servers), strings.Join(servers, ","))
}

func volumeJSON(no, server, typ, desc, status, op string, gb int) string {
	return fmt.Sprintf(`{"blockStorageInstanceNo": %q, "serverInstanceNo": %q, "blockStorageName": "vol-%s", "blockStorageType": {"code": %q},
 "blockStorageSize": %d, "blockStorageInstanceStatus": {"code": %q}, "blockStorageInstanceOperation": {"code": %q},
 "blockStorageDescription": %q, "blockStorageDiskDetailType": {"code": "SSD"}, "zoneCode": "KR-1", "hypervisorType": {"code": "XEN"}}`,
		no, server, no, typ, int64(gb)<<30, status, op, desc)
}

func volumeList(vols ...string) string {
	return fmt.Sprintf(`"totalRows": %d, "blockStorageInstanceList": [%s]`, len(vols), strings.Join(vols, ","))
}
