package nhnsim

import (
	"encoding/json"
	"net/http"
)

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	// An encode error means the client went away; there is no one to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// faultNames maps a status code to the wrapper key of Nova's and Cinder's
// error bodies.
var faultNames = map[int]string{
	400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
	409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit",
	501: "notImplemented", 503: "serviceUnavailable",
}

// writeFault answers with {"<faultName>": {"code": N, "message": "..."}}.
func writeFault(w http.ResponseWriter, code int, msg string) {
	name, ok := faultNames[code]
	if !ok {
		name = "computeFault"
	}
	writeJSON(w, code, map[string]any{name: map[string]any{"code": code, "message": msg}})
}

// noContent answers with a status and no body.
func noContent(w http.ResponseWriter, code int) {
	w.WriteHeader(code)
}

// decode reads the request body into v; false means a 400 was written.
func (c *call) decode(v any) bool {
	if err := json.Unmarshal(c.body, v); err != nil {
		writeFault(c.w, http.StatusBadRequest, "Malformed request body")
		return false
	}
	return true
}

type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// links builds Nova's self and bookmark links for a resource path like "servers/<id>".
func (c *call) links(base, rest string) []link {
	return []link{
		{base + "/v2/" + c.tenant + "/" + rest, "self"},
		{base + "/" + c.tenant + "/" + rest, "bookmark"},
	}
}

const (
	timeZ      = "2006-01-02T15:04:05Z"       // created, updated, expires
	timeMicros = "2006-01-02T15:04:05.000000" // launched_at, created_at of volumes and keypairs
)
