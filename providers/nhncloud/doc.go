// Package nhncloud is fleet's NHN Cloud provider: Keystone v2.0 tokens,
// Nova-compatible compute, Cinder v2 volumes and Glance images, spoken
// through gophercloud v2 with NHN's quirks (subnet networks, volume_type
// names in block_device_mapping_v2, auto-confirmed resizes, createImage
// answered by a Location header only).
//
// It touches only resources whose metadata carries the fleet's owner tag,
// and never lets gophercloud types leave the package.
package nhncloud
