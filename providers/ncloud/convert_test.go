package ncloud

import (
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// A server in transition reports the power state it ends in, read from its
// operation, else its status (ncp.md §3.1), so that a plan made while it
// builds, stops or changes spec knows what to do once it has settled.
func TestServerSettling(t *testing.T) {
	tests := map[string]struct {
		status, op string
		want       spec.Power
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

// A server's createDate (ncp.md §2, "2024-09-24T18:16:19+0900") is read as
// the time it was created, which tells a plan how long a build has taken;
// a value that cannot be read is unknown, not an error.
func TestServerCreated(t *testing.T) {
	tests := map[string]struct {
		createDate string
		want       time.Time
	}{
		"KST offset": {"2024-09-24T18:16:19+0900", time.Date(2024, 9, 24, 9, 16, 19, 0, time.UTC)},
		"UTC offset": {"2026-12-07T14:00:00+0000", time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)},
		"missing":    {"", time.Time{}},
		"garbled":    {"24.09.2024 18:16", time.Time{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := serverInstance{ServerInstanceNo: "1", CreateDate: tt.createDate}
			s.Status.Code, s.Operation.Code = "INIT", "NULL"
			got := toServer(s, providers.Owner{}, "", nil, nil).Created
			if !got.Equal(tt.want) {
				t.Errorf("created from %q = %v, want %v", tt.createDate, got, tt.want)
			}
		})
	}
}
