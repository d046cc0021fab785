package ncloud

import (
	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// Servers, volumes, member images and public IPs carry fleet's owner tag
// in their description (providers.TagDescription): descriptions are set at
// create time and survive every later change (the name does not: moved
// renames the server).
func tagDescription(userDesc string, o providers.Owner) string {
	return providers.TagDescription(userDesc, o)
}

// parseTag splits a description into the user's text and the owner tag.
func parseTag(desc string) (userDesc string, o providers.Owner, ok bool) {
	return providers.ParseDescriptionTag(desc)
}

// serverOwner reads a server's tag. NCP cannot edit a description, so after
// a rename (moved) the tag still names the old address: the server's name,
// which changeServerInstanceName keeps current, gives the address then.
// Members of a batch share the group tag "server/GROUP-[FIRST-LAST]"; their
// name gives their address too, whether it is still the cloud's GROUP-011
// or already the declared GROUP-11 (providers.MemberAddress).
func serverOwner(s serverInstance) (userDesc string, o providers.Owner, ok bool) {
	userDesc, o, ok = parseTag(s.ServerDescription)
	if !ok {
		return userDesc, o, ok
	}
	if addr, group := providers.TagAddress(o.Address, s.ServerName, false); group {
		o.Address = addr
	} else if a, err := addrs.Parse(o.Address); err == nil && a.Kind == addrs.KindServer && a.Name != s.ServerName {
		o.Address = addrs.Server(s.ServerName).String()
	}
	return userDesc, o, ok
}
