package nhncloud

import (
	"context"
	"errors"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
)

// ambiguous reports a failure after which the cloud may or may not have
// done what was asked: a 5xx answer or no answer at all.
func ambiguous(err error) bool {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return code.Actual >= 500 && code.Actual != http.StatusNotImplemented
	}
	return transient(err)
}

// settle sends a call that is not safe to repeat blindly (a POST). After
// an ambiguous failure it asks took whether the cloud shows the call's
// effect (the resource exists, the task runs, the state is reached) and
// sends again, with backoff, only when it does not. Any other failure is
// returned at once.
func (p *Provider) settle(ctx context.Context, op, address string, send func() error, took func() (bool, error)) error {
	var err error
	for attempt := 0; attempt <= p.retry.max; attempt++ {
		if err = send(); err == nil {
			return nil
		}
		if ctx.Err() != nil || !ambiguous(err) {
			break
		}
		done, terr := took()
		if terr != nil {
			return terr
		}
		if done {
			return nil
		}
		if attempt < p.retry.max {
			if serr := p.retry.sleep(ctx, p.retry.backoff(uint(attempt+1))); serr != nil {
				break
			}
		}
	}
	return apiError(op, address, err)
}
