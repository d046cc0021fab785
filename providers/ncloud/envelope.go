package ncloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// flexString accepts a JSON string or number: some documented examples send
// returnCode as a number where the API sends a string.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	if string(b) == "null" {
		*s = ""
		return nil
	}
	*s = flexString(b)
	return nil
}

// common is what every successful inner object carries.
type common struct {
	RequestID     string     `json:"requestId"`
	ReturnCode    flexString `json:"returnCode"`
	ReturnMessage string     `json:"returnMessage"`
}

// gatewayError is the API Gateway layer: {"error":{"errorCode",...}}.
type gatewayError struct {
	Error *struct {
		ErrorCode flexString `json:"errorCode"`
		Message   string     `json:"message"`
		Details   string     `json:"details"`
	} `json:"error"`
}

// serviceError is the vserver layer: {"responseError":{"returnCode",...}},
// with the responseCode/responseMessage variant seen in the wild.
type serviceError struct {
	ResponseError *struct {
		ReturnCode      flexString `json:"returnCode"`
		ReturnMessage   string     `json:"returnMessage"`
		ResponseCode    flexString `json:"responseCode"`
		ResponseMessage string     `json:"responseMessage"`
		RequestID       string     `json:"requestId"`
	} `json:"responseError"`
}

// retryCodes are the service codes that mean "try again": a temporary
// failure (1000), an operation in progress (1100031), concurrent ACG or NIC
// changes (1007009, 1002035).
var retryCodes = map[string]bool{"1000": true, "1100031": true, "1007009": true, "1002035": true}

// decode turns one HTTP answer into out or an *providers.APIError and
// returns the request id when the answer had one.
func decode(op string, resp *http.Response, body []byte, out any) (string, error) {
	if resp.StatusCode == http.StatusOK {
		c, err := decodeSuccess(op, body, out)
		if err != nil {
			return c.RequestID, &providers.APIError{Provider: "ncloud", Operation: op, Status: resp.StatusCode, RequestID: c.RequestID, Message: "decoding the answer: " + err.Error()}
		}
		if c.ReturnCode != "" && c.ReturnCode != "0" {
			return c.RequestID, apiError(op, resp, string(c.ReturnCode), c.ReturnMessage, c.RequestID)
		}
		return c.RequestID, nil
	}
	var ge gatewayError
	if json.Unmarshal(body, &ge) == nil && ge.Error != nil {
		msg := ge.Error.Message
		if ge.Error.Details != "" {
			msg += " (" + ge.Error.Details + ")"
		}
		return "", apiError(op, resp, string(ge.Error.ErrorCode), msg, "")
	}
	var se serviceError
	if json.Unmarshal(body, &se) == nil && se.ResponseError != nil {
		r := se.ResponseError
		code, msg := r.ReturnCode, r.ReturnMessage
		if code == "" {
			code, msg = r.ResponseCode, r.ResponseMessage
		}
		return r.RequestID, apiError(op, resp, string(code), msg, r.RequestID)
	}
	return "", apiError(op, resp, "", snippet(body), "")
}

// decodeSuccess decodes the inner object of {"<op>Response": {...}} into
// the common fields and out in one pass: list answers are large (a page of
// a thousand servers), and decoding them once per field set showed up as
// most of a 10,000-server refresh (profile of
// `go test -run '^$' -bench Plan10000 -cpuprofile cpu.out ./bench/`).
func decodeSuccess(op string, body []byte, out any) (common, error) {
	var c common
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return c, fmt.Errorf("no %sResponse object", op)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return c, err
		}
		if key, _ := t.(string); key != op+"Response" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return c, err
			}
			continue
		}
		if out == nil {
			return c, dec.Decode(&c)
		}
		both := withCommon(out)
		if err := dec.Decode(both.Addr().Interface()); err != nil {
			return c, err
		}
		reflect.ValueOf(out).Elem().Set(both.Field(1))
		return both.Field(0).Interface().(common), nil
	}
	return c, fmt.Errorf("no %sResponse object", op)
}

// withCommon returns a new value of struct{common; T} for out of type *T,
// so encoding/json fills both from the same bytes.
func withCommon(out any) reflect.Value {
	t := reflect.TypeOf(out).Elem()
	if st, ok := combined.Load(t); ok {
		return reflect.New(st.(reflect.Type)).Elem()
	}
	st := reflect.StructOf([]reflect.StructField{
		{Name: "Common", Type: reflect.TypeOf(common{}), Anonymous: true},
		{Name: "Payload", Type: t, Anonymous: t.Kind() == reflect.Struct},
	})
	combined.Store(t, st)
	return reflect.New(st).Elem()
}

var combined sync.Map // reflect.Type of T → struct{common; T}

func apiError(op string, resp *http.Response, code, msg, reqID string) *providers.APIError {
	e := &providers.APIError{
		Provider:  "ncloud",
		Operation: op,
		Status:    resp.StatusCode,
		Code:      code,
		Message:   msg,
		RequestID: reqID,
	}
	e.Retryable = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || retryCodes[code]
	e.RetryAfter, _ = backoff.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return e
}

// snippet is the start of an unrecognised body, for the error message.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "empty answer"
	}
	return s
}
