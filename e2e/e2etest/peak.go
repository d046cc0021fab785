package e2etest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// PeakEnv names the file a child writes its peak resident set to at its
// end, in KiB (Linux's VmHWM). The rusage the parent reads after wait4 is
// no measure of the child: Go starts children with vfork, and exec
// records the shared address space's high-water mark, the parent's, into
// the child's ru_maxrss, so a child of a test process holding a large
// simulator reported that process's size (223 MiB for a plan whose own
// peak was 130 MiB).
const PeakEnv = "FLEET_E2E_PEAK"

// writePeak writes this process's VmHWM (KiB) to path.
func writePeak(path string) error {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	kib, err := vmHWM(status)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strconv.FormatInt(kib, 10)), 0o600)
}

// vmHWM reads the "VmHWM:   1234 kB" line of /proc/PID/status.
func vmHWM(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM line in /proc/self/status")
}

// ReadPeak returns the peak a child wrote to path, in MiB; ok is false
// when it wrote none.
func ReadPeak(path string) (mib float64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	kib, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, false
	}
	return float64(kib) / 1024, true
}
