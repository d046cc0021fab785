package planner

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// RenderFleetDOT writes the fleet's own dependency graph in Graphviz DOT:
// one node per declared resource, an edge from each resource to the ones
// that need it (a keypair to its servers, a server to its volumes and to
// the images made from it, an image to the servers booted from it). It is
// what `fleet graph` draws when the plan has nothing to do, so the graph
// never comes out empty for a fleet that has resources.
func RenderFleetDOT(w io.Writer, f *spec.Fleet) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote("fleet "+f.Name))
	b.WriteString("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n")
	node := func(addr, provider string) {
		fmt.Fprintf(&b, "  %s [label=%s];\n", dotQuote(addr), dotQuote(addr+"\n"+provider))
	}
	for _, k := range f.Keypairs {
		node(k.Address().String(), k.Provider)
	}
	for _, s := range f.Servers {
		node(s.Address().String(), s.Provider)
		for _, v := range s.Volumes {
			node(addrs.Volume(s.Name, v.Name).String(), s.Provider)
		}
	}
	images := map[string]*spec.Image{}
	for _, im := range f.Images {
		images[im.Name] = im
		provider := ""
		for _, s := range f.Servers {
			if s.Name == im.From {
				provider = s.Provider
			}
		}
		node(im.Address().String(), provider)
	}
	edge := func(from, to string) { fmt.Fprintf(&b, "  %s -> %s;\n", dotQuote(from), dotQuote(to)) }
	declaredKey := map[string]bool{}
	for _, k := range f.Keypairs {
		declaredKey[k.Name] = true
	}
	for _, s := range f.Servers {
		if s.Key != "" && declaredKey[s.Key] {
			edge(addrs.Keypair(s.Key).String(), s.Address().String())
		}
		if name, ok := s.DeclaredImage(); ok && images[name] != nil {
			edge(s.Image, s.Address().String())
		}
		for _, v := range s.Volumes {
			edge(s.Address().String(), addrs.Volume(s.Name, v.Name).String())
		}
	}
	for _, im := range f.Images {
		edge(addrs.Server(im.From).String(), im.Address().String())
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
