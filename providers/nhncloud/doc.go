// Package nhncloud is fleet's NHN Cloud provider: Keystone v2.0 tokens,
// Nova-compatible compute, Cinder v2 volumes and Glance images, spoken
// through gophercloud v2 with NHN's quirks (subnet networks, volume_type
// names in block_device_mapping_v2, auto-confirmed resizes, createImage
// answered by a Location header only).
//
// It touches only resources whose metadata carries the fleet's owner tag,
// and never lets gophercloud types leave the package.
//
// Members of a count group may be created up to ten per POST /servers
// (max_count). NHN names them GROUP-1, GROUP-2, ... in every batch, so they
// share the group tag server/GROUP-[FIRST-LAST] in fleet-address, and each
// member's address is read back from its name (raw or renamed) relative to
// FIRST; renaming a member out of its group gives it a tag of its own.
package nhncloud
