package ncloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud/signature"
)

// vpcAPI are the operations fleet calls on the VPC API (/vpc/v2), not on
// the Server API: the gateway routes each under its own path.
var vpcAPI = map[string]bool{"getSubnetList": true, "getVpcList": true}

// send makes one signed HTTP attempt of op and decodes the answer into out
// (the inner object of the envelope). Every failure is an *providers.APIError.
func (c *client) send(ctx context.Context, op string, f *form, out any) error {
	f.set("regionCode", c.cfg.Region) // always: bug #576 came from leaving it out
	f.set("responseFormatType", "json")
	base := c.base
	if vpcAPI[op] {
		base = c.vpcBase
	}
	u, err := url.Parse(base + "/" + op)
	if err != nil {
		return fmt.Errorf("ncloud %s: endpoint: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(f.encode()))
	if err != nil {
		return fmt.Errorf("ncloud %s: %w", op, err)
	}
	ts := strconv.FormatInt(c.cfg.Clock().UnixMilli(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderAccessKey, c.cfg.AccessKey)
	// The body is never signed: a POST signs its path only.
	req.Header.Set(signature.HeaderSignatureV2, signature.Sign(http.MethodPost, u.RequestURI(), ts, c.cfg.AccessKey, c.cfg.SecretKey))

	if c.inflight != nil {
		if err := c.inflight.Acquire(ctx, 1); err != nil {
			return fmt.Errorf("ncloud %s: %w", op, err)
		}
		defer c.inflight.Release(1) // after the answer is read
	}
	c.calls.Add(1)
	start := time.Now()
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		c.log(ctx, op, u.Path, 0, start, "", err)
		if ctx.Err() != nil {
			return fmt.Errorf("ncloud %s: %w", op, ctx.Err())
		}
		// A timeout or a dropped connection: the call may or may not have
		// reached the cloud.
		return &providers.APIError{Provider: "ncloud", Operation: op, Message: transportMessage(err), Retryable: true}
	}
	defer resp.Body.Close()
	body, err := providers.ReadAnswer(resp)
	if err != nil {
		c.log(ctx, op, u.Path, resp.StatusCode, start, "", err)
		return &providers.APIError{Provider: "ncloud", Operation: op, Status: resp.StatusCode, Message: "reading the answer: " + transportMessage(err), Retryable: true}
	}
	reqID, err := decode(op, resp, body, out)
	c.log(ctx, op, u.Path, resp.StatusCode, start, reqID, err)
	return err
}

// transportMessage drops the URL that *url.Error repeats: the error names
// the operation already.
func transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func (c *client) log(ctx context.Context, op, path string, status int, start time.Time, reqID string, err error) {
	attrs := []slog.Attr{
		slog.String("method", http.MethodPost),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if reqID != "" {
		attrs = append(attrs, slog.String("request_id", reqID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "ncloud "+op, attrs...)
}
