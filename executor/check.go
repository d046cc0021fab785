package executor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// checkOutputLines is how much of a failing check's output the error
// shows: its last lines.
const checkOutputLines = 10

// check runs the rollout's health check against the server the state
// records at the action's address, with sh -c, every interval until it
// exits 0 or the timeout passes. A try still running at the timeout is
// killed.
func (s *step) check() (string, error) {
	c := s.a.Check
	timeout, err := time.ParseDuration(c.Timeout)
	if err != nil {
		return "", fmt.Errorf("check timeout %q: %w", c.Timeout, err)
	}
	interval, err := time.ParseDuration(c.Interval)
	if err != nil {
		return "", fmt.Errorf("check interval %q: %w", c.Interval, err)
	}
	r, ok := s.record(s.a.Address)
	if !ok || r.Server == nil {
		return "", fmt.Errorf("%s has no server in the state to check", s.a.Address)
	}
	env := append(os.Environ(),
		"FLEET_ADDRESS="+s.a.Address.String(),
		"FLEET_NAME="+s.a.Address.Name,
		"FLEET_ID="+r.ID,
		"FLEET_PRIVATE_IP="+r.Server.IP,
		"FLEET_PUBLIC_IP="+r.Server.PublicIP,
		"FLEET_GROUP="+s.a.Group,
	)
	s.begin()
	start := time.Now()
	deadline := start.Add(timeout)
	for tries := 1; ; tries++ {
		ctx, cancel := context.WithDeadline(s.ctx, deadline)
		cmd := exec.CommandContext(ctx, "sh", "-c", c.Command)
		cmd.Env = env
		cmd.WaitDelay = time.Second // a child of sh that keeps the output open
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil {
			return r.ID, nil
		}
		if s.ctx.Err() != nil {
			return r.ID, errors.Join(errHalted, s.ctx.Err())
		}
		if !time.Now().Add(interval).Before(deadline) {
			return r.ID, fmt.Errorf("%s: rollout check failed: %q did not pass within %s (%d tries); the last try: %v%s",
				s.a.Address, c.Command, timeout, tries, err, lastLines(out, checkOutputLines))
		}
		select {
		case <-s.ctx.Done():
			return r.ID, errors.Join(errHalted, s.ctx.Err())
		case <-time.After(interval):
		}
	}
}

// lastLines is the end of a command's output, indented under the error,
// or "" when it printed nothing.
func lastLines(out []byte, n int) string {
	text := strings.TrimRight(string(out), "\n")
	if strings.TrimSpace(text) == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "\n    " + strings.Join(lines, "\n    ")
}
