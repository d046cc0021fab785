// Package spec owns the fleet file: its typed form, loading YAML with the
// source position of every value, ${VAR} expansion, typed variables
// (variables:, ${var.NAME}, their values from --var, --var-file and
// FLEET_VAR_NAME), count expansion into addressed instances, semantic
// checks, and the diagnostics that report problems with file, line and
// column.
//
// spec never talks to a cloud, reads state or touches the network: validate
// must work offline, without credentials.
package spec
