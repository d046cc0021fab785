//go:build unix

package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runFleetEnv makes the test binary run as fleet (see TestMain), so that a
// test can signal a real fleet process and read its output as it runs.
const runFleetEnv = "FLEET_TEST_RUN_FLEET"

const interruptFleet = `version: 1
name: interrupted
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    count: 3
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"] }
`

// fleetProc is a fleet process whose output lines are read as they come.
type fleetProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string // stdout and stderr, line by line
	mu    sync.Mutex
	all   strings.Builder
	done  chan error
}

func startFleet(t *testing.T, dir string, env []string, args ...string) *fleetProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), runFleetEnv+"=1", "NO_COLOR=1"), env...)
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &fleetProc{t: t, cmd: cmd, lines: make(chan string, 1000), done: make(chan error, 1)}
	var wg sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				p.mu.Lock()
				p.all.WriteString(sc.Text() + "\n")
				p.mu.Unlock()
				p.lines <- sc.Text()
			}
		}()
	}
	go func() { wg.Wait(); p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

// expect waits up to within for a line containing want.
func (p *fleetProc) expect(want string, within time.Duration) {
	p.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, want) {
				return
			}
		case <-deadline:
			p.t.Fatalf("no line with %q within %v; output so far:\n%s", want, within, p.output())
		}
	}
}

func (p *fleetProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.all.String()
}

// exit waits up to within for the process to end and returns its output.
func (p *fleetProc) exit(within time.Duration) string {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		p.t.Fatalf("still running %v later; output so far:\n%s", within, p.output())
	}
	return p.output()
}

func (p *fleetProc) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

// TestInterrupts: the first interrupt is acknowledged at once, naming the
// calls in flight; the second stops waiting for them and the process exits
// within a second, listing what was sent but not finished. Alone, the first
// lets the calls finish and ends with the same list.
func TestInterrupts(t *testing.T) {
	tests := map[string]struct {
		setupApply bool // apply first, quickly, so that the run deletes
		refreshing bool // interrupt while the plan is made: nothing sent yet
		args       []string
		signals    []os.Signal
		want       []string
	}{
		"apply, two interrupts": {
			args:    []string{"apply", "--auto-approve"},
			signals: []os.Signal{os.Interrupt, os.Interrupt},
			want: []string{"Second interrupt", "Error: Apply interrupted", "server/web-1: create sent, still building in the cloud",
				"Run the same command again (fleet apply)"},
		},
		"apply, one SIGTERM": {
			args:    []string{"apply", "--auto-approve"},
			signals: []os.Signal{syscall.SIGTERM},
			want:    []string{"Error: Apply interrupted", "server/web-2: create sent, still building in the cloud", "Run the same command again (fleet apply)"},
		},
		"destroy, two interrupts": {
			setupApply: true,
			args:       []string{"destroy", "--auto-approve"},
			signals:    []os.Signal{os.Interrupt, os.Interrupt},
			want:       []string{"Error: Destroy interrupted", "server/web-3: stop sent, may still be in progress in the cloud", "Run the same command again (fleet destroy)"},
		},
		"apply, one interrupt while refreshing": {
			refreshing: true,
			args:       []string{"apply", "--auto-approve"},
			signals:    []os.Signal{os.Interrupt},
			want:       []string{"Error: Apply interrupted", "Every call sent was seen to finish", "Run the same command again (fleet apply)"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte(interruptFleet), 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.setupApply {
				startFleet(t, dir, nil, "apply", "--auto-approve").exit(60 * time.Second)
			}
			// Every call takes 2 s: the creates or deletes are in flight
			// when the interrupts come.
			p := startFleet(t, dir, []string{"FLEET_SIM_LATENCY=2s"}, tc.args...)
			ack := "Interrupt received: fleet is finishing the 3 calls in flight"
			if tc.refreshing {
				// The state lock is taken after the interrupt handler is in
				// place and just before the refresh, whose list calls take
				// 2 s: a fixed sleep instead lost the race on a loaded machine
				// (the signal came before the handler and killed the process).
				waitForFile(t, filepath.Join(dir, "fleet.lock.lock.info"), 60*time.Second)
				ack = "Interrupt received: fleet is stopping"
			} else {
				p.expect("ing...", 60*time.Second) // "Creating..." or "Destroying..."
				time.Sleep(200 * time.Millisecond)
			}
			p.signal(tc.signals[0])
			p.expect(ack, time.Second)
			limit := 10 * time.Second // the calls in flight finish
			if len(tc.signals) > 1 {
				p.signal(tc.signals[1])
				limit = time.Second
			}
			out := p.exit(limit)
			if code := p.cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "context canceled") {
				t.Errorf("the interrupt is reported as a context error:\n%s", out)
			}
		})
	}
}

// waitForFile waits until path exists, failing the test after limit.
func waitForFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %s", path, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
