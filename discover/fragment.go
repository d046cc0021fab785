package discover

import (
	"bytes"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// header opens a new fragment: it says where it came from and what to do.
const header = `# Servers fleet import took over. This file is part of the fleet like any
# other: review it, then "fleet plan" should say "No changes".
`

// Fragment returns the fleet file fragment declaring groups, added to the
// fragment existing holds (nil for a new file). Entries already there are
// kept as written: a re-run after an interrupted import, or after the user
// edited the file, declares nothing twice and loses nothing.
func Fragment(existing []byte, groups []Group) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	if len(bytes.TrimSpace(existing)) > 0 {
		if err := yaml.Unmarshal(existing, doc); err != nil {
			return nil, fmt.Errorf("read the existing fragment: %w", err)
		}
	}
	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, HeadComment: header}}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the existing fragment is not a mapping of fleet file fields")
	}
	servers := field(top, "servers")
	if servers == nil {
		servers = &yaml.Node{Kind: yaml.MappingNode}
		top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "servers"}, servers)
	}
	if servers.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("servers in the existing fragment is not a mapping")
	}
	for _, g := range groups {
		if have := field(servers, g.Key); have != nil {
			// Kept as written only when it declares the same servers: a
			// group that grew since the run that wrote it would leave the
			// new members recorded but undeclared, for the next plan to
			// delete.
			if err := sameShape(have, g); err != nil {
				return nil, err
			}
			continue
		}
		decl := *g.Decl.node
		if g.Count > 0 {
			count := []*yaml.Node{{Kind: yaml.ScalarNode, Value: "count"}, {Kind: yaml.ScalarNode, Value: strconv.Itoa(g.Count), Tag: "!!int"}}
			decl.Content = append(count, decl.Content...)
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Value: g.Key}
		if ids := memberIDs(g); ids != "" {
			key.HeadComment = ids
		}
		servers.Content = append(servers.Content, key, &decl)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// memberIDs is the comment above an entry naming the cloud ids it was
// taken from, so a reviewer can find them in the console.
func memberIDs(g Group) string {
	s := "taken over from " + g.Provider + ":"
	for _, m := range g.Members {
		s += " " + m.Server.ID
	}
	return s
}

// field returns the value of key in a mapping node, or nil.
func field(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// sameShape checks that an entry the fragment holds already declares the
// servers of g: the same count (none for a single server) and provider.
func sameShape(have *yaml.Node, g Group) error {
	count, provider := 0, ""
	if have.Kind == yaml.MappingNode {
		if n := field(have, "count"); n != nil {
			count, _ = strconv.Atoi(n.Value)
		}
		if n := field(have, "provider"); n != nil {
			provider = n.Value
		}
	}
	if count != g.Count || provider != g.Provider {
		return fmt.Errorf("it declares %s already, as count %d of provider %q, where this run takes count %d of provider %q: rename or remove that entry", g.Key, count, provider, g.Count, g.Provider)
	}
	return nil
}
