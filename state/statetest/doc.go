// Package statetest is the contract suite every state backend passes: the
// local file and PostgreSQL run the same tests, so the executor and the CLI
// can rely on one behaviour (serials, lineage, conflicts, the lock).
//
// It only drives the state.Backend interface; anything backend-specific (a
// second process, a killed holder) is tested beside each backend.
package statetest
