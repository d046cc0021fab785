package ncloud

import (
	"strings"

	"github.com/fleet-iac/fleet/providers"
)

// tagPrefix starts fleet's owner tag inside a description. Descriptions are
// set at create time and survive every later change (the name does not:
// moved renames the server), so servers, volumes and member images carry
// "fleet:<fleet> <address>" after the user's own description text.
const tagPrefix = "fleet:"

// tagDescription appends the owner tag to the user's description.
func tagDescription(userDesc string, o providers.Owner) string {
	tag := tagPrefix + o.Fleet + " " + o.Address
	if userDesc = strings.TrimSpace(userDesc); userDesc != "" {
		return userDesc + " " + tag
	}
	return tag
}

// parseTag splits a description into the user's text and the owner tag.
// ok is false when the description carries no tag.
func parseTag(desc string) (userDesc string, o providers.Owner, ok bool) {
	i := strings.LastIndex(desc, tagPrefix)
	for i > 0 && desc[i-1] != ' ' { // "fleet:" inside a word is not a tag
		i = strings.LastIndex(desc[:i], tagPrefix)
	}
	if i < 0 {
		return desc, providers.Owner{}, false
	}
	fields := strings.Fields(desc[i+len(tagPrefix):])
	if len(fields) != 2 || fields[0] == "" {
		return desc, providers.Owner{}, false
	}
	return strings.TrimSpace(desc[:i]), providers.Owner{Fleet: fields[0], Address: fields[1]}, true
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
	} else if strings.HasPrefix(o.Address, "server/") && o.Address != "server/"+s.ServerName {
		o.Address = "server/" + s.ServerName
	}
	return userDesc, o, ok
}
