package e2etest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestVmHWM(t *testing.T) {
	tests := map[string]struct {
		status  string
		want    int64
		wantErr bool
	}{
		"linux status": {status: "Name:\tfleet\nVmPeak:\t  900000 kB\nVmHWM:\t  118592 kB\nVmRSS:\t  100000 kB\n", want: 118592},
		"no line":      {status: "Name:\tfleet\nVmRSS:\t  100000 kB\n", wantErr: true},
		"not a number": {status: "VmHWM:\t  lots kB\n", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := vmHWM([]byte(tc.status))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("vmHWM = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestWritePeak: this process's peak, written and read back, is at least
// what it holds now.
func TestWritePeak(t *testing.T) {
	path := filepath.Join(t.TempDir(), "peak")
	if _, ok := ReadPeak(path); ok {
		t.Fatal("ReadPeak of a missing file: ok")
	}
	hold := make([]byte, 32<<20)
	for i := range hold {
		hold[i] = 1
	}
	if err := writePeak(path); err != nil {
		if _, statErr := os.Stat("/proc/self/status"); statErr != nil {
			t.Skip("no /proc here")
		}
		t.Fatal(err)
	}
	mib, ok := ReadPeak(path)
	if !ok || mib < 32 {
		t.Errorf("ReadPeak = %.1f MiB, %v; want at least the 32 MiB held", mib, ok)
	}
	_ = hold[len(hold)-1]
}
