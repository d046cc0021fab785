// Package nhncloud is fleet's NHN Cloud provider: Keystone v2.0 tokens,
// Nova-compatible compute, Cinder v2 volumes and Glance images, spoken
// through gophercloud v2 with NHN's quirks (subnet networks, volume_type
// names in block_device_mapping_v2, auto-confirmed resizes, createImage
// answered by a Location header only).
//
// It touches only resources whose metadata carries the fleet's owner tag,
// and never lets gophercloud types leave the package.
//
// public_ip is a floating IP from the Network API (floatingip.go): taken
// from the external network (or the one public_network names), tagged in
// its description, associated with the server's port; released when
// turned off and before the server is deleted, which would leave it
// allocated.
//
// Members of a count group may be created up to ten per POST /servers
// (max_count). NHN names them GROUP-1, GROUP-2, ... in every batch, so they
// share the group tag server/GROUP-[FIRST-LAST] in fleet-address, and each
// member's address is read back from its name (raw or renamed) relative to
// FIRST; renaming a member out of its group gives it a tag of its own.
//
// Every request waits for the tenant's adaptive request budget
// (backoff.SharedBudget) in transport.go, which tells it of every answer.
// Retries (retry.go): 429 up to backoff.ThrottleRetries; 5xx and dropped
// connections for calls
// safe to repeat, which are idempotent methods and token requests (the
// login and the re-authentication when a token expires mid-run); a POST
// that may have acted is settled by looking for its effect first. Waits
// join one backoff.Poller, which keeps waiting through an outage until each
// waiter's deadline and learns how long each kind of transition takes
// (providers.Transitions names them), polling when one is likely done. Config.MaxInFlight bounds every request in flight.
package nhncloud
