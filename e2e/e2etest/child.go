package e2etest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/command"
	"github.com/fleet-iac/fleet/providers/sim"
)

// Main is a TestMain body: with childEnv=1 the re-executed test binary is
// fleet itself and runs its arguments, otherwise it runs the tests. It
// returns the exit code for TestMain to exit with. A child given
// ProfileEnv=PREFIX writes PREFIX.cpu and PREFIX.heap profiles of its run,
// one given PeakEnv=FILE its peak resident set.
func Main(m *testing.M, childEnv string) int {
	if os.Getenv(childEnv) == "1" {
		fleet := func() int { return command.Run(os.Args, os.Stdin, os.Stdout, os.Stderr) }
		run := fleet
		if prefix := os.Getenv(ProfileEnv); prefix != "" {
			run = func() int { return profiled(prefix, fleet) }
		}
		code := run()
		if path := os.Getenv(PeakEnv); path != "" {
			if err := writePeak(path); err != nil {
				fmt.Fprintln(os.Stderr, "peak:", err)
			}
		}
		return code
	}
	return m.Run()
}

// ProfileEnv names the file prefix a child writes its profiles to.
const ProfileEnv = "FLEET_E2E_PROFILE"

// profiled runs run under the CPU profiler and writes the heap profile
// after it: how the benchmarks look inside a whole fleet process.
func profiled(prefix string, run func() int) int {
	cpu, err := os.Create(prefix + ".cpu")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := run()
	pprof.StopCPUProfile()
	if heap, err := os.Create(prefix + ".heap"); err == nil {
		pprof.Lookup("allocs").WriteTo(heap, 0)
		heap.Close()
	}
	return code
}

// Environ is this process's environment without anything that would point
// fleet elsewhere (NCLOUD_*, OS_*, FLEET_*), plus the simulator's endpoints
// and credentials, childEnv=1 and NO_COLOR=1.
func Environ(s *sim.Server, childEnv string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "NCLOUD_") || strings.HasPrefix(name, "OS_") || strings.HasPrefix(name, "FLEET_") {
			continue
		}
		env = append(env, kv)
	}
	for _, v := range s.Env() {
		env = append(env, v.Name+"="+v.Value)
	}
	return append(env, childEnv+"=1", "NO_COLOR=1")
}

// SimVar returns the simulator's variable name, failing t without it.
func SimVar(t testing.TB, s *sim.Server, name string) string {
	t.Helper()
	for _, v := range s.Env() {
		if v.Name == name {
			return v.Value
		}
	}
	t.Fatalf("simulator has no variable %s", name)
	return ""
}

// Child is a running fleet process: this test binary re-executed with
// Main's switch in its environment.
type Child struct {
	Cmd            *exec.Cmd
	Stdout, Stderr Buffer
	done           chan struct{}
	err            error
}

// Start starts fleet with args in dir with environment env.
func Start(t testing.TB, dir string, env []string, args ...string) *Child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &Child{done: make(chan struct{})}
	c.Cmd = &exec.Cmd{Path: exe, Args: append([]string{"fleet"}, args...), Dir: dir, Env: env}
	c.Cmd.Stdout, c.Cmd.Stderr = &c.Stdout, &c.Stderr
	if err := c.Cmd.Start(); err != nil {
		t.Fatalf("start fleet %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		c.err = c.Cmd.Wait()
		close(c.done)
	}()
	return c
}

// Done is closed when the child has ended.
func (c *Child) Done() <-chan struct{} { return c.done }

// Wait waits for the child up to timeout and returns its exit code (-1 when
// a signal ended it). After timeout it kills the child and returns an error,
// as it does when the child could not be waited for.
func (c *Child) Wait(timeout time.Duration) (int, error) {
	select {
	case <-c.done:
	case <-time.After(timeout):
		c.Kill()
		return -1, fmt.Errorf("fleet %s did not end within %s", strings.Join(c.Cmd.Args[1:], " "), timeout)
	}
	var ee *exec.ExitError
	if c.err != nil && !errors.As(c.err, &ee) {
		return -1, fmt.Errorf("fleet %s: %w", strings.Join(c.Cmd.Args[1:], " "), c.err)
	}
	return c.Cmd.ProcessState.ExitCode(), nil
}

// Kill sends SIGKILL and reaps the child; it reports whether the child was
// still running (false: it had already ended by itself).
func (c *Child) Kill() bool {
	if !c.Running() {
		return false
	}
	c.Cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	return true
}

// Running reports whether the child has not ended yet.
func (c *Child) Running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Buffer is a buffer the test may read while the child writes it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
