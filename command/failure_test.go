package command

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func TestFailedOn(t *testing.T) {
	login := &providers.APIError{Provider: "ncloud", Operation: "getServerInstanceList", Status: 401, Code: "200", Message: "Authentication Failed"}
	onServer := &providers.APIError{Provider: "nhncloud", Operation: "GET /servers/1", Status: 503, Code: "computeFault", Address: "server/db"}
	blocked := spec.Diagnostic{Severity: spec.SeverityError, Summary: "server/db is protected", Address: "server/db"}
	warned := spec.Diagnostic{Severity: spec.SeverityWarning, Summary: "--skip-checks", Address: "server/web"}
	tests := map[string]struct {
		err         error
		diags       spec.Diagnostics
		wantAddress string
		wantCode    string
	}{
		"a refresh refused":        {err: fmt.Errorf("refresh provider %q: %w", "ncp", login), wantCode: "200"},
		"a call on one server":     {err: fmt.Errorf("refresh: %w", onServer), wantAddress: "server/db", wantCode: "computeFault"},
		"a diagnostic's address":   {err: exitCode(ExitError), diags: spec.Diagnostics{warned, blocked}, wantAddress: "server/db"},
		"nothing typed":            {err: errors.New("read state: permission denied")},
		"a warning names no cause": {err: exitCode(ExitError), diags: spec.Diagnostics{warned}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			address, code := failedOn(tt.err, tt.diags)
			if address != tt.wantAddress || code != tt.wantCode {
				t.Errorf("failedOn = (%q, %q), want (%q, %q)", address, code, tt.wantAddress, tt.wantCode)
			}
		})
	}
}
