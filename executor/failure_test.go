package executor

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

func TestFailure(t *testing.T) {
	quota := &providers.APIError{Provider: "ncloud", Operation: "createServerInstances", Status: 400, Code: "1003", Message: "quota exceeded", Address: "server/web-1"}
	tests := map[string]struct {
		cause      error
		wantError  string
		wantReason string
		wantCode   string
	}{
		"cloud answer naming the address": {
			cause:      quota,
			wantError:  "server/web-1: ncloud createServerInstances: HTTP 400 code 1003: quota exceeded",
			wantReason: "ncloud createServerInstances: HTTP 400 code 1003: quota exceeded",
			wantCode:   "1003",
		},
		"cloud answer wrapped": {
			cause:      fmt.Errorf("create server/web-1: %w", &providers.APIError{Provider: "nhncloud", Operation: "POST /servers", Status: 403, Code: "Forbidden"}),
			wantError:  "server/web-1: create server/web-1: nhncloud POST /servers: HTTP 403 code Forbidden",
			wantReason: "create server/web-1: nhncloud POST /servers: HTTP 403 code Forbidden",
			wantCode:   "Forbidden",
		},
		"no address in the cause": {
			cause:      errors.New("boom"),
			wantError:  "server/web-1: boom",
			wantReason: "boom",
		},
		"the address opening a sentence": {
			cause:      errors.New("server/web-1 did not become running within 1h (--wait-timeout)"),
			wantError:  "server/web-1 did not become running within 1h (--wait-timeout)",
			wantReason: "server/web-1 did not become running within 1h (--wait-timeout)",
		},
		"another server's address is kept": {
			cause:      errors.New("server/web-10: boom"),
			wantError:  "server/web-1: server/web-10: boom",
			wantReason: "server/web-10: boom",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a := &planner.Action{ID: "create server/web-1", Address: addrs.Server("web-1"), Type: planner.Create}
			f := newFailure(a, tt.cause)
			if f.ActionID != a.ID || f.Address != a.Address || f.Type != planner.Create {
				t.Errorf("failure %+v does not name the action", f)
			}
			if got := f.Error(); got != tt.wantError {
				t.Errorf("Error() = %q, want %q", got, tt.wantError)
			}
			if got := f.Reason(); got != tt.wantReason {
				t.Errorf("Reason() = %q, want %q", got, tt.wantReason)
			}
			if f.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", f.Code, tt.wantCode)
			}
			var err error = fmt.Errorf("apply: %w", f)
			var back Failure
			if !errors.As(err, &back) || back.Address != addrs.Server("web-1") || !errors.Is(err, tt.cause) {
				t.Errorf("a wrapped Failure is not found again with errors.As/Is: %v", err)
			}
		})
	}
}
