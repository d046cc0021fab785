// Package e2e holds end-to-end tests of fleet: they run the real fleet
// command line as a child process against the real simulators of both clouds
// over loopback HTTP, and check the outcome against the simulators' own data
// and status timeline, never against what fleet believes.
//
// The tests re-execute the test binary as fleet (FLEET_E2E_CHILD=1 makes
// TestMain run command.Run instead of the tests), so a child can be killed
// with SIGKILL at any instant like a real fleet process.
//
//	go test -race ./e2e/                                  crash (short), fault, lock and rollout tests
//	FLEET_CRASHTEST=long go test -run TestCrash ./e2e/    the long crash test (40 kills)
//	go test -run '^$' -bench BenchmarkApply -benchtime 1x ./e2e/
package e2e
