package nhncloud

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// retrier decides what gophercloud retries. 429 is retried for every
// method: the cloud refused the request before doing anything. 5xx answers
// and timeouts are retried only for idempotent methods; a POST that may
// have taken effect is never blindly repeated (a 503 on POST /servers can
// still create the server: garm #79), its caller checks the cloud instead.
type retrier struct {
	max   int
	base  time.Duration // first backoff; doubles per attempt
	limit time.Duration // backoff ceiling
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
}

func newRetrier(max int) *retrier {
	return &retrier{max: max, base: 500 * time.Millisecond, limit: 30 * time.Second, sleep: sleepCtx, rand: rand.Float64}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is exponential with jitter: a random duration in [d/2, d] where
// d = base·2^(attempt-1), capped at limit.
func (r *retrier) backoff(attempt uint) time.Duration {
	d := r.base
	for i := uint(1); i < attempt && d < r.limit; i++ {
		d *= 2
	}
	if d > r.limit {
		d = r.limit
	}
	return d/2 + time.Duration(r.rand()*float64(d/2))
}

// onThrottle is gophercloud's RetryBackoffFunc, called on 429 and 498.
func (r *retrier) onThrottle(ctx context.Context, respErr *gophercloud.ErrUnexpectedResponseCode, err error, attempt uint) error {
	if int(attempt) > r.max {
		return *respErr
	}
	d, ok := retryAfter(respErr.ResponseHeader, time.Now())
	if !ok {
		d = r.backoff(attempt)
	}
	if err := r.sleep(ctx, d); err != nil {
		return *respErr
	}
	return nil
}

// onFailure is gophercloud's RetryFunc, called on transport errors and on
// any status outside a call's OkCodes.
func (r *retrier) onFailure(ctx context.Context, method, url string, _ *gophercloud.RequestOpts, err error, attempt uint) error {
	if int(attempt) > r.max || ctx.Err() != nil || !retryable(method, err) {
		return err
	}
	if err := r.sleep(ctx, r.backoff(attempt)); err != nil {
		return err
	}
	return nil
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPatch: // fleet only PATCHes Glance properties with "add", which sets a value
		return true
	}
	return false
}

// retryable reports whether a failed call may be sent again.
func retryable(method string, err error) bool {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		switch {
		case code.Actual == http.StatusTooManyRequests:
			return true
		case code.Actual >= 500 && code.Actual != http.StatusNotImplemented:
			return idempotent(method)
		}
		return false
	}
	return idempotent(method) && transient(err)
}

// transient reports transport failures worth a second try: timeouts and
// connections the far end dropped.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	return strings.Contains(err.Error(), "connection reset")
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}
