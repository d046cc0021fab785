// Package state owns fleet's state document (lineage, serial, the address →
// cloud id map with the attributes last seen, and pending intents), the
// backends that store it (a local lock file, PostgreSQL), and the lock that
// makes one run at a time the rule.
//
// Writes are atomic: a process killed at any instant leaves a document that
// parses and is at most one step behind the cloud.
package state
