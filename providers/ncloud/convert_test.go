package ncloud

import (
	"testing"

	"github.com/fleet-iac/fleet/spec"
)

// A server in transition reports the power state it ends in, read from its
// operation, else its status (ncp.md §3.1), so that a plan made while it
// builds, stops or changes spec knows what to do once it has settled.
func TestServerSettling(t *testing.T) {
	tests := map[string]struct {
		status, op string
		want       string
	}{
		"building (INIT)":       {status: "INIT", op: "NULL", want: spec.PowerRunning},
		"building (CREAT)":      {status: "CREAT", op: "NULL", want: spec.PowerRunning},
		"setting up":            {status: "RUN", op: "SETUP", want: spec.PowerRunning},
		"shutting down":         {status: "RUN", op: "SHTDN", want: spec.PowerStopped},
		"booting":               {status: "NSTOP", op: "START", want: spec.PowerRunning},
		"restarting":            {status: "RUN", op: "RESTA", want: spec.PowerRunning},
		"changing spec":         {status: "NSTOP", op: "CHNG", want: spec.PowerStopped},
		"terminating":           {status: "NSTOP", op: "TERMT", want: ""},
		"running: not settling": {status: "RUN", op: "NULL", want: ""},
		"stopped: not settling": {status: "NSTOP", op: "NULL", want: ""},
		"failed":                {status: "FSTOP", op: "NULL", want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := serverInstance{Status: commonCode{Code: tc.status}, Operation: commonCode{Code: tc.op}}
			if got := serverSettling(s); got != tc.want {
				t.Errorf("serverSettling(%s/%s) = %q, want %q", tc.status, tc.op, got, tc.want)
			}
		})
	}
}
