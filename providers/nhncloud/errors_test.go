package nhncloud

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func TestErrorMapping(t *testing.T) {
	tests := map[string]struct {
		status int
		header http.Header
		body   string
		want   providers.APIError
	}{
		"404 item not found": {
			status: 404, body: `{"itemNotFound": {"code": 404, "message": "Instance s1 could not be found."}}`,
			want: providers.APIError{Status: 404, Code: "itemNotFound", Message: "Instance s1 could not be found.", Err: providers.ErrNotFound},
		},
		"409 state conflict": {
			status: 409, body: `{"conflictingRequest": {"code": 409, "message": "Cannot 'os-stop' instance s1 while it is in task_state powering-off"}}`,
			want: providers.APIError{Status: 409, Code: "conflictingRequest", Message: "Cannot 'os-stop' instance s1 while it is in task_state powering-off", Err: providers.ErrConflict},
		},
		"400 bad request": {
			status: 400, body: `{"badRequest": {"code": 400, "message": "Invalid key_name provided."}}`,
			want: providers.APIError{Status: 400, Code: "badRequest", Message: "Invalid key_name provided."},
		},
		"403 quota": {
			status: 403, body: `{"forbidden": {"code": 403, "message": "Quota exceeded for instances"}}`,
			want: providers.APIError{Status: 403, Code: "forbidden", Message: "Quota exceeded for instances"},
		},
		"413 volume quota with Retry-After": {
			status: 413, header: http.Header{"Retry-After": {"0"}}, body: `{"overLimit": {"code": 413, "message": "VolumeLimitExceeded", "retryAfter": "0"}}`,
			want: providers.APIError{Status: 413, Code: "overLimit", Message: "VolumeLimitExceeded"},
		},
		"503 without body": {
			status: 503,
			want:   providers.APIError{Status: 503, Message: "Service Unavailable", Retryable: true},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("GET "+computePath("/servers/s1"), func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				reply(w, tc.status, tc.body)
			})
			p := f.provider(t, func(c *Config) { c.MaxRetries = -1 })
			_, err := p.Update(context.Background(), providers.UpdateRequest{Kind: addrs.KindServer, ID: "s1", Address: "server/web-1", Change: providers.PowerChange{To: "stopped"}})
			var ae *providers.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *providers.APIError", err, err)
			}
			want := tc.want
			want.Provider, want.Operation, want.Address, want.RequestID = "nhncloud", "GET /servers/{id}", "server/web-1", "req-0b8a"
			if diff := cmp.Diff(want, *ae, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if tc.want.Err != nil && !errors.Is(err, tc.want.Err) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.want.Err)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := apiError("DELETE /servers/{id}", "server/web-1", errors.New("dial tcp: connection refused"))
	if got, want := err.Error(), "server/web-1: nhncloud DELETE /servers/{id}: dial tcp: connection refused"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
