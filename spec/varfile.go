package spec

import (
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/regularfile"
)

// readVarFile applies one --var-file: a YAML mapping of declared variable
// names to values. A name the fleet does not declare is an error at its
// line, so a typo never silently leaves the default in place.
func (l *loader) readVarFile(name string) {
	fh, err := regularfile.Open(name)
	if err != nil {
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("cannot read var file %s: %s", name, errText(err)),
			Detail:  "Check the path given with --var-file."})
		return
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, l.maxSize+1))
	if err != nil || int64(len(data)) > l.maxSize {
		summary := fmt.Sprintf("var file %s is larger than %s", name, sizeText(l.maxSize))
		if err != nil {
			summary = fmt.Sprintf("cannot read var file %s: %s", name, errText(err))
		}
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError, Summary: summary})
		return
	}
	src := newSource(name, data)
	doc, ok := l.parseYAML(src)
	if !ok || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return // an empty var file sets nothing
	}
	if root.Kind != yaml.MappingNode {
		l.errorAt(src.nodeRange(root), "a var file must be a mapping of variable names to values",
			"Write one line per variable, such as web_count: 3.", "")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		decl := l.vars[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode || k.Tag == "!!merge":
			l.errorAt(src.nodeRange(k), "keys must be variable names",
				"Write one line per variable, such as web_count: 3.", "")
			continue
		case seen[k.Value]:
			l.errorAt(src.nodeRange(k), fmt.Sprintf("variable %s is set twice in this file", Printable(k.Value)), "Remove one of them.", "")
			continue
		case decl == nil:
			l.errorAt(src.nodeRange(k), fmt.Sprintf("variable %q is not declared", Printable(k.Value))+l.didYouMean(k.Value),
				l.declaredText(), "")
			continue
		}
		seen[k.Value] = true
		c := &converter{l: l, src: src, locs: map[string]loc{}, active: map[*yaml.Node]bool{}, literal: true}
		c.aliasLeft = aliasBase + aliasFactor*countNodes(root)
		val := c.convert(v, "/--var-file", 1) // a pointer of its own: marking it broken hides nothing else
		r := src.nodeRange(v)
		l.assign(decl, val, false, name, "set in "+name, &r)
	}
}
