// Package e2etest is what the end-to-end suites (e2e, e2e/pgapply) share
// to run fleet as a child process against the simulators: the switch that
// turns a re-executed test binary into fleet, the child's environment, and
// the running child. Only tests import it.
package e2etest
