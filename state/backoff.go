package state

import (
	"time"

	"github.com/fleet-iac/fleet/backoff"
)

// lockPolicy spaces lock attempts: waits start short, so a lock released a
// moment later is taken at once, and grow to a ceiling, so a long wait does
// not hammer the store.
var lockPolicy = backoff.Policy{First: 50 * time.Millisecond, Max: time.Second}
