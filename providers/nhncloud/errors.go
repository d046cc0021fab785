package nhncloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

const providerName = "nhncloud"

// apiError turns what gophercloud returned into fleet's typed error: an
// *providers.APIError carrying the cloud's fault name and message verbatim
// and the address concerned, wrapping ErrNotFound on 404 and ErrConflict on
// 409. Errors without an HTTP answer are wrapped with the same context.
func apiError(op, address string, err error) error {
	if err == nil {
		return nil
	}
	var reauth gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &reauth) && reauth.ErrReauth != nil {
		err = reauth.ErrReauth
	}
	var code gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &code) {
		var ae *providers.APIError
		if errors.As(err, &ae) {
			return err
		}
		if address != "" {
			return fmt.Errorf("%s: %s %s: %w", address, providerName, op, err)
		}
		return fmt.Errorf("%s %s: %w", providerName, op, err)
	}
	e := &providers.APIError{
		Provider:  providerName,
		Operation: op,
		Status:    code.Actual,
		RequestID: requestID(code.ResponseHeader),
		Address:   address,
		Retryable: code.Actual == http.StatusTooManyRequests || code.Actual >= 500,
	}
	e.Code, e.Message = faultOf(code.Body)
	if e.Message == "" {
		e.Message = http.StatusText(code.Actual)
	}
	if d, ok := backoff.RetryAfter(code.ResponseHeader.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	switch code.Actual {
	case http.StatusNotFound:
		e.Err = providers.ErrNotFound
	case http.StatusConflict:
		e.Err = providers.ErrConflict
	}
	return e
}

// faultOf decodes the error bodies of Nova and Cinder
// ({"itemNotFound": {"code": 404, "message": "..."}}) and of Keystone
// ({"error": {"code": 401, "title": "...", "message": "..."}}).
func faultOf(body []byte) (name, message string) {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return "", ""
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var f struct {
			Message string `json:"message"`
			Title   string `json:"title"`
		}
		if json.Unmarshal(m[k], &f) != nil || (f.Message == "" && f.Title == "") {
			continue
		}
		if k == "error" && f.Title != "" {
			k = f.Title
		}
		return k, f.Message
	}
	return "", ""
}

// isStatus reports whether err is an HTTP answer with that status.
func isStatus(err error, status int) bool {
	var ae *providers.APIError
	if errors.As(err, &ae) {
		return ae.Status == status
	}
	return gophercloud.ResponseCodeIs(err, status)
}
