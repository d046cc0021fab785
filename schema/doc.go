// Package schema owns the JSON schemas fleet publishes: the fleet file's
// (fleet.schema.json), which editors read through yaml-language-server and
// that fleet embeds and validates against, and those of the documents
// fleet prints for programs (plan, events, state, validate), which
// `fleet schema --output` prints and tests hold fleet's output to. It
// reports the fleet schema's raw findings with their JSON pointers; spec
// turns them into positioned diagnostics. schema never reads files, the
// environment or the network.
package schema
