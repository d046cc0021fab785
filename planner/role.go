package planner

import "github.com/fleet-iac/fleet/addrs"

// ActionRole says which resource at an address an action acts on, when
// there can be more than one: the old half of a replacement, or a
// duplicate an interrupted run left. Renderers read it; nothing reads it
// back out of the action's ID.
type ActionRole string

const (
	RoleDeclared  ActionRole = ""          // the one resource at its address
	RoleReplaced  ActionRole = "replaced"  // the old resource a create-then-delete replacement removes
	RoleDuplicate ActionRole = "duplicate" // an extra tagged resource fleet deletes (duplicate.go)
	RoleGone      ActionRole = "gone"      // a state entry whose resource the refresh did not find (gone.go)
)

// ActionID is the unique ID of an action: "<type> <address>", then
// " (replaced)" for the steps on a replaced resource, " (duplicate
// CLOUD-ID)" for those on a duplicate, " (gone)" for forgetting a resource
// already gone.
func ActionID(t ActionType, addr addrs.Address, role ActionRole, cloudID string) string {
	id := string(t) + " " + addr.String()
	switch role {
	case RoleReplaced:
		id += " (replaced)"
	case RoleDuplicate:
		id += " (duplicate " + cloudID + ")"
	case RoleGone:
		id += " (gone)"
	}
	return id
}
