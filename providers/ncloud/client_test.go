package ncloud

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fleet-iac/fleet/providers"
)

func TestDecodeErrors(t *testing.T) {
	tests := map[string]struct {
		status int
		header string // Retry-After
		body   string
		want   *providers.APIError
	}{
		"gateway auth": {401, "", `{"error":{"errorCode":"200","message":"Authentication Failed","details":"This account is not allowed."}}`,
			&providers.APIError{Status: 401, Code: "200", Message: "Authentication Failed (This account is not allowed.)"}},
		"gateway throttle with retry-after": {429, "3", `{"error":{"errorCode":"410","message":"Throttle Limited"}}`,
			&providers.APIError{Status: 429, Code: "410", Message: "Throttle Limited", Retryable: true, RetryAfter: 3 * time.Second}},
		"gateway endpoint error": {503, "", `{"error":{"errorCode":"500","message":"Endpoint Error"}}`,
			&providers.APIError{Status: 503, Code: "500", Message: "Endpoint Error", Retryable: true}},
		"service operation in progress": {400, "", "{\"responseError\": {\n  \"returnCode\": \"1100031\",\n  \"returnMessage\": \"The server cannot be controlled by the NCLOD API.\"\n}}",
			&providers.APIError{Status: 400, Code: "1100031", Message: "The server cannot be controlled by the NCLOD API.", Retryable: true}},
		"service bad product": {400, "", `{"responseError": {"returnCode": "1401", "returnMessage": "Not found server product."}}`,
			&providers.APIError{Status: 400, Code: "1401", Message: "Not found server product."}},
		"service numeric code variant": {500, "", `{"responseError": {"responseCode": 3000100, "responseMessage": "External interworking failed."}}`,
			&providers.APIError{Status: 500, Code: "3000100", Message: "External interworking failed.", Retryable: true}},
		"unknown body": {502, "", `<html>bad gateway</html>`,
			&providers.APIError{Status: 502, Message: "<html>bad gateway</html>", Retryable: true}},
		"200 with a failure code": {200, "", `{"getServerInstanceListResponse": {"returnCode": "1000", "returnMessage": "Please try your call again later."}}`,
			&providers.APIError{Status: 200, Code: "1000", Message: "Please try your call again later.", Retryable: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
			if tc.header != "" {
				resp.Header.Set("Retry-After", tc.header)
			}
			_, err := decode("getServerInstanceList", resp, []byte(tc.body), nil)
			var ae *providers.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			tc.want.Provider, tc.want.Operation = "ncloud", "getServerInstanceList"
			if d := cmp.Diff(tc.want, ae); d != "" {
				t.Errorf("APIError (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeSuccess(t *testing.T) {
	// Compact and pretty envelopes alike; returnCode as a number too.
	bodies := map[string]string{
		"pretty":  "{\"getServerInstanceListResponse\": {\n  \"totalRows\": 1,\n  \"serverInstanceList\": [" + serverJSON("1", "web-1", "", "RUN", "NULL") + "],\n  \"requestId\": \"r1\",\n  \"returnCode\": \"0\"\n}}",
		"compact": `{"getServerInstanceListResponse":{"totalRows":1,"serverInstanceList":[` + serverJSON("1", "web-1", "", "RUN", "NULL") + `],"requestId":"r1","returnCode":0}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var out serverInstanceList
			id, err := decode("getServerInstanceList", &http.Response{StatusCode: 200}, []byte(body), &out)
			if err != nil || id != "r1" || len(out.ServerInstanceList) != 1 || out.ServerInstanceList[0].Status.Code != "RUN" {
				t.Fatalf("decode = %q, %+v, %v", id, out, err)
			}
		})
	}
	// A failure code inside a 200 is an error when a payload is wanted too.
	t.Run("failure code with payload", func(t *testing.T) {
		var out serverInstanceList
		body := `{"getServerInstanceListResponse":{"totalRows":0,"serverInstanceList":[],"requestId":"r2","returnCode":"1000","returnMessage":"try again"}}`
		id, err := decode("getServerInstanceList", &http.Response{StatusCode: 200, Header: http.Header{}}, []byte(body), &out)
		var ae *providers.APIError
		if id != "r2" || !errors.As(err, &ae) || ae.Code != "1000" || ae.RequestID != "r2" || !ae.Retryable {
			t.Fatalf("decode = %q, %v", id, err)
		}
	})
}

func TestRetries(t *testing.T) {
	okList := ok("getServerInstanceList", serverList())
	tests := map[string]struct {
		answers   []responder
		wantCalls int
		wantCode  string // "" = success
	}{
		"429 then ok":           {[]responder{answer(429, `{"error":{"errorCode":"420","message":"Rate Limited"}}`), okList}, 2, ""},
		"503 then ok":           {[]responder{answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`), okList}, 2, ""},
		"1100031 twice then ok": {[]responder{answer(400, `{"responseError":{"returnCode":"1100031","returnMessage":"busy"}}`), answer(400, `{"responseError":{"returnCode":"1100031","returnMessage":"busy"}}`), okList}, 3, ""},
		"1000 then ok":          {[]responder{answer(500, `{"responseError":{"returnCode":"1000","returnMessage":"try again"}}`), okList}, 2, ""},
		"1401 fails at once":    {[]responder{answer(400, `{"responseError":{"returnCode":"1401","returnMessage":"Not found server product."}}`)}, 1, "1401"},
		"401 fails at once":     {[]responder{answer(401, `{"error":{"errorCode":"200","message":"Authentication Failed"}}`)}, 1, "200"},
		"503 until given up":    {[]responder{answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`)}, 4, "500"}, // 1 + MaxRetries 3
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("getServerInstanceList", tc.answers...)
			p := f.provider(nil)
			_, err := p.c.servers(context.Background(), filters(nil))
			if got := len(f.opNames()); got != tc.wantCalls || p.Calls() != tc.wantCalls {
				t.Errorf("calls = %d (counted %d), want %d", got, p.Calls(), tc.wantCalls)
			}
			var ae *providers.APIError
			switch {
			case tc.wantCode == "" && err != nil:
				t.Errorf("err = %v, want success", err)
			case tc.wantCode != "" && (!errors.As(err, &ae) || ae.Code != tc.wantCode):
				t.Errorf("err = %v, want code %s", err, tc.wantCode)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	f := newFake(t)
	f.retryAfter = "1"
	f.on("getServerInstanceList", answer(429, `{"error":{"errorCode":"410","message":"Throttle Limited"}}`), ok("getServerInstanceList", serverList()))
	p := f.provider(nil) // RetryWait 1 ms: only Retry-After can make it wait
	start := time.Now()
	if _, err := p.c.servers(context.Background(), filters(nil)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, want at least the Retry-After of 1s", d)
	}
}

// TestTimeouts: a call that times out is retried; a create that times out
// is looked up before it is sent again.
func TestTimeouts(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", slow(300*time.Millisecond, ok("getServerInstanceList", serverList())), ok("getServerInstanceList", serverList()))
	p := f.provider(nil)
	p.c.cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := p.c.servers(context.Background(), filters(nil)); err != nil {
		t.Fatalf("timed-out list not retried: %v", err)
	}

	f = newFake(t)
	f.on("createServerInstances", slow(300*time.Millisecond, ok("createServerInstances", serverList(serverJSON("77", "web-1", "fleet:shop server/web-1", "INIT", "NULL")))))
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList(serverJSON("77", "web-1", "fleet:shop server/web-1", "INIT", "NULL"))))
	p = f.provider(nil)
	p.c.cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
	res, err := p.Create(context.Background(), providers.CreateRequest{Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(fullServer())}})
	if err != nil || res.ID != "77" {
		t.Fatalf("Create = %+v, %v; want the server adopted", res, err)
	}
	if d := cmp.Diff([]string{"createServerInstances", "getServerInstanceList"}, f.opNames()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestLogsCarryNoSecret(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList()))
	f.on("getServerInstanceDetail", answer(401, `{"error":{"errorCode":"200","message":"Authentication Failed"}}`))
	var buf bytes.Buffer
	p := f.provider(&buf)
	ctx := context.Background()
	if _, err := p.c.servers(ctx, filters(nil)); err != nil {
		t.Fatal(err)
	}
	_, err := p.server(ctx, "1", "server/web-1")
	if err == nil || !strings.Contains(err.Error(), "server/web-1") || !strings.Contains(err.Error(), "Authentication Failed") {
		t.Errorf("error %v does not name the address and the cloud's message", err)
	}
	logs := buf.String()
	for _, want := range []string{"method=POST", "path=/vserver/v2/getServerInstanceList", "status=200", "duration=", "request_id=req-getServerInstanceList", "status=401"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	secrets := []string{testAK, testSK}
	f.mu.Lock()
	for _, c := range f.calls {
		secrets = append(secrets, c.Sig)
	}
	f.mu.Unlock()
	for _, s := range secrets {
		if strings.Contains(logs, s) || strings.Contains(err.Error(), s) {
			t.Errorf("a credential leaked into logs or errors:\n%s", logs)
		}
	}
	for _, h := range []string{"signature", "x-ncp", "access-key", "SECRET"} {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(h)) {
			t.Errorf("logs mention %q:\n%s", h, logs)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := map[string]struct {
		env  map[string]string
		want Config
	}{
		"fleet names": {map[string]string{"NCLOUD_ACCESS_KEY": "ak", "NCLOUD_SECRET_KEY": "sk", "NCLOUD_API_GW": "http://127.0.0.1:9"},
			Config{AccessKey: "ak", SecretKey: "sk", Endpoint: "http://127.0.0.1:9"}},
		"sdk names win": {map[string]string{"NCLOUD_ACCESS_KEY_ID": "ak2", "NCLOUD_ACCESS_KEY": "ak", "NCLOUD_SECRET_ACCESS_KEY": "sk2", "NCLOUD_SECRET_KEY": "sk"},
			Config{AccessKey: "ak2", SecretKey: "sk2"}},
		"empty": {map[string]string{}, Config{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if d := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Config{}, "Clock")); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	tests := map[string]Config{
		"no credentials": {Endpoint: "http://127.0.0.1:1"},
		"no secret":      {AccessKey: "AK0001", Endpoint: "http://127.0.0.1:1"},
		"bad endpoint":   {AccessKey: "AK0001", SecretKey: "S3CR3T0001", Endpoint: "127.0.0.1:1"},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(cfg)
			if err == nil {
				t.Fatal("New accepted the config")
			}
			if strings.Contains(err.Error(), "S3CR3T") || strings.Contains(err.Error(), "AK0001") {
				t.Errorf("error shows a credential: %v", err)
			}
		})
	}
}

// TestDecodeSuccessEnvelope pins how the inner object is found: other
// top-level keys are skipped, an answer without the operation's key or
// that is not an object is refused by name, and an operation without a
// payload reads only the common fields.
func TestDecodeSuccessEnvelope(t *testing.T) {
	const op = "getLoginKeyList"
	tests := map[string]struct {
		body    string
		payload bool
		wantID  string
		wantErr string
		wantKey string
	}{
		"other keys first":  {body: `{"x":[1,{"y":null}],"getLoginKeyListResponse":{"totalRows":1,"loginKeyList":[{"keyName":"k1"}],"requestId":"r1","returnCode":"0"}}`, payload: true, wantID: "r1", wantKey: "k1"},
		"no payload wanted": {body: `{"getLoginKeyListResponse": {"requestId": "r2", "returnCode": "0", "loginKeyList": [{"keyName": "k1"}]}}`, wantID: "r2"},
		"leading space":     {body: " \n{\"getLoginKeyListResponse\": {\"requestId\": \"r3\"}}", payload: true, wantID: "r3"},
		"other operation":   {body: `{"getServerInstanceListResponse":{"requestId":"r4"}}`, payload: true, wantErr: "no getLoginKeyListResponse object"},
		"not an object":     {body: `[{"getLoginKeyListResponse":{}}]`, payload: true, wantErr: "no getLoginKeyListResponse object"},
		"empty":             {body: ``, wantErr: "no getLoginKeyListResponse object"},
		"malformed":         {body: `{"getLoginKeyListResponse":{"requestId":}}`, payload: true, wantErr: "invalid character"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out loginKeyList
			var target any
			if tc.payload {
				target = &out
			}
			id, err := decode(op, &http.Response{StatusCode: 200}, []byte(tc.body), target)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("decode = %q, %v; want an error with %q", id, err, tc.wantErr)
				}
				return
			}
			if err != nil || id != tc.wantID {
				t.Fatalf("decode = %q, %v; want %q", id, err, tc.wantID)
			}
			var got string
			if len(out.LoginKeyList) > 0 {
				got = out.LoginKeyList[0].KeyName
			}
			if got != tc.wantKey {
				t.Errorf("key = %q, want %q", got, tc.wantKey)
			}
		})
	}
}
