package nhnsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// BenchmarkListServers100k walks 100,000 servers page by page through
// GET /servers/detail?limit=1000 and its servers_links, in process.
func BenchmarkListServers100k(b *testing.B) {
	const total = 100_000
	clock := simcore.NewFakeClock(t0)
	sim, err := New(Options{Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	token := benchToken(b, sim)
	serve := func(method, path string, body string) (int, []byte) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", token)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	root := "/compute/v2/" + sim.opts.TenantID
	if code, out := serve("POST", root+"/os-keypairs", `{"keypair":{"name":"k"}}`); code != 200 {
		b.Fatalf("keypair: %d %s", code, out)
	}
	fx := sim.Fixtures()
	create := fmt.Sprintf(`{"server":{"name":"s","imageRef":%q,"flavorRef":%q,"key_name":"k","max_count":10,"networks":[{"uuid":%q}]}}`,
		fx.Image, flavorID("u2.c2m4"), fx.Network)
	for range total / 10 {
		if code, out := serve("POST", root+"/servers", create); code != 202 {
			b.Fatalf("create: %d %s", code, out)
		}
	}
	clock.Advance(simcore.DefaultBuildTime)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapMB := float64(ms.HeapAlloc) / (1 << 20) // reported after the loop: ResetTimer drops metrics
	pages := 0
	b.ResetTimer()
	for b.Loop() {
		seen := 0
		pages = 0
		next := root + "/servers/detail?limit=1000"
		for next != "" {
			code, out := serve("GET", next, "")
			if code != http.StatusOK {
				b.Fatalf("list: %d %s", code, out)
			}
			var page struct {
				Servers []struct {
					Status string `json:"status"`
				} `json:"servers"`
				Links []link `json:"servers_links"`
			}
			if err := json.Unmarshal(out, &page); err != nil {
				b.Fatal(err)
			}
			seen += len(page.Servers)
			pages++
			next = ""
			if len(page.Links) > 0 {
				next = strings.TrimPrefix(page.Links[0].Href, "http://example.com")
			}
		}
		if seen != total {
			b.Fatalf("saw %d servers in %d pages", seen, pages)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(pages), "ms/page")
	b.ReportMetric(heapMB, "MB-heap")
}

func benchToken(b *testing.B, sim *Sim) string {
	u, p, tenant := sim.Credentials()
	req := httptest.NewRequest("POST", "/identity/v2.0/tokens", strings.NewReader(
		fmt.Sprintf(`{"auth":{"tenantId":%q,"passwordCredentials":{"username":%q,"password":%q}}}`, tenant, u, p)))
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	var out struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Access.Token.ID == "" {
		b.Fatalf("token: %d %s", rec.Code, rec.Body.Bytes())
	}
	return out.Access.Token.ID
}
