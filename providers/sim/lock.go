package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"

	"github.com/fleet-iac/fleet/atomicfile"
)

// lockDir takes dir for this simulator: two simulators over one directory
// would each keep their own copy of the clouds in memory and overwrite each
// other's file. The lock dies with the process; beside it, sim.pid names
// the holder for the error the next one gets.
func lockDir(dir string) (*flock.Flock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("simulator data directory: %w", err)
	}
	l := flock.New(filepath.Join(dir, "sim.lock"))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock the simulator data in %s: %w", dir, err)
	}
	pidFile := filepath.Join(dir, "sim.pid")
	if !ok {
		holder := "another process"
		if b, err := os.ReadFile(pidFile); err == nil && strings.TrimSpace(string(b)) != "" {
			holder = "process " + strings.TrimSpace(string(b))
		}
		return nil, fmt.Errorf("the simulator data in %s is in use by %s: wait for it to end, or run one simulator (fleet sim --data %s) and point every run at it", dir, holder, dir)
	}
	if err := atomicfile.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		_ = l.Unlock()
		return nil, fmt.Errorf("simulator data directory: %w", err)
	}
	return l, nil
}
