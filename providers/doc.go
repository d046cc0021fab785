// Package providers defines the small interface through which fleet talks
// to a cloud, the inventory types it returns, and the typed errors every
// provider maps its cloud's errors to.
//
// Cloud wire types (NCP envelopes, gophercloud structs) never leave their
// provider package: each provider converts them to the types here. Packages
// below this one (one per cloud, each with its simulator beside it) import
// spec for the desired-server type and nothing else of fleet.
package providers
