package nhncloud

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/fleet-iac/fleet/backoff"
)

// transport sits under gophercloud: every HTTP request, retries and token
// requests included, waits for the account's adaptive request budget and
// tells it how the cloud answered, is counted,
// and is logged at debug level without headers or bodies, so neither the
// token nor the password can reach the log.
type transport struct {
	base   http.RoundTripper
	budget *backoff.Budget // shared by every client of this tenant
	logger *slog.Logger
	calls  atomic.Int64
	// inflight bounds the requests in flight (Config.MaxInFlight), until
	// their answer is read; nil: none.
	inflight *semaphore.Weighted
}

func newTransport(base http.RoundTripper, budget *backoff.Budget, maxInFlight int, logger *slog.Logger) *transport {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &transport{base: base, budget: budget, logger: logger}
	if maxInFlight > 0 {
		t.inflight = semaphore.NewWeighted(int64(maxInFlight))
	}
	return t
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	sent, err := t.budget.Wait(req.Context())
	if err != nil {
		return nil, err
	}
	release := func() {}
	if t.inflight != nil {
		if err := t.inflight.Acquire(req.Context(), 1); err != nil {
			return nil, err
		}
		var once sync.Once
		release = func() { once.Do(func() { t.inflight.Release(1) }) }
	}
	t.calls.Add(1)
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	d := time.Since(start)
	if err != nil {
		release()
		t.logger.Debug("nhncloud call", "method", req.Method, "path", req.URL.Path, "error", err.Error(), "duration", d)
		return nil, err
	}
	t.budget.Done(sent, resp.StatusCode == http.StatusTooManyRequests)
	t.logger.Debug("nhncloud call", "method", req.Method, "path", req.URL.Path,
		"status", resp.StatusCode, "duration", d, "request_id", requestID(resp.Header))
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// requestID returns the id Nova, Cinder or Glance put on the answer.
func requestID(h http.Header) string {
	for _, k := range []string{"X-Openstack-Request-Id", "X-Compute-Request-Id", "X-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// releasingBody gives the in-flight slot back when the answer is closed:
// a call is in flight until its body is read.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	defer b.release()
	return b.ReadCloser.Close()
}
