// Package addrs holds the addresses of the resources fleet manages
// (server/web-1, volume/web-1/data, keypair/deploy, image/base) as values:
// built by constructors, read by Parse, written by String. Nothing else in
// fleet builds or splits an address by hand.
//
// An Address marshals as its text, so every JSON document (plan --json,
// the state file, the saved plan) keeps the string form.
//
// addrs imports nothing from fleet: every other package may use it.
package addrs
