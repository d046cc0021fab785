package ncloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// maxBackoff caps one backoff sleep.
const maxBackoff = 30 * time.Second

// retryPolicy is the client's backoff between attempts of one call.
func (c *client) retryPolicy() backoff.Policy {
	return backoff.Policy{First: c.cfg.RetryWait, Max: maxBackoff}
}

// client speaks the vserver API: signing, the request budget, retries.
type client struct {
	cfg     Config
	base    string          // gateway root + /vserver/v2
	vpcBase string          // gateway root + /vpc/v2, for the VPC API's reads (vpcAPI)
	budget  *backoff.Budget // shared by every client of this account
	calls   atomic.Int64
	// inflight bounds the calls in flight (Config.MaxInFlight); nil: none.
	inflight *semaphore.Weighted
}

func newClient(cfg Config) *client {
	c := &client{
		cfg:     cfg,
		base:    cfg.Endpoint + "/vserver/v2",
		vpcBase: cfg.Endpoint + "/vpc/v2",
		budget:  backoff.SharedBudget("ncloud "+cfg.Endpoint+" "+cfg.AccessKey, "ncloud "+cfg.Region, cfg.RequestsPerSecond, cfg.Logger),
	}
	if cfg.MaxInFlight > 0 {
		c.inflight = semaphore.NewWeighted(int64(cfg.MaxInFlight))
	}
	return c
}

// call runs op with retries on every retryable failure. Use it for reads and
// for mutations that are safe to repeat.
func (c *client) call(ctx context.Context, op string, f *form, out any) error {
	return c.retry(ctx, op, f, out, true)
}

// callOnce retries only failures that prove the cloud did nothing: a 429
// from the gateway and the service's "try again" codes. A 5xx or a timeout
// is returned, because the call may have taken effect (a create that must
// not be repeated blindly).
func (c *client) callOnce(ctx context.Context, op string, f *form, out any) error {
	return c.retry(ctx, op, f, out, false)
}

func (c *client) retry(ctx context.Context, op string, f *form, out any, ambiguousOK bool) error {
	b := backoff.Backoff{Policy: c.retryPolicy()}
	// 429s are retried apart, many more times: the cloud did nothing, and
	// the budget slows every call meanwhile.
	tb := backoff.Backoff{Policy: c.retryPolicy()}
	for {
		sent, err := c.budget.Wait(ctx)
		if err != nil {
			return fmt.Errorf("ncloud %s: %w", op, err)
		}
		err = c.send(ctx, op, f, out)
		var ae *providers.APIError
		answered := err == nil || errors.As(err, &ae) && ae.Status != 0
		throttled := ae != nil && ae.Status == http.StatusTooManyRequests
		if answered {
			c.budget.Done(sent, throttled)
		}
		if err == nil || ae == nil || !ae.Retryable || backoff.IsOneAttempt(ctx) {
			return err
		}
		if throttled {
			if tb.Attempts() >= backoff.ThrottleRetries {
				return err
			}
			if err := tb.Wait(ctx, ae.RetryAfter); err != nil {
				return fmt.Errorf("ncloud %s: %w (after %v)", op, err, ae)
			}
			continue
		}
		if b.Attempts() >= c.cfg.MaxRetries || !ambiguousOK && ambiguous(ae) {
			return err
		}
		if err := b.Wait(ctx, ae.RetryAfter); err != nil {
			return fmt.Errorf("ncloud %s: %w (after %v)", op, err, ae)
		}
	}
}

// ambiguous reports whether a failed call may still have taken effect.
func ambiguous(e *providers.APIError) bool {
	if e.Status == http.StatusTooManyRequests {
		return false
	}
	if e.Status >= 400 && e.Status < 500 {
		return false // a "try again" code: refused before acting
	}
	return true // 5xx, or no answer at all
}

// withAddress names the fleet address an error concerns.
func withAddress(err error, addr string) error {
	var ae *providers.APIError
	if errors.As(err, &ae) && ae.Address == "" {
		ae.Address = addr
	}
	return err
}
