package backoff

import "context"

type oneAttemptKey struct{}

// OneAttempt marks ctx for calls whose caller retries them itself (a
// Poller's rounds): clients make one attempt and return the failure, so
// that an outage is waited through by one policy, not a retry loop inside
// another.
func OneAttempt(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneAttemptKey{}, true)
}

// Retrying undoes OneAttempt for calls a round makes that nothing retries
// after it (extras fetched for a waiter already settled).
func Retrying(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneAttemptKey{}, false)
}

// IsOneAttempt reports whether ctx was marked by OneAttempt.
func IsOneAttempt(ctx context.Context) bool {
	v, _ := ctx.Value(oneAttemptKey{}).(bool)
	return v
}
