package ncloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// populate creates n servers in KR, 20 per createServerInstances call,
// spread over KR's four /17 subnets (a VPC holds at most 65,000 addresses),
// and lets them all reach RUN.
func populate(tb testing.TB, n int) *Sim {
	tb.Helper()
	clock := simcore.NewFakeClock(t0)
	s, err := New(Options{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n/maxCreateCount; i++ {
		sn := regions[0].Subnets[i%len(regions[0].Subnets)]
		p := params{"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "vpcNo": sn.VPC, "subnetNo": sn.No,
			"serverName": fmt.Sprintf("web%05d", i), "serverCreateCount": strconv.Itoa(maxCreateCount)}
		s.mu.Lock()
		_, err := createServerInstances(s, &call{p: p, region: &regions[0], now: clock.Now()})
		s.mu.Unlock()
		if err != nil {
			tb.Fatal(err)
		}
	}
	clock.Advance(2 * simcore.DefaultBuildTime)
	return s
}

// signedGet is a GET of uri signed with s's credentials, as a client sends it.
func signedGet(s *Sim, uri string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, uri, nil)
	ak, sk := s.Credentials()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderAccessKey, ak)
	req.Header.Set(signature.HeaderSignatureV2, signature.Sign(http.MethodGet, uri, ts, ak, sk))
	return req
}

// listPage serves one signed getServerInstanceList GET without a network
// and returns totalRows, the page length and the time ServeHTTP took.
func listPage(tb testing.TB, s *Sim, query string) (total, n int, served time.Duration) {
	req := signedGet(s, prefixVserver+"getServerInstanceList?responseFormatType=json&"+query)
	w := httptest.NewRecorder()
	start := time.Now()
	s.ServeHTTP(w, req)
	served = time.Since(start)
	if w.Code != http.StatusOK {
		tb.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
	}
	var env struct {
		R struct {
			TotalRows int               `json:"totalRows"`
			List      []json.RawMessage `json:"serverInstanceList"`
		} `json:"getServerInstanceListResponse"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		tb.Fatal(err)
	}
	return env.R.TotalRows, len(env.R.List), served
}

// BenchmarkList100k walks 100,000 servers page by page (100 per page), the
// way a client collects totalRows items. One op is a whole walk, client
// decoding included; ns/page is the simulator's own time per page.
func BenchmarkList100k(b *testing.B) {
	const n, size = 100000, 100
	s := populate(b, n)
	for name, extra := range map[string]string{
		"by number":       "",
		"by name":         "&sortedBy=serverName",
		"filtered by RUN": "&serverInstanceStatusCode=RUN",
	} {
		b.Run(name, func(b *testing.B) {
			listPage(b, s, "pageNo=1&pageSize=1"+extra) // settle transitions, build indexes
			b.ResetTimer()
			var served time.Duration
			pages := 0
			for range b.N {
				seen := 0
				for page := 1; seen < n; page++ {
					total, got, d := listPage(b, s, fmt.Sprintf("pageNo=%d&pageSize=%d", page, size)+extra)
					served += d
					if total != n || got == 0 {
						b.Fatalf("page %d: totalRows %d, %d items", page, total, got)
					}
					seen += got
					pages++
				}
			}
			b.ReportMetric(float64(served.Nanoseconds())/float64(pages), "ns/page")
		})
	}
}
