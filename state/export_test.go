package state

import "time"

// Hooks into the package for the external tests.

// SetBeforeCommit makes Write run f, with the session's backend pid, just
// before it commits: tests drop the connection there.
func (p *Postgres) SetBeforeCommit(f func(pid uint32)) { p.beforeCommit = f }

var (
	Migrate     = migrate
	AdvisoryKey = advisoryKey
)

// Scrub exposes how errors are cleaned of the given secrets.
func Scrub(err error, secrets ...string) error {
	return (&Postgres{secrets: secrets}).scrub(err)
}

// SetLockFreeWait shortens how long a lockless write waits, until the test ends.
func SetLockFreeWait(t interface{ Cleanup(func()) }, d time.Duration) {
	old := lockFreeWait
	lockFreeWait = d
	t.Cleanup(func() { lockFreeWait = old })
}
