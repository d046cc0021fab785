// Package simcore holds what both cloud simulators share: an injectable
// clock, per-operation call counters, fault injection (latency, 429, 5xx,
// a request-rate limit) decided from a seeded random source, a timeline of
// resource status changes, and atomic persistence of their data.
//
// It knows nothing of either cloud's wire protocol.
package simcore
