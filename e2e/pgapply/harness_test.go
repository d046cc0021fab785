package pgapply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fleet-iac/fleet/e2e/e2etest"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/fleet-iac/fleet/state"
)

// childEnv switches the test binary into being fleet itself.
const childEnv = "FLEET_PGAPPLY_CHILD"

// TestMain runs fleet when re-executed as a child, the tests otherwise.
func TestMain(m *testing.M) {
	os.Exit(e2etest.Main(m, childEnv))
}

// testDSN is the server the tests use; the test skips without one.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("FLEET_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("FLEET_TEST_PG_DSN is not set: no PostgreSQL to test against (start one with .ci/postgres.sh)")
	}
	return dsn
}

// world is one simulator, one fleet name of its own in PostgreSQL, and the
// DSN its children connect with.
type world struct {
	t      testing.TB
	sim    *sim.Server
	simDir string
	root   string
	fleet  string // unique per test and run, so tests and reruns share no rows
	dsn    string // the server's DSN with an application_name of this world's own
	app    string // that application_name: how the test finds the children's sessions
	secret string // the DSN's password

	// secrets are more strings no run may print: the simulator's
	// credentials, and DSNs a test hands its children.
	secrets []string
}

// newWorld starts a simulator with behaviour b and picks a fleet name
// starting with prefix; the fleet's rows are removed when the test ends.
func newWorld(t testing.TB, prefix string, b simcore.Behaviour) *world {
	t.Helper()
	base := testDSN(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal("FLEET_TEST_PG_DSN is not a postgres:// URL")
	}
	secret, _ := u.User.Password()
	if secret == "" {
		t.Fatal("FLEET_TEST_PG_DSN has no password: the secret checks would prove nothing")
	}
	w := &world{t: t, root: t.TempDir(), fleet: prefix + "-" + randomHex(t, 4), secret: secret}
	w.app = "pgapply-" + w.fleet
	q := u.Query()
	q.Set("application_name", w.app)
	u.RawQuery = q.Encode()
	w.dsn = u.String()

	w.simDir = filepath.Join(w.root, "sim")
	s, err := sim.Start(sim.Config{Dir: w.simDir, Behaviour: b})
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	w.sim = s
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close simulator: %v", err)
		}
	})
	t.Cleanup(w.dropRows)
	for _, v := range s.Env() {
		if v.Name == "NCLOUD_SECRET_KEY" || v.Name == "OS_PASSWORD" {
			w.secrets = append(w.secrets, v.Value)
		}
	}
	return w
}

// on is the world seen from subtest t, so failures land on the subtest's
// goroutine.
func (w *world) on(t testing.TB) *world {
	c := *w
	c.t = t
	return &c
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// dropRows removes the fleet's state and lock rows.
func (w *world) dropRows() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := w.admin(ctx)
	defer conn.Close(context.Background())
	for _, q := range []string{`DELETE FROM fleet_states WHERE fleet = $1`, `DELETE FROM fleet_locks WHERE fleet = $1`} {
		if _, err := conn.Exec(ctx, q, w.fleet); err != nil {
			w.t.Errorf("clean up fleet %s: %v", w.fleet, w.scrub(err.Error()))
		}
	}
}

// admin is a session of the test's own (not one of fleet's).
func (w *world) admin(ctx context.Context) *pgx.Conn {
	w.t.Helper()
	conn, err := pgx.Connect(ctx, testDSN(w.t))
	if err != nil {
		w.t.Fatalf("connect to the test database: %s", w.scrub(err.Error()))
	}
	return conn
}

// backend opens the fleet's state the way fleet does, for the test to read.
func (w *world) backend() *state.Postgres {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := state.NewPostgres(ctx, testDSN(w.t), w.fleet)
	if err != nil {
		w.t.Fatalf("open the postgres state: %v", err)
	}
	w.t.Cleanup(b.Close)
	return b
}

// stored reads the fleet's state from PostgreSQL.
func (w *world) stored() *state.State {
	w.t.Helper()
	b := w.backend()
	defer b.Close()
	st, err := b.Read(context.Background())
	if err != nil {
		w.t.Fatalf("read the postgres state: %v", err)
	}
	return st
}

// scrub keeps the password out of the test's own failure messages.
func (w *world) scrub(s string) string {
	return strings.ReplaceAll(s, w.secret, "[password]")
}

// envValue returns one of the simulator's variables.
func (w *world) envValue(name string) string {
	w.t.Helper()
	return e2etest.SimVar(w.t, w.sim, name)
}

// The state blocks of the fleet files the tests write.
const (
	pgState    = "  backend: postgres\n"
	localState = "  backend: local\n"
)

// fleetFile is the fleet's file: servers web-1..count on the simulated NCP,
// with the given state block (pgState: the DSN from FLEET_PG_DSN).
func (w *world) fleetFile(count int, stateBlock string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: %s\n\nstate:\n%s", w.fleet, stateBlock)
	fmt.Fprintf(&b, "\nproviders:\n  ncp:\n    type: ncloud\n    region: KR\n    endpoint: %s\n", w.sim.URL)
	fmt.Fprintf(&b, "\nservers:\n  web:\n    provider: ncp\n    count: %d\n    image: %s\n    type: %s\n", count,
		w.envValue("FLEET_SIM_NCP_IMAGE"), w.envValue("FLEET_SIM_NCP_SPEC"))
	fmt.Fprintf(&b, "    network: { vpc: %q, subnet: %q, security_groups: [%q] }\n",
		w.envValue("FLEET_SIM_NCP_VPC"), w.envValue("FLEET_SIM_NCP_SUBNET"), w.envValue("FLEET_SIM_NCP_ACG"))
	return []byte(b.String())
}

