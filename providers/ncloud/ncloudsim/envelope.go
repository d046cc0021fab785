package ncloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// field is one key of an ordered JSON object.
type field struct {
	Key   string
	Value any
}

// object is a JSON object that keeps its key order, so responses list their
// fields the way the documents' examples do.
type object []field

// MarshalJSON writes the fields in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// envelope renders `{"<name>": ` + 2-space pretty JSON + `}` with no trailing
// newline. The official SDK parses body[i-1:len-1] where i is the inner
// '{' (ncp.md §1.4): it needs a whitespace byte before the inner '{' and the
// outer '}' as the very last byte.
func envelope(name string, inner object) ([]byte, error) {
	return appendEnvelope(nil, name, inner)
}

// appendEnvelope appends the envelope to b. Each field is written indented
// in one pass (appendIndented), the bytes json.Indent gave before.
func appendEnvelope(b []byte, name string, inner object) ([]byte, error) {
	b = append(b, '{')
	b = appendJSONString(b, name)
	b = append(b, ": {"...)
	for i, f := range inner {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = appendJSONString(b, f.Key)
		b = append(b, ": "...)
		var err error
		if b, err = appendIndented(b, f.Value, 1); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Key, err)
		}
	}
	if len(inner) > 0 {
		b = append(b, '\n')
	}
	return append(b, "}}"...), nil
}

// apiError is a service error of vserver itself: HTTP 400 (or 500) with
// {"responseError": {"returnCode", "returnMessage"}} (ncp.md §4.2).
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + " " + e.Message }

// Return codes of ncp.md §4.2. Where the documents know no code for a
// refusal (a wrong state, a missing id, a protected server) the simulator
// uses 1100000, the generic "Parameter is invalid" the API gives for the
// cases that are known.
const (
	codeInvalid      = "1100000"
	codeInProgress   = "1100031"
	codeNoProduct    = "1401"
	codeNoImage      = "10712"
	codeHasStorage   = "10501"
	codeLoginKeyUsed = "10407"
)

func invalidParam(name, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalid,
		Message: "Parameter is invalid. " + name + ": " + fmt.Sprintf(format, args...)}
}

func wrongState(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalid,
		Message: "Parameter is invalid. " + fmt.Sprintf(format, args...)}
}

func inProgress() *apiError {
	// The API's own spelling ("NCLOD") is kept (ncp.md §4.2, PR #383).
	return &apiError{Status: http.StatusBadRequest, Code: codeInProgress,
		Message: "The server cannot be controlled by the NCLOD API."}
}

func noProduct() *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeNoProduct,
		Message: "Not found server product. Please check the product code, region, and zone."}
}

func noImage() *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeNoImage,
		Message: "Not found product. Please check your input product."}
}

func hasStorage() *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeHasStorage,
		Message: "After deleting additional storage, please try again."}
}

// gatewayError is an API Gateway error (ncp.md §4.1).
type gatewayError struct {
	Status  int
	Code    string
	Message string
	Details string
}

var (
	gwAuth      = gatewayError{http.StatusUnauthorized, "200", "Authentication Failed", ""}
	gwBadReq    = gatewayError{http.StatusBadRequest, "100", "Bad Request Exception", ""}
	gwNotFound  = gatewayError{http.StatusNotFound, "300", "Not Found Exception", ""}
	gwThrottle  = gatewayError{http.StatusTooManyRequests, "410", "Throttle Limited", ""}
	gwRateLimit = gatewayError{http.StatusTooManyRequests, "420", "Rate Limited", ""}
	gwEndpoint  = gatewayError{http.StatusServiceUnavailable, "500", "Endpoint Error", ""}
)

func (g gatewayError) Error() string { return g.Code + " " + g.Message }

func (g gatewayError) with(details string) gatewayError { g.Details = details; return g }

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func writeGateway(w http.ResponseWriter, g gatewayError) {
	body, _ := json.Marshal(map[string]any{"error": object{
		{"errorCode", g.Code}, {"message", g.Message}, {"details", g.Details}}})
	writeBody(w, g.Status, body)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	body, _ := envelope("responseError", object{{"returnCode", e.Code}, {"returnMessage", e.Message}})
	writeBody(w, e.Status, body)
}
