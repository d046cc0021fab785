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
// `go test -run '^$' -bench Plan10000 -cpuprofile cpu.out ./bench/`). The
// body is unmarshalled in place into struct{R *struct{common; T}} tagged
// with the operation's key: a json.Decoder over the body copied each
// page's megabytes into its own buffer, growing it as it went, which
// took a fifth of a 10,000-server plan's CPU (BenchmarkPlan10000Process).
func decodeSuccess(op string, body []byte, out any) (common, error) {
	var c common
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return c, fmt.Errorf("no %sResponse object", op)
	}
	env := envelopeFor(op, out)
	if err := providers.DecodeAnswer(body, env.Addr().Interface()); err != nil {
		return c, err
	}
	inner := env.Field(0)
	if inner.IsNil() {
		return c, fmt.Errorf("no %sResponse object", op)
	}
	inner = inner.Elem()
	if out == nil {
		return inner.Interface().(common), nil
	}
	reflect.ValueOf(out).Elem().Set(inner.Field(1))
	return inner.Field(0).Interface().(common), nil
}

// envelopeFor returns a new value of struct{R *struct{common; T}
// `json:"<op>Response"`} for out of type *T (struct{R *common} when out is
// nil), so that encoding/json fills both from the same bytes.
func envelopeFor(op string, out any) reflect.Value {
	var t reflect.Type
	if out != nil {
		t = reflect.TypeOf(out).Elem()
	}
	key := envelopeKey{op, t}
	if st, ok := envelopes.Load(key); ok {
		return reflect.New(st.(reflect.Type)).Elem()
	}
	inner := reflect.TypeOf(common{})
	if t != nil {
		inner = reflect.StructOf([]reflect.StructField{
			{Name: "Common", Type: inner, Anonymous: true},
			{Name: "Payload", Type: t, Anonymous: t.Kind() == reflect.Struct},
		})
	}
	st := reflect.StructOf([]reflect.StructField{
		{Name: "R", Type: reflect.PointerTo(inner), Tag: reflect.StructTag(`json:"` + op + `Response"`)},
	})
	envelopes.Store(key, st)
	return reflect.New(st).Elem()
}

type envelopeKey struct {
	op string
	t  reflect.Type
}

var envelopes sync.Map // envelopeKey → struct{R *struct{common; T}}

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
