package nhncloud

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// transport sits under gophercloud: every HTTP request, retries and token
// requests included, waits for the provider's request budget, is counted,
// and is logged at debug level without headers or bodies, so neither the
// token nor the password can reach the log.
type transport struct {
	base    http.RoundTripper
	limiter *rate.Limiter
	logger  *slog.Logger
	calls   atomic.Int64
}

func newTransport(base http.RoundTripper, rps float64, logger *slog.Logger) *transport {
	if base == nil {
		base = http.DefaultTransport
	}
	burst := int(rps)
	if burst < 1 {
		burst = 1
	}
	return &transport{base: base, limiter: rate.NewLimiter(rate.Limit(rps), burst), logger: logger}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}
	t.calls.Add(1)
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	d := time.Since(start)
	if err != nil {
		t.logger.Debug("nhncloud call", "method", req.Method, "path", req.URL.Path, "error", err.Error(), "duration", d)
		return nil, err
	}
	t.logger.Debug("nhncloud call", "method", req.Method, "path", req.URL.Path,
		"status", resp.StatusCode, "duration", d, "request_id", requestID(resp.Header))
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
