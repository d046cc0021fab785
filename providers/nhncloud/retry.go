package nhncloud

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/fleet-iac/fleet/backoff"
)

// retrier decides what gophercloud retries. 429 is retried for every
// method: the cloud refused the request before doing anything. 5xx answers
// and timeouts are retried only for calls safe to repeat: idempotent methods
// and token requests (a login makes nothing; retried, it only issues another
// token). A POST that may have taken effect is never blindly repeated (a
// 503 on POST /servers can still create the server: garm #79), its caller
// checks the cloud instead.
type retrier struct {
	max    int
	policy backoff.Policy // delay before retry n is policy.Delay(n-1)
	sleep  func(ctx context.Context, d time.Duration) error
}

func newRetrier(max int) *retrier {
	return &retrier{max: max, policy: backoff.Policy{First: 500 * time.Millisecond, Max: 30 * time.Second}, sleep: backoff.Sleep}
}

// backoff is the delay before retry number attempt (1-based).
func (r *retrier) backoff(attempt uint) time.Duration {
	return r.policy.Delay(int(attempt) - 1)
}

// onThrottle is gophercloud's RetryBackoffFunc, called on 429 and 498. A
// 429 is retried up to backoff.ThrottleRetries times, not r.max: the cloud
// did nothing, and the request budget slows every call meanwhile.
func (r *retrier) onThrottle(ctx context.Context, respErr *gophercloud.ErrUnexpectedResponseCode, err error, attempt uint) error {
	if int(attempt) > backoff.ThrottleRetries || backoff.IsOneAttempt(ctx) {
		return *respErr
	}
	d, ok := backoff.RetryAfter(respErr.ResponseHeader.Get("Retry-After"), time.Now())
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
	if int(attempt) > r.max || ctx.Err() != nil || backoff.IsOneAttempt(ctx) || !retryable(method, err) && !(tokenRequest(url) && retryable(http.MethodGet, err)) {
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

// tokenRequest reports whether url is Keystone's token endpoint: logins at
// the start and re-authentication when a token expires mid-apply.
func tokenRequest(url string) bool {
	return strings.HasSuffix(strings.TrimRight(url, "/"), "/tokens")
}
