// Package backoff is fleet's one mechanism for waiting: capped, jittered
// exponential delays (Policy, Backoff), the Retry-After header, the Poller
// that watches many resources with one list call per round, polls when
// their transitions are likely done (Pace learns how long each kind takes)
// and keeps waiting through an outage until each waiter's own deadline, and the
// adaptive request Budget each provider account paces its calls with.
//
// Both cloud clients and both state backends wait through it. It knows
// nothing of clouds, HTTP clients or state: callers say what is retryable.
package backoff
