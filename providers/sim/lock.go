package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/regularfile"
)

// lockDir takes dir for this simulator: two simulators over one directory
// would each keep their own copy of the clouds in memory and overwrite each
// other's file. A held lock is waited for up to timeout, like the state
// lock. The lock dies with the process; beside it, sim.pid names the
// holder for the error the next one gets.
func lockDir(ctx context.Context, dir string, timeout time.Duration) (*flock.Flock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("simulator data directory: %w", err)
	}
	l := flock.New(filepath.Join(dir, "sim.lock"))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b := backoff.Backoff{Policy: backoff.Locks}
	var ok bool
	for {
		var err error
		if ok, err = l.TryLock(); err != nil {
			return nil, fmt.Errorf("lock the simulator data in %s: %w", dir, err)
		}
		if ok || b.Wait(ctx, 0) != nil {
			break
		}
	}
	pidFile := filepath.Join(dir, "sim.pid")
	if !ok {
		holder := "another process"
		if b, err := regularfile.ReadFile(pidFile); err == nil && strings.TrimSpace(string(b)) != "" {
			holder = "process " + strings.TrimSpace(string(b))
		}
		return nil, fmt.Errorf("the simulator data in %s is in use by %s: wait for it to end (--lock-timeout waits), or run one simulator (fleet sim --data %s) and point every run at it", dir, holder, dir)
	}
	if err := atomicfile.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		_ = l.Unlock()
		return nil, fmt.Errorf("simulator data directory: %w", err)
	}
	return l, nil
}
