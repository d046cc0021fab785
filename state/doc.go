// Package state owns fleet's state document (lineage, serial, the address →
// cloud id map with the attributes last seen, and pending intents), the
// backends that store it (Local: a JSON file with flock'd sidecars;
// Postgres: a row per fleet and a per-fleet advisory lock), and the lock
// that makes one run at a time the rule. statetest is the contract both pass.
//
// Writes are atomic and checked against the serial they were read at: a
// process killed at any instant leaves a document that parses and is at most
// one step behind the cloud, and two writers never lose an update.
package state
