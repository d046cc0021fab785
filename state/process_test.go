package state_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/state"
)

// These run against every backend: spec names the store for the helper
// process, b is the test process's handle on the same store.

// testSecondProcessRefused: a lock held here makes another process's Lock
// fail when its timeout ends, naming this process as the holder.
func testSecondProcessRefused(t *testing.T, b state.Backend, spec string) {
	ctx := context.Background()
	id, err := b.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Unlock(ctx, id)
	out, err := helperCmd(t, "lock", spec, helperTimeout+"=300ms").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitLockFailed {
		t.Fatalf("second process: got %v with output %q, want exit %d", err, out, exitLockFailed)
	}
	want := fmt.Sprintf("lock failed: state is locked by %s (pid %d, operation apply, since ", state.NewLockInfo("", "").Who, os.Getpid())
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("second process said %q, want it to start with %q", out, want)
	}
}

// testSecondProcessWaits: a process waiting for the lock takes it as soon as
// this one releases it.
func testSecondProcessWaits(t *testing.T, b state.Backend, spec string) {
	ctx := context.Background()
	id, err := b.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := helperCmd(t, "lock", spec, helperTimeout+"=30s")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const hold = 700 * time.Millisecond
	time.Sleep(hold)
	if err := b.Unlock(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("waiting process: %v, output %q", err, out.String())
	}
	if elapsed := time.Since(start); elapsed < hold || out.String() != "locked\n" {
		t.Errorf("waiting process: said %q after %v, want \"locked\" after the %v the lock was held", out.String(), elapsed, hold)
	}
}

// testKilledHolder: the lock of a process killed while holding it is
// reported stale, and the next Lock takes it at once.
func testKilledHolder(t *testing.T, b state.Backend, spec string) {
	ctx := context.Background()
	cmd := startHolder(t, spec)
	info, err := b.Holder(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info == nil || info.PID != cmd.Process.Pid || info.Stale || info.Operation != "apply" {
		t.Fatalf("holder while the process lives: got %+v, want a live apply by pid %d", info, cmd.Process.Pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	// PostgreSQL ends the session a moment after its client dies.
	deadline := time.Now().Add(5 * time.Second)
	for info.Stale == false && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if info, err = b.Holder(ctx); err != nil || info == nil {
			t.Fatalf("holder after the kill: got %+v, %v, want the dead holder's info", info, err)
		}
	}
	if !info.Stale || info.PID != cmd.Process.Pid {
		t.Fatalf("holder after the kill: got %+v, want pid %d marked stale", info, cmd.Process.Pid)
	}
	lctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	start := time.Now()
	id, err := b.Lock(lctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatalf("lock after the holder died: %v", err)
	}
	t.Logf("lock taken %v after the holder died", time.Since(start))
	if info, _ := b.Holder(ctx); info == nil || info.ID != id || info.Stale {
		t.Errorf("holder after relocking: got %+v, want this process's live lock %s", info, id)
	}
	if err := b.Unlock(ctx, id); err != nil {
		t.Fatal(err)
	}
}

// testCrashSafety kills a process writing the state in a loop at random
// instants (seeded: FLEET_CRASH_SEED replays a run; FLEET_CRASHTEST=long
// kills more often); after each kill the state parses, is whole, and its
// serial never went backwards.
func testCrashSafety(t *testing.T, b state.Backend, spec string) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FLEET_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("FLEET_CRASH_SEED: %v", err)
		}
	}
	kills := 12
	if os.Getenv("FLEET_CRASHTEST") == "long" {
		kills = 200
	}
	t.Logf("FLEET_CRASH_SEED=%d, %d kills", seed, kills)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	var last uint64
	for i := range kills {
		cmd := startHelper(t, "write", spec, "writing")
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		cmd.Process.Kill()
		if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "killed") {
			t.Fatalf("kill %d: the writer failed before it was killed: %v", i, err)
		}
		s, err := b.Read(ctx)
		if err != nil {
			t.Fatalf("kill %d: the state does not read: %v", i, err)
		}
		if s.Serial < last {
			t.Fatalf("kill %d: serial went back from %d to %d", i, last, s.Serial)
		}
		if uint64(len(s.Resources)) != s.Serial {
			t.Fatalf("kill %d: serial %d with %d resources: the state is torn", i, s.Serial, len(s.Resources))
		}
		last = s.Serial
	}
	if last == 0 {
		t.Fatal("the writer never wrote: the test proved nothing")
	}
	t.Logf("final serial %d", last)
}
