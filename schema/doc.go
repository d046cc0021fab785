// Package schema owns the JSON schema of the fleet file: the one file
// (fleet.schema.json) that editors read through yaml-language-server and
// that fleet embeds and validates against. It reports the schema's raw
// findings with their JSON pointers; spec turns them into positioned
// diagnostics. schema never reads files, the environment or the network.
package schema
