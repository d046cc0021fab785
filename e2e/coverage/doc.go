// Package coverage holds the seed coverage table: every operation and
// every request parameter of the source documents (shared/seeds), the
// fleet file field or command that reaches it, and the end-to-end test
// that proves it against the simulators, or why a fleet file deliberately
// does not expose it.
//
// The table is Go data (Table) so that tests keep it honest: each
// parameter the seeds document has a row and each row names a real one,
// each test a row names exists, and the README's "seed coverage" section
// is Render's output (go test ./e2e/coverage -update rewrites it). The
// package's own tests apply fleet files through the real CLI against both
// simulators behind a recorder, then check each parameter twice: in the
// request fleet sent, and in what the simulator reports through its API.
//
// Path and header parameters (tenantId, serverId, keypairName, volumeId,
// X-Auth-Token) have no rows: they are the ids fleet keeps in its state
// and the Keystone token, present on every call.
package coverage
