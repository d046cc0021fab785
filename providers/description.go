package providers

import "strings"

// DescriptionTagPrefix starts fleet's owner tag inside a free-text
// description: "fleet:<fleet> <address>" after the user's own text. It
// tags what carries a description but no metadata (NCP servers, volumes,
// images and public IPs; NHN floating IPs).
const DescriptionTagPrefix = "fleet:"

// TagDescription appends the owner tag to the user's description.
func TagDescription(userDesc string, o Owner) string {
	tag := DescriptionTagPrefix + o.Fleet + " " + o.Address
	if userDesc = strings.TrimSpace(userDesc); userDesc != "" {
		return userDesc + " " + tag
	}
	return tag
}

// ParseDescriptionTag splits a description into the user's text and the
// owner tag. ok is false when the description carries no tag.
func ParseDescriptionTag(desc string) (userDesc string, o Owner, ok bool) {
	i := strings.LastIndex(desc, DescriptionTagPrefix)
	for i > 0 && desc[i-1] != ' ' { // "fleet:" inside a word is not a tag
		i = strings.LastIndex(desc[:i], DescriptionTagPrefix)
	}
	if i < 0 {
		return desc, Owner{}, false
	}
	fields := strings.Fields(desc[i+len(DescriptionTagPrefix):])
	if len(fields) != 2 || fields[0] == "" {
		return desc, Owner{}, false
	}
	return strings.TrimSpace(desc[:i]), Owner{Fleet: fields[0], Address: fields[1]}, true
}
