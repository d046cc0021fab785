package nhncloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func TestRetry(t *testing.T) {
	active := `{"server": ` + serverJSON("s1", "web-1", "ACTIVE", "", flavorM2C4M8, nil) + `}`
	stopping := `{"server": ` + serverJSON("s1", "web-1", "ACTIVE", "powering-off", flavorM2C4M8, nil) + `}`
	unavailable := answer(http.StatusServiceUnavailable, `{"serviceUnavailable": {"code": 503, "message": "try later"}}`)
	throttled := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		reply(w, http.StatusTooManyRequests, `{"overLimit": {"code": 429, "message": "slow down", "retryAfter": "2"}}`)
	}
	accepted := answer(http.StatusAccepted, "")
	tests := map[string]struct {
		get, post  []func(http.ResponseWriter, *http.Request)
		wantGets   int
		wantPosts  int
		wantStatus int             // 0: success
		wantSleep  []time.Duration // exact sleeps, when checked
	}{
		"GET 503 is retried": {
			get: []func(http.ResponseWriter, *http.Request){unavailable, unavailable, answer(200, active)}, post: []func(http.ResponseWriter, *http.Request){accepted},
			wantGets: 3, wantPosts: 1,
		},
		"GET 429 waits Retry-After": {
			get: []func(http.ResponseWriter, *http.Request){throttled, answer(200, active)}, post: []func(http.ResponseWriter, *http.Request){accepted},
			wantGets: 2, wantPosts: 1, wantSleep: []time.Duration{2 * time.Second},
		},
		"GET 500 gives up after MaxRetries": {
			get:      []func(http.ResponseWriter, *http.Request){answer(500, `{"computeFault": {"code": 500, "message": "boom"}}`)},
			wantGets: 4, wantStatus: 500,
		},
		"GET 400 is not retried": {
			get:      []func(http.ResponseWriter, *http.Request){answer(400, `{"badRequest": {"code": 400, "message": "bad"}}`)},
			wantGets: 1, wantStatus: 400,
		},
		"POST 429 is retried": {
			get: []func(http.ResponseWriter, *http.Request){answer(200, active)}, post: []func(http.ResponseWriter, *http.Request){throttled, accepted},
			wantGets: 1, wantPosts: 2, wantSleep: []time.Duration{2 * time.Second},
		},
		"POST 503 that took effect is not repeated": {
			get:  []func(http.ResponseWriter, *http.Request){answer(200, active), answer(200, stopping)},
			post: []func(http.ResponseWriter, *http.Request){unavailable, accepted}, wantGets: 2, wantPosts: 1,
		},
		"POST 503 that did not take effect is sent again": {
			get:  []func(http.ResponseWriter, *http.Request){answer(200, active)},
			post: []func(http.ResponseWriter, *http.Request){unavailable, accepted}, wantGets: 2, wantPosts: 2,
		},
		"POST 409 fails at once": {
			get:      []func(http.ResponseWriter, *http.Request){answer(200, active)},
			post:     []func(http.ResponseWriter, *http.Request){answer(409, `{"conflictingRequest": {"code": 409, "message": "locked"}}`)},
			wantGets: 1, wantPosts: 1, wantStatus: 409,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("GET "+computePath("/servers/s1"), f.check("", sequence(tc.get...)))
			if tc.post != nil {
				f.mux.HandleFunc("POST "+computePath("/servers/s1/action"), f.check(`{"os-stop": null}`, sequence(tc.post...)))
			}
			p := f.provider(t)
			var mu sync.Mutex
			var sleeps []time.Duration
			p.retry.sleep = func(_ context.Context, d time.Duration) error {
				mu.Lock()
				sleeps = append(sleeps, d)
				mu.Unlock()
				return nil
			}
			_, err := p.Update(context.Background(), providers.UpdateRequest{Kind: addrs.KindServer, ID: "s1", Address: "server/web-1", Change: providers.PowerChange{To: "stopped"}})
			var ae *providers.APIError
			switch {
			case tc.wantStatus == 0 && err != nil:
				t.Fatalf("update: %v", err)
			case tc.wantStatus != 0 && (!errors.As(err, &ae) || ae.Status != tc.wantStatus):
				t.Fatalf("err = %v, want an APIError with status %d", err, tc.wantStatus)
			}
			if g, p := f.count("GET "+computePath("/servers/s1")), f.count("POST "+computePath("/servers/s1/action")); g != tc.wantGets || p != tc.wantPosts {
				t.Errorf("%d GETs and %d POSTs, want %d and %d", g, p, tc.wantGets, tc.wantPosts)
			}
			if tc.wantSleep != nil && !slices.Equal(sleeps, tc.wantSleep) {
				t.Errorf("slept %v, want %v", sleeps, tc.wantSleep)
			}
		})
	}
}

