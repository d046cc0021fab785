package providers

import (
	"testing"

	"github.com/fleet-iac/fleet/addrs"
)

func TestTransitionsOf(t *testing.T) {
	var tr Transitions
	tr.Built("s1", "v1", "i2")
	tests := []struct {
		name string
		req  WaitRequest
		want string
	}{
		{"a new server's wait for idle is its build", WaitRequest{Kind: addrs.KindServer, ID: "s1", Target: TargetIdle}, "server build"},
		{"and so is its wait for running", WaitRequest{Kind: addrs.KindServer, ID: "s1", Target: TargetRunning}, "server build"},
		{"stop", WaitRequest{Kind: addrs.KindServer, ID: "s1", Target: TargetStopped}, "server stop"},
		{"after a stop, running is a start", WaitRequest{Kind: addrs.KindServer, ID: "s1", Target: TargetRunning}, "server start"},
		{"resize", WaitRequest{Kind: addrs.KindServer, ID: "s2", Target: TargetIdle, Type: "m2"}, "server resize"},
		{"settle", WaitRequest{Kind: addrs.KindServer, ID: "s2", Target: TargetIdle}, "server idle"},
		{"delete", WaitRequest{Kind: addrs.KindServer, ID: "s2", Target: TargetGone}, "server delete"},
		{"a new volume", WaitRequest{Kind: addrs.KindVolume, ID: "v1", Target: TargetIdle}, "volume build"},
		{"attach", WaitRequest{Kind: addrs.KindVolume, ID: "v1", Target: TargetAttached, ServerID: "s1"}, "volume attach"},
		{"detach", WaitRequest{Kind: addrs.KindVolume, ID: "v1", Target: TargetAvailable}, "volume detach"},
		{"volume delete", WaitRequest{Kind: addrs.KindVolume, ID: "v1", Target: TargetGone}, "volume delete"},
		{"image", WaitRequest{Kind: addrs.KindImage, ID: "i1", Target: TargetAvailable}, "image available"},
		{"a new image", WaitRequest{Kind: addrs.KindImage, ID: "i2", Target: TargetAvailable}, "image build"},
	}
	for _, tc := range tests { // in order: a stop ends the build
		if got, _ := tr.Of(tc.req); got != tc.want {
			t.Errorf("%s: Of = %q, want %q", tc.name, got, tc.want)
		}
	}
}
