// Package examples holds fleets a user can copy, one directory each, and
// the CI recipes under ci/. It has no code of its own: its tests validate
// every example, apply the ones that run against the simulators, and check
// that the CI recipes only use flags fleet has.
package examples
