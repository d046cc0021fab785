package ncloudsim

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
)

// sdkClient sends requests the way the official Go SDK does (ncp.md §1.3):
// always POST to {NCLOUD_API_GW}/vserver/v2/{op}, no query string, a form
// body starting with responseFormatType=json, the signature over the path
// only under the -v1 header name, User-Agent vserver/1.0.7/go, and list
// elements not escaped. It parses 2xx bodies with the SDK's slice-parse and
// turns anything else into the SDK's error string.
type sdkClient struct {
	h    *harness
	base string // NCLOUD_API_GW
}

func (c sdkClient) call(op string, fields [][2]string, out any) error {
	c.h.t.Helper()
	var b strings.Builder
	b.WriteString("responseFormatType=json")
	for _, f := range fields {
		v := f[1]
		if !strings.Contains(f[0], "List.") {
			v = url.QueryEscape(v)
		}
		b.WriteString("&" + f[0] + "=" + v)
	}
	path := "/vserver/v2/" + op
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(b.String()))
	if err != nil {
		return err
	}
	ak, sk := c.h.sim.Credentials()
	ts := strconv.FormatInt(c.h.clock.Now().UnixMilli(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "vserver/1.0.7/go")
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderAccessKey, ak)
	req.Header.Set(signature.HeaderSignatureV1, signature.Sign(http.MethodPost, path, ts, ak, sk))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 || !strings.HasPrefix(string(body), "{") {
		return fmt.Errorf("Status: %s, Body: %s", res.Status, body)
	}
	return sdkParse(body, out)
}

// The SDK's response structs (sdktypes_test.go has the models).
type sdkServerList struct {
	RequestId          *string              `json:"requestId"`
	ReturnCode         *string              `json:"returnCode"`
	ReturnMessage      *string              `json:"returnMessage"`
	TotalRows          *int32               `json:"totalRows"`
	ServerInstanceList []*sdkServerInstance `json:"serverInstanceList"`
}

type sdkCreateLoginKey struct {
	RequestId  *string `json:"requestId"`
	ReturnCode *string `json:"returnCode"`
	KeyName    *string `json:"keyName"`
	PrivateKey *string `json:"privateKey"`
}

func TestDrivenLikeTheSDK(t *testing.T) {
	h := newHarness(t, nil)
	c := sdkClient{h: h, base: h.srv.URL}

	var key sdkCreateLoginKey
	if err := c.call("createLoginKey", [][2]string{{"keyName", "web-key"}}, &key); err != nil {
		t.Fatal(err)
	}
	if *key.ReturnCode != "0" || *key.KeyName != "web-key" || !strings.HasPrefix(*key.PrivateKey, "-----BEGIN RSA PRIVATE KEY-----") {
		t.Fatalf("createLoginKey: %+v", key)
	}

	// The body of ncp.md §1.3, with the simulator's ids.
	var created sdkServerList
	err := c.call("createServerInstances", [][2]string{{"regionCode", "KR"}, {"serverImageNo", "16187005"},
		{"serverName", "web-01"}, {"loginKeyName", "web-key"}, {"isProtectServerTermination", "false"}, {"serverCreateCount", "1"},
		{"vpcNo", "75"}, {"subnetNo", "36"}, {"networkInterfaceList.1.networkInterfaceOrder", "0"},
		{"networkInterfaceList.1.accessControlGroupNoList.1", "43"}, {"serverSpecCode", "s2-g2-s50"}}, &created)
	if err != nil {
		t.Fatal(err)
	}
	if *created.TotalRows != 1 || *created.ServerInstanceList[0].ServerInstanceStatus.Code != "INIT" {
		t.Fatalf("create: %+v", created)
	}
	no := *created.ServerInstanceList[0].ServerInstanceNo
	if _, err := strconv.ParseUint(no, 10, 64); err != nil {
		t.Errorf("serverInstanceNo %q is not a digit string", no)
	}

	h.advance(fInit + fCreat + fSetup + 0.01)
	var list sdkServerList
	if err := c.call("getServerInstanceList", [][2]string{{"regionCode", "KR"}, {"serverInstanceNoList.1", no}}, &list); err != nil {
		t.Fatal(err)
	}
	s := list.ServerInstanceList[0]
	if *s.ServerInstanceStatus.Code != "RUN" || *s.ServerInstanceOperation.Code != "NULL" || *s.MemorySize != 8*gb ||
		*s.CpuCount != 2 || len(s.NetworkInterfaceNoList) != 1 || *s.ServerSpecCode != "s2-g2-s50" {
		t.Errorf("list: %s", jsonString(s))
	}

	// A refusal reaches the SDK as its error string, with the body TF parses.
	err = c.call("startServerInstances", [][2]string{{"regionCode", "KR"}, {"serverInstanceNoList.1", no}}, &list)
	if err == nil || !strings.Contains(err.Error(), "Status: 400 Bad Request, Body: {\"responseError\": {") {
		t.Errorf("start of a running server: %v", err)
	}
	if got := h.sim.Stats().Snapshot().Operations; got["createServerInstances"] != 1 || got["startServerInstances"] != 1 {
		t.Errorf("stats %v", got)
	}
}
