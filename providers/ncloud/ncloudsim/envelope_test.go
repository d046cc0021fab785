package ncloudsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/google/go-cmp/cmp"
)

// sdkParse is the official Go SDK's parse of a 2xx body (ncp.md §1.4):
// json.Unmarshal(body[IndexAny(Trim(body, "{"), "{") : len(body)-1]). The
// slice starts one byte before the inner '{' and drops the last byte.
func sdkParse(body []byte, v any) error {
	start := bytes.IndexAny(bytes.Trim(body, "{"), "{")
	return json.Unmarshal(body[start:len(body)-1], v)
}

func TestEnvelopeBytes(t *testing.T) {
	got, err := envelope("getRegionListResponse", object{{"totalRows", 1}, {"regionList", []regionJSON{{"KR", "Korea"}}},
		{"requestId", "r"}, {"returnCode", "0"}, {"returnMessage", "success"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"getRegionListResponse": {
  "totalRows": 1,
  "regionList": [
    {
      "regionCode": "KR",
      "regionName": "Korea"
    }
  ],
  "requestId": "r",
  "returnCode": "0",
  "returnMessage": "success"
}}`
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("envelope (-want +got):\n%s", d)
	}
}

// TestSDKSliceParse pins the quirk: our bodies parse, the two shapes the
// SDK cannot parse do not, so the test would notice a regression.
func TestSDKSliceParse(t *testing.T) {
	ours, err := envelope("xResponse", object{{"returnCode", "0"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		body   string
		parses bool
	}{
		"ours":             {string(ours), true},
		"compact":          {`{"xResponse":{"returnCode":"0"}}`, false},
		"trailing newline": {string(ours) + "\n", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var v struct {
				ReturnCode *string `json:"returnCode"`
			}
			err := sdkParse([]byte(tc.body), &v)
			if (err == nil) != tc.parses {
				t.Fatalf("parse error %v, want parses=%v", err, tc.parses)
			}
			if tc.parses && (v.ReturnCode == nil || *v.ReturnCode != "0") {
				t.Errorf("returnCode %v", v.ReturnCode)
			}
		})
	}
}

// TestLiveBodiesSDKParse: real answers, success and error, end in the outer
// '}' with no newline and parse the SDK's way.
func TestLiveBodiesSDKParse(t *testing.T) {
	h := newHarness(t, nil)
	for name, r := range map[string]response{
		"list":  h.call("getServerInstanceList"),
		"error": h.call("stopServerInstances", "serverInstanceNoList.1", "1"),
	} {
		t.Run(name, func(t *testing.T) {
			if !bytes.HasSuffix(r.body, []byte("}")) || bytes.HasSuffix(r.body, []byte("\n}\n")) {
				t.Fatalf("body ends %q", r.body[len(r.body)-3:])
			}
			var v map[string]any
			if err := sdkParse(r.body, &v); err != nil {
				t.Fatalf("SDK parse: %v\n%s", err, r.body)
			}
			if v["returnCode"] == nil {
				t.Errorf("no returnCode in %v", v)
			}
		})
	}
}

func TestErrorBody(t *testing.T) {
	h := newHarness(t, nil)
	r := h.call("getServerInstanceDetail")
	want := `{"responseError": {
  "returnCode": "1100000",
  "returnMessage": "Parameter is invalid. serverInstanceNo: is required"
}}`
	if r.status != 400 || string(r.body) != want {
		t.Errorf("got %d %s", r.status, r.body)
	}
}

func TestRequestIDs(t *testing.T) {
	h := newHarness(t, nil)
	a := h.call("getRegionList").ok(t)["requestId"].(string)
	b := h.call("getRegionList").ok(t)["requestId"].(string)
	uuid := `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
	for _, id := range []string{a, b} {
		if !regexpMatch(uuid, id) {
			t.Errorf("requestId %q is not UUID-shaped", id)
		}
	}
	if a == b {
		t.Error("two calls got the same requestId")
	}
	h2 := newHarness(t, nil)
	if c := h2.call("getRegionList").ok(t)["requestId"]; c != a {
		t.Errorf("requestIds are not deterministic: %v then %v", a, c)
	}
}

func TestAuthentication(t *testing.T) {
	const uri = "/vserver/v2/getRegionList?regionCode=KR&responseFormatType=json"
	type req struct {
		method, uri, signedURI string
		body                   string
		header                 string // signature header name
		key, secret            string
		skew                   time.Duration
		omit                   string // header left out
	}
	tests := map[string]struct {
		r       req
		wantOK  bool
		details string
	}{
		"v2 header, GET with query":       {r: req{header: signature.HeaderSignatureV2}, wantOK: true},
		"v1 header as the SDK sends it":   {r: req{header: signature.HeaderSignatureV1}, wantOK: true},
		"POST form body, path signed":     {r: req{method: "POST", uri: "/vserver/v2/getRegionList", body: "responseFormatType=json&regionCode=KR", header: signature.HeaderSignatureV1}, wantOK: true},
		"4 minutes off is fine":           {r: req{header: signature.HeaderSignatureV2, skew: 4 * time.Minute}, wantOK: true},
		"unknown access key":              {r: req{header: signature.HeaderSignatureV2, key: "OTHERKEY"}, details: "This account is not allowed."},
		"wrong secret":                    {r: req{header: signature.HeaderSignatureV2, secret: "wrong"}, details: "Signature does not match."},
		"query not signed":                {r: req{header: signature.HeaderSignatureV2, signedURI: "/vserver/v2/getRegionList"}, details: "Signature does not match."},
		"method not signed":               {r: req{method: "POST", header: signature.HeaderSignatureV2, signedURI: "GET"}, details: "Signature does not match."},
		"timestamp 6 minutes behind":      {r: req{header: signature.HeaderSignatureV2, skew: -6 * time.Minute}, details: "The request timestamp is out of the allowed range."},
		"timestamp 6 minutes ahead":       {r: req{header: signature.HeaderSignatureV2, skew: 6 * time.Minute}, details: "The request timestamp is out of the allowed range."},
		"no signature":                    {r: req{header: signature.HeaderSignatureV2, omit: signature.HeaderSignatureV2}, details: "Authentication information is missing."},
		"no timestamp":                    {r: req{header: signature.HeaderSignatureV2, omit: signature.HeaderTimestamp}, details: "Authentication information is missing."},
		"signature under an unknown name": {r: req{header: "x-ncp-apigw-signature-v3"}, details: "Authentication information is missing."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			ak, sk := h.sim.Credentials()
			r := tc.r
			if r.method == "" {
				r.method = "GET"
			}
			if r.uri == "" {
				r.uri = uri
			}
			signMethod, signURI := r.method, r.uri
			switch r.signedURI {
			case "":
			case "GET":
				signMethod = "GET"
			default:
				signURI = r.signedURI
			}
			if r.key != "" {
				ak = r.key
			}
			if r.secret != "" {
				sk = r.secret
			}
			var body *strings.Reader
			if r.body != "" {
				body = strings.NewReader(r.body)
			} else {
				body = strings.NewReader("")
			}
			hr, err := http.NewRequest(r.method, h.srv.URL+r.uri, body)
			if err != nil {
				t.Fatal(err)
			}
			if r.body != "" {
				hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			ts := strconv.FormatInt(h.clock.Now().Add(r.skew).UnixMilli(), 10)
			hr.Header.Set(signature.HeaderTimestamp, ts)
			hr.Header.Set(signature.HeaderAccessKey, ak)
			hr.Header.Set(r.header, signature.Sign(signMethod, signURI, ts, ak, sk))
			if r.omit != "" {
				hr.Header.Del(r.omit)
			}
			res := h.send(hr)
			if tc.wantOK {
				res.ok(t)
				return
			}
			want := `{"error":{"errorCode":"200","message":"Authentication Failed","details":"` + tc.details + `"}}`
			if res.status != http.StatusUnauthorized || string(res.body) != want {
				t.Errorf("got %d %s, want 401 %s", res.status, res.body, want)
			}
			if n := h.sim.Stats().Snapshot().Operations["getRegionList"]; n != 1 {
				t.Errorf("rejected call counted %d times, want 1", n)
			}
		})
	}
}
