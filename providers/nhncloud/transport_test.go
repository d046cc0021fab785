package nhncloud

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/backoff"
)

// MaxInFlight (apply's --parallelism) bounds the requests in flight until
// their answer is read: polls, token requests and retries all pass here.
func TestTransportBoundsInFlight(t *testing.T) {
	const bound = 2
	var now, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := now.Add(1); n > peak.Load() {
			peak.Store(n)
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	hc := &http.Client{Transport: newTransport(nil, backoff.NewBudget("test", 1000, nil, nil), bound, slog.New(slog.DiscardHandler))}
	var g errgroup.Group
	for range 6 {
		g.Go(func() error {
			resp, err := hc.Get(srv.URL)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, err = io.ReadAll(resp.Body)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got != bound {
		t.Errorf("%d requests were in flight at once, want %d", got, bound)
	}
}