// machine is a working directory standing for one CI runner's checkout.
func (w *world) machine(name string, fleetFile []byte) string {
	w.t.Helper()
	dir := filepath.Join(w.root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fleet.yaml"), fleetFile, 0o644); err != nil {
		w.t.Fatal(err)
	}
	return dir
}

// environ is this process's environment without anything that would point
// fleet elsewhere, plus the simulator's credentials, FLEET_PG_DSN and extra.
func (w *world) environ(extra ...string) []string {
	env := append(e2etest.Environ(w.sim, childEnv), "FLEET_PG_DSN="+w.dsn)
	return append(env, extra...)
}

// child is a running fleet process of world w.
type child struct {
	*e2etest.Child
	w *world
}

// start starts fleet with args in dir, with the world's environment plus
// extra variables.
func (w *world) start(dir string, extra []string, args ...string) *child {
	w.t.Helper()
	return &child{e2etest.Start(w.t, dir, w.environ(extra...), args...), w}
}

// result is a finished fleet run.
type result struct {
	args           []string
	code           int // -1 when killed by a signal
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("fleet %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, tail(r.stdout), tail(r.stderr))
}

// wait waits for the child up to timeout (killing it after that), checks
// that its output shows neither the DSN nor its password, and returns what
// it did.
func (c *child) wait(timeout time.Duration) result {
	t := c.w.t
	t.Helper()
	code, err := c.Wait(timeout)
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, c.w.scrub(tail(c.Stdout.String())), c.w.scrub(tail(c.Stderr.String())))
	}
	r := result{args: c.Cmd.Args[1:], code: code, stdout: c.Stdout.String(), stderr: c.Stderr.String()}
	c.w.assertNoSecret(r, c.Cmd.Env)
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("fleet panicked: %s", c.w.scrub(r.String()))
	}
	return r
}

// assertNoSecret fails the test when a run's output holds the password (in
// any of its URL spellings), a DSN, a password of a DSN it was given in its
// environment, or another of the world's secrets. The output in the failure
// message is left out, so the check does not leak what it guards.
func (w *world) assertNoSecret(r result, env []string) {
	w.t.Helper()
	secrets := append([]string{w.secret, url.QueryEscape(w.secret), testDSN(w.t), w.dsn}, w.secrets...)
	for _, kv := range env {
		if name, v, _ := strings.Cut(kv, "="); name == "FLEET_PG_DSN" || strings.HasPrefix(name, "PGAPPLY_DSN") {
			secrets = append(secrets, v)
			if u, err := url.Parse(v); err == nil {
				if p, ok := u.User.Password(); ok {
					secrets = append(secrets, p)
				}
			}
		}
	}
	for _, s := range secrets {
		if len(s) < 8 {
			w.t.Fatalf("secret %q is too short to search for without false alarms", s)
		}
		for _, out := range []struct{ name, text string }{{"stdout", r.stdout}, {"stderr", r.stderr}} {
			if strings.Contains(out.text, s) {
				w.t.Errorf("fleet %s printed a connection secret on %s", strings.Join(r.args, " "), out.name)
			}
		}
	}
}

// run runs fleet in dir to its end.
func (w *world) run(dir string, args ...string) result {
	w.t.Helper()
	return w.start(dir, nil, args...).wait(2 * time.Minute)
}

// mustRun runs fleet and wants exit 0.
func (w *world) mustRun(dir string, args ...string) result {
	w.t.Helper()
	r := w.run(dir, args...)
	if r.code != 0 {
		w.t.Fatalf("%s", w.scrub(r.String()))
	}
	return r
}

// assertNoChanges runs plan --detailed-exitcode in dir and wants "No changes".
func (w *world) assertNoChanges(dir string) {
	w.t.Helper()
	r := w.run(dir, "plan", "--detailed-exitcode")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		w.t.Fatalf("plan is not empty: %s", w.scrub(r.String()))
	}
}

// awaitHolder waits until c holds the fleet's lock, as PostgreSQL sees it,
// and until the stored serial reaches minSerial (the apply has started
// writing), and returns the lock info.
func (w *world) awaitHolder(c *child, minSerial uint64, timeout time.Duration) state.LockInfo {
	w.t.Helper()
	b := w.backend()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		info, err := b.Holder(ctx)
		if err == nil && info != nil && !info.Stale && info.PID == c.Cmd.Process.Pid {
			st, err := b.Read(ctx)
			if err == nil && st.Serial >= minSerial {
				return *info
			}
		}
		if !c.Running() {
			w.t.Fatalf("fleet ended before it was seen holding the lock at serial %d: %s", minSerial, w.scrub(c.wait(time.Second).String()))
		}
		select {
		case <-ctx.Done():
			w.t.Fatalf("fleet (pid %d) was not seen holding the lock at serial %d within %s (last holder %+v, err %v)",
				c.Cmd.Process.Pid, minSerial, timeout, info, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func tail(s string) string {
	const max = 3000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}
