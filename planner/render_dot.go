package planner

import (
	"fmt"
	"io"
	"strings"
)

// RenderDOT writes the plan's DAG in Graphviz DOT. Edges point from an
// action to the ones that wait for it. Rollout edges (from one batch to the
// next of the same group) are dashed and labelled, each batch is a cluster;
// blocked actions are red.
// Nodes come in execution order, edges in node then dependency order.
func RenderDOT(w io.Writer, p *Plan) error {
	byID := make(map[string]*Action, len(p.Actions))
	for i := range p.Actions {
		byID[p.Actions[i].ID] = &p.Actions[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote("fleet "+p.Fleet))
	b.WriteString("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n")
	for i := range p.Actions {
		a := &p.Actions[i]
		label := a.Symbol() + " " + a.Label() + "\n" + a.Shown()
		if a.IsBatch() {
			label += fmt.Sprintf("\none call for %d servers", len(a.BatchMembers()))
		}
		if a.Batch > 0 {
			label += fmt.Sprintf("\nbatch %d", a.Batch)
		}
		attrs := "label=" + dotQuote(label)
		if a.Blocked != "" {
			attrs += ", color=red, fontcolor=red"
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotQuote(a.ID), attrs)
	}
	// One cluster per rollout batch, so the batches show as boxes. The
	// members are collected in one pass (in execution order): scanning every
	// action once per batch is quadratic for a large group rolled out one
	// server at a time.
	type batchKey struct {
		group string
		batch int
	}
	members := map[batchKey][]string{}
	for i := range p.Actions {
		if a := &p.Actions[i]; a.Batch > 0 {
			k := batchKey{a.Group, a.Batch}
			members[k] = append(members[k], a.ID)
		}
	}
	for _, r := range p.Rollouts {
		for k := 1; k <= r.Batches; k++ {
			fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n    style=dashed;\n", dotQuote(fmt.Sprintf("cluster rollout %s %d", r.Group, k)), dotQuote(fmt.Sprintf("rollout %s: batch %d/%d", r.Group, k, r.Batches)))
			for _, id := range members[batchKey{r.Group, k}] {
				fmt.Fprintf(&b, "    %s;\n", dotQuote(id))
			}
			b.WriteString("  }\n")
		}
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		for _, d := range a.DependsOn {
			dep := byID[d]
			edge := fmt.Sprintf("  %s -> %s", dotQuote(d), dotQuote(a.ID))
			if dep != nil && a.Batch > 1 && dep.Batch == a.Batch-1 && dep.Group == a.Group && dep.Address != a.Address {
				edge += fmt.Sprintf(" [style=dashed, color=blue, label=%s]", dotQuote(fmt.Sprintf("batch %d", a.Batch)))
			}
			b.WriteString(edge + ";\n")
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote quotes s as a DOT string; newlines become \n line breaks.
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
