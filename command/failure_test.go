package command

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/executor"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/style"
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

// TestPrintError: an apply failure is printed from its fields, the address
// once and first, in the run's style; colour changes only the codes.
func TestPrintError(t *testing.T) {
	tests := map[string]struct {
		err  error
		want string
	}{
		"a user error": {userError("Saved plan is stale", "Make a new plan."), "Error: Saved plan is stale\n\nMake a new plan.\n"},
		"a cloud's answer naming the address": {
			executor.Failure{ActionID: "create server/web", Address: addrs.Server("web"), Type: planner.Create, Code: "1003",
				Err: &providers.APIError{Provider: "ncloud", Operation: "createServerInstances", Status: 400, Code: "1003", Message: "quota exceeded", Address: "server/web"}},
			"Error: server/web: ncloud createServerInstances: HTTP 400 code 1003: quota exceeded\n",
		},
		"a cause without the address": {
			executor.Failure{ActionID: "check server/web", Address: addrs.Server("web"), Type: planner.Check, Err: errors.New("rollout check failed")},
			"Error: server/web: rollout check failed\n",
		},
		"any other error": {errors.New("read state: permission denied"), "Error: read state: permission denied\n"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var plain, colored strings.Builder
			printError(&plain, tt.err, style.Style{})
			printError(&colored, tt.err, style.New(true))
			if plain.String() != tt.want {
				t.Errorf("got %q, want %q", plain.String(), tt.want)
			}
			if colored.String() == plain.String() || style.Strip(colored.String()) != plain.String() {
				t.Errorf("coloured %q is not the plain text with codes", colored.String())
			}
		})
	}
}
