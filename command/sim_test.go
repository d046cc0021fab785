package command

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/sim"
)

// TestSimWaitsForItsDataUpToLockTimeout: `fleet sim --data DIR` whose
// directory another simulator holds waits up to --lock-timeout, then fails
// naming the holder; without the flag it fails at once.
func TestSimWaitsForItsDataUpToLockTimeout(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		atLeast  time.Duration
		atMost   time.Duration
		wantCode int
	}{
		{name: "no timeout fails at once", atMost: 2 * time.Second, wantCode: 1},
		{name: "waits for the timeout", args: []string{"--lock-timeout", "700ms"}, atLeast: 700 * time.Millisecond, atMost: 5 * time.Second, wantCode: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			holder, err := sim.New(sim.Config{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close()
			var out, errOut bytes.Buffer
			start := time.Now()
			code := Run(append([]string{"fleet", "sim", "--data", dir}, tt.args...), strings.NewReader(""), &out, &errOut)
			took := time.Since(start)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(errOut.String(), "in use by process") {
				t.Errorf("stderr does not name the holder:\n%s", errOut.String())
			}
			if took < tt.atLeast || took > tt.atMost {
				t.Errorf("failed after %v, want between %v and %v", took, tt.atLeast, tt.atMost)
			}
		})
	}
}
