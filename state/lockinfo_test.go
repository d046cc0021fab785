package state_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/state"
)

func TestDescribeLock(t *testing.T) {
	created := time.Date(2026, 11, 22, 20, 1, 2, 0, time.FixedZone("KST", 9*3600))
	live := &state.LockInfo{ID: "b1f0c3a2-0000-4000-8000-000000000001", Path: "/srv/web/fleet.lock", Operation: "apply",
		Who: "ci@runner-3", Host: "runner-3", PID: 4242, Version: "1.2.0", Created: created}
	stale := *live
	stale.Stale = true
	tests := map[string]struct {
		info *state.LockInfo
		want string
	}{
		"live": {info: live, want: `Lock Info:
  ID:        b1f0c3a2-0000-4000-8000-000000000001
  Path:      /srv/web/fleet.lock
  Operation: apply
  Who:       ci@runner-3
  PID:       4242
  Version:   1.2.0
  Created:   2026-11-22T11:01:02Z
`},
		"stale": {info: &stale, want: `Lock Info:
  ID:        b1f0c3a2-0000-4000-8000-000000000001
  Path:      /srv/web/fleet.lock
  Operation: apply
  Who:       ci@runner-3
  PID:       4242
  Version:   1.2.0
  Created:   2026-11-22T11:01:02Z
  The holding process is gone: this lock is stale.
`},
		"unknown holder": {info: &state.LockInfo{Path: "postgres:web", Operation: "unknown", Who: "unknown (no lock info)"}, want: `Lock Info:
  Path:      postgres:web
  Operation: unknown
  Who:       unknown (no lock info)
`},
		"not locked": {info: nil, want: "Lock Info:\n  (not locked)\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := state.DescribeLock(tc.info); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestNewLockInfo(t *testing.T) {
	before := time.Now().Add(-time.Second)
	info := state.NewLockInfo("destroy", "1.2.0")
	host, _ := os.Hostname()
	if info.Operation != "destroy" || info.Version != "1.2.0" || info.PID != os.Getpid() || info.Host != host {
		t.Errorf("got %+v, want operation destroy, version 1.2.0, pid %d, host %s", info, os.Getpid(), host)
	}
	if !strings.HasSuffix(info.Who, "@"+host) || len(info.Who) <= len(host)+1 {
		t.Errorf("who: got %q, want user@%s", info.Who, host)
	}
	if info.Created.Before(before) || info.Created.After(time.Now()) || info.Created.Location() != time.UTC {
		t.Errorf("created: got %v, want now in UTC", info.Created)
	}
	if info.ID != "" {
		t.Errorf("id: got %q, want it left to Lock", info.ID)
	}
}

func TestLockErrorNamesHolder(t *testing.T) {
	info := &state.LockInfo{Who: "ci@runner-3", PID: 4242, Operation: "apply", Created: time.Date(2026, 11, 22, 20, 1, 2, 0, time.UTC), Stale: true}
	got := (&state.LockError{Info: info}).Error()
	want := "state is locked by ci@runner-3 (pid 4242, operation apply, since 2026-11-22T20:01:02Z) (stale: that process is gone)"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