// A DELETE that times out is idempotent and sent again.
func TestRetryTimeout(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.mux.HandleFunc("DELETE "+volumePath("/volumes/v1"), f.check("", sequence(
		func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
		answer(http.StatusNoContent, ""))))
	p := f.provider(t, func(c *Config) { c.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond} })
	if _, err := p.Delete(context.Background(), providers.DeleteRequest{Kind: addrs.KindVolume, ID: "v1", Address: "volume/web-1/data"}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if n := f.count("DELETE " + volumePath("/volumes/v1")); n != 2 {
		t.Errorf("%d DELETEs, want 2", n)
	}
}

func TestBackoff(t *testing.T) {
	r := newRetrier(5)
	tests := map[string]struct {
		attempt uint
		jitter  float64
		want    time.Duration
	}{
		"first, no jitter":   {attempt: 1, jitter: 0, want: 250 * time.Millisecond},
		"first, full jitter": {attempt: 1, jitter: 1, want: 500 * time.Millisecond},
		"third":              {attempt: 3, jitter: 1, want: 2 * time.Second},
		"capped":             {attempt: 20, jitter: 1, want: 30 * time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r.policy.Rand = func() float64 { return tc.jitter }
			if got := r.backoff(tc.attempt); got != tc.want {
				t.Errorf("backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
			}
		})
	}
}

// Token requests are safe to repeat (a login creates nothing), so a 5xx or a
// dropped connection on POST /tokens is retried, at login and when a token
// expires mid-run, like any idempotent call.
func TestTokenRequestsRetried(t *testing.T) {
	tests := map[string]struct {
		login, reauth []int // token faults before the login, before the re-authentication
	}{
		"login 503 twice":          {login: []int{503, 503}},
		"login connection dropped": {login: []int{0}},
		"re-auth 502 then ok":      {reauth: []int{502}},
		"re-auth 429 then ok":      {reauth: []int{429}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.emptyInventory()
			var expired atomic.Bool
			expired.Store(true)
			f.mux.HandleFunc("GET "+computePath("/os-availability-zone"), func(w http.ResponseWriter, r *http.Request) {
				if expired.CompareAndSwap(true, false) {
					f.mu.Lock()
					f.tokenFaults = tc.reauth
					f.mu.Unlock()
					reply(w, http.StatusUnauthorized, `{"error": {"code": 401, "title": "Unauthorized", "message": "expired"}}`)
					return
				}
				f.check("", func(w http.ResponseWriter, r *http.Request) {
					reply(w, http.StatusOK, `{"availabilityZoneInfo": []}`)
				})(w, r)
			})
			f.tokenFaults = tc.login
			p := f.provider(t)
			if _, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "shop", Catalog: true}); err != nil {
				t.Fatalf("inventory: %v", err)
			}
			if n := f.tokenCount(); n != 2 {
				t.Errorf("%d tokens issued, want 2 (login and one re-authentication)", n)
			}
			if got, want := f.count("POST /identity/v2.0/tokens"), 2+len(tc.login)+len(tc.reauth); got != want {
				t.Errorf("%d token requests, want %d", got, want)
			}
		})
	}
}

// TestPageCutShortIsRetried: a list page whose connection drops before its
// body is all in is asked for again, as gophercloud's decoding did (its
// RetryFunc saw the read error) before the pages were decoded by hand.
func TestPageCutShortIsRetried(t *testing.T) {
	page := `{"servers": [` + serverJSON("s1", "web-1", "ACTIVE", "", flavorM2C4M8, nil) + `], "servers_links": []}`
	cut := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, page[:len(page)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops mid-body
	}
	tests := map[string]struct {
		replies  []func(http.ResponseWriter, *http.Request)
		wantGets int
		wantErr  bool
	}{
		"once, then whole": {replies: []func(http.ResponseWriter, *http.Request){cut, answer(200, page)}, wantGets: 2},
		"every time":       {replies: []func(http.ResponseWriter, *http.Request){cut}, wantGets: 4, wantErr: true},
		// as gophercloud's json.Decoder saw it: ended early, a transient failure
		"whole but ending early": {replies: []func(http.ResponseWriter, *http.Request){answer(200, `{"servers": [`), answer(200, page)}, wantGets: 2},
		"data after the page":    {replies: []func(http.ResponseWriter, *http.Request){answer(200, page+` x`)}, wantGets: 1},
		"not JSON":               {replies: []func(http.ResponseWriter, *http.Request){answer(200, `{"servers": x}`)}, wantGets: 1, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", sequence(tc.replies...)))
			p := f.provider(t)
			p.retry.sleep = func(context.Context, time.Duration) error { return nil }
			got, err := p.listServers(context.Background(), nil)
			if (err != nil) != tc.wantErr {
				t.Fatalf("listServers: %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && (len(got) != 1 || got[0].ID != "s1") {
				t.Errorf("servers %+v, want s1", got)
			}
			if n := f.count("GET " + computePath("/servers/detail")); n != tc.wantGets {
				t.Errorf("%d GETs, want %d", n, tc.wantGets)
			}
		})
	}
}
