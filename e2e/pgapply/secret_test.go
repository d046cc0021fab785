package pgapply

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// TestDSNNeverShown runs fleet with a DSN from the fleet file's
// dsn: ${VAR}, good and broken in the ways that make drivers quote their
// connection string, with debug logging on: no output holds a DSN or a
// password (every run's output is scanned by child.wait), and a broken DSN
// still gets a clear error. A FLEET_PG_DSN that does not work proves the
// file's dsn is the one used.
func TestDSNNeverShown(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "pga-secret", simcore.Behaviour{BuildTime: 100 * time.Millisecond})

	wrong, err := url.Parse(w.dsn)
	if err != nil {
		t.Fatal(err)
	}
	wrong.User = url.UserPassword(wrong.User.Username(), "wrong-"+randomHex(t, 8))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	unreachable := *wrong
	unreachable.User = url.UserPassword(wrong.User.Username(), w.secret)
	unreachable.Host = closedAddr
	unparsable := "postgres://postgres:" + w.secret + "@127.0.0.1:notaport/fleet_test"
	w.secrets = append(w.secrets, wrong.String(), unreachable.String(), unparsable)

	brokenEnv := "FLEET_PG_DSN=postgres://nobody:" + "unused-" + randomHex(t, 8) + "@" + closedAddr + "/none"
	dir := w.machine("runner", w.fleetFile(1, pgState+"  dsn: ${PGAPPLY_DSN}\n"))
	tests := map[string]struct {
		dsn  string
		args []string
		code int
		want string // on stdout for exit 0, on stderr otherwise
	}{
		"good dsn, apply": {dsn: w.dsn, args: []string{"apply", "--auto-approve"}, want: "Apply complete: 1 created"},
		"wrong password":  {dsn: wrong.String(), args: []string{"plan"}, code: 1, want: "password authentication failed"},
		"nothing listens": {dsn: unreachable.String(), args: []string{"plan"}, code: 1, want: "connection refused"},
		"unparsable":      {dsn: unparsable, args: []string{"plan"}, code: 1, want: "does not parse"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w := w.on(t)
			c := w.start(dir, []string{"PGAPPLY_DSN=" + tc.dsn, "FLEET_LOG=debug", brokenEnv}, tc.args...)
			r := c.wait(time.Minute)
			out := r.stdout
			if tc.code != 0 {
				out = r.stderr
			}
			if r.code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("want exit %d and %q: %s", tc.code, tc.want, w.scrub(r.String()))
			}
		})
	}
}
