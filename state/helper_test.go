package state_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// The lock tests need a second process: flock and PostgreSQL sessions both
// belong to their holder, so a second lock taken inside the test process
// would prove less. The test binary re-executes itself as that process.
const (
	helperMode    = "FLEET_STATE_TEST_HELPER"  // lock, hold or write
	helperBackend = "FLEET_STATE_TEST_BACKEND" // local:PATH or postgres:FLEET
	helperTimeout = "FLEET_STATE_TEST_TIMEOUT" // how long lock waits
)

// exitLockFailed is the helper's exit code when it could not take the lock.
const exitLockFailed = 3

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperMode); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

func helper(mode string) int {
	ctx := context.Background()
	b, err := helperOpen(ctx, os.Getenv(helperBackend))
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	switch mode {
	case "lock":
		timeout, err := time.ParseDuration(os.Getenv(helperTimeout))
		if err != nil {
			fmt.Println("timeout:", err)
			return 1
		}
		lctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		id, err := b.Lock(lctx, state.NewLockInfo("plan", "helper"))
		if err != nil {
			fmt.Println("lock failed:", err)
			return exitLockFailed
		}
		fmt.Println("locked")
		if err := b.Unlock(ctx, id); err != nil {
			fmt.Println("unlock:", err)
			return 1
		}
		return 0
	case "hold":
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		id, err := b.Lock(lctx, state.NewLockInfo("apply", "helper"))
		if err != nil {
			fmt.Println("lock failed:", err)
			return exitLockFailed
		}
		fmt.Println("locked", id)
		time.Sleep(2 * time.Minute) // until the test kills it
		return 1
	case "write":
		// Each write adds one resource, so a state whose resource count is
		// not its serial was torn.
		fmt.Println("writing")
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
			s, err := b.Read(ctx)
			if err != nil {
				fmt.Println("read:", err)
				return 1
			}
			n := s.Serial + 1
			s.Put(state.Resource{Address: addrs.Server(fmt.Sprintf("web-%06d", n)), Kind: addrs.KindServer, Provider: "sim",
				ID: fmt.Sprint(n), Server: &providers.Server{ID: fmt.Sprint(n), Name: strings.Repeat("x", 200)}})
			if err := b.Write(ctx, s); err != nil && !errors.Is(err, state.ErrSerialConflict) {
				fmt.Println("write:", err)
				return 1
			}
		}
		return 1
	}
	fmt.Println("unknown helper mode", mode)
	return 1
}

func helperOpen(ctx context.Context, spec string) (state.Backend, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "local":
		return state.NewLocal(arg), nil
	case "postgres":
		return state.NewPostgres(ctx, os.Getenv(pgEnv), arg)
	}
	return nil, fmt.Errorf("unknown backend %q", spec)
}

func helperCmd(t *testing.T, mode, backend string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperMode + "=" + mode, helperBackend + "=" + backend}, env...)...)
	return cmd
}

// startHolder runs a helper that takes the lock and keeps it until killed;
// it returns once the lock is held.
func startHolder(t *testing.T, backend string) *exec.Cmd {
	t.Helper()
	return startHelper(t, "hold", backend, "locked ")
}

// startHelper starts a helper process and returns once it printed a line
// starting with ready; the process is killed at the end of the test.
func startHelper(t *testing.T, mode, backend, ready string) *exec.Cmd {
	t.Helper()
	cmd := helperCmd(t, mode, backend)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		s, _ := r.ReadString('\n')
		line <- s
		io.Copy(io.Discard, r) // a helper that prints more must not block on a full pipe
	}()
	select {
	case s := <-line:
		if !strings.HasPrefix(s, ready) {
			t.Fatalf("%s helper: got %q, want %q", mode, s, ready)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s helper did not get ready within 30s", mode)
	}
	return cmd
}
