package planner

import "github.com/fleet-iac/fleet/addrs"

// cloudRef names one cloud resource by the provider that holds it and its
// cloud id; ids of different kinds never collide within a provider's
// servers, or within its volumes, which is all the maps keyed by it hold.
type cloudRef struct {
	provider string
	id       string
}

// cloudKey is a cloudRef with the resource's kind, for maps that hold
// servers and volumes together.
type cloudKey struct {
	provider string
	kind     addrs.Kind
	id       string
}

// fieldKey is one value of one field of one server group: a diagnostic
// (catalog.go) or a lookup (lookup.go) is made once for it however many
// members share it.
type fieldKey struct {
	group, field, value string
}
