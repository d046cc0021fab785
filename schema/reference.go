package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Reference renders the fleet file reference as markdown from the embedded
// schema: one section per object, each a table of its fields with their
// type, description and allowed values. The README carries it between
// generated markers, so the documentation cannot drift from what fleet
// validates.
func Reference() (string, error) {
	return renderReference(JSON)
}

// obj is a JSON object that remembers the order of its keys: the reference
// lists fields in the order the schema declares them (version and name
// first), which a Go map would lose.
type obj struct {
	keys []string
	vals map[string]any
}

func (o *obj) get(k string) any {
	if o == nil {
		return nil
	}
	return o.vals[k]
}

func (o *obj) str(k string) string {
	s, _ := o.get(k).(string)
	return s
}

func (o *obj) child(k string) *obj {
	c, _ := o.get(k).(*obj)
	return c
}

// decodeOrdered reads one JSON value, objects as *obj, numbers as
// json.Number (so 1 prints as 1, not 1e+00).
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &obj{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; !dup {
					o.keys = append(o.keys, k)
				}
				o.vals[k] = v
			}
			_, err := dec.Token() // the closing '}'
			return o, err
		case '[':
			var list []any
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token() // the closing ']'
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return tok, nil
	}
}

// refPrefix is the only kind of $ref fleet's schema uses.
const refPrefix = "#/$defs/"

// reference is the state of one rendering: the definitions, and the
// sections in the order they are first reached from the top level.
type reference struct {
	defs  *obj
	order []string        // definition names, breadth first from the top level
	seen  map[string]bool // definitions already queued
}

func renderReference(data []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return "", fmt.Errorf("parse schema: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fmt.Errorf("parse schema: trailing data after the top-level object")
	}
	root, ok := v.(*obj)
	if !ok {
		return "", fmt.Errorf("parse schema: top level is not an object")
	}
	r := &reference{defs: root.child("$defs"), seen: map[string]bool{}}
	if err := r.queueRefs(root); err != nil {
		return "", err
	}
	for i := 0; i < len(r.order); i++ {
		if err := r.queueRefs(r.defs.child(r.order[i])); err != nil {
			return "", err
		}
	}

	var b strings.Builder
	r.section(&b, "Top level", root)
	for _, name := range r.order {
		r.section(&b, "`"+name+"`", r.defs.child(name))
	}
	return b.String(), nil
}

// queueRefs appends the definitions n refers to, in the order its keys
// declare them, so sections follow the file from top to bottom.
func (r *reference) queueRefs(n *obj) error {
	if n == nil {
		return nil
	}
	if ref := n.str("$ref"); ref != "" {
		name, ok := strings.CutPrefix(ref, refPrefix)
		if !ok || r.defs.child(name) == nil {
			return fmt.Errorf("schema: unresolvable $ref %q", ref)
		}
		if !r.seen[name] {
			r.seen[name] = true
			r.order = append(r.order, name)
		}
		return nil
	}
	for _, k := range n.keys {
		if k == "$defs" {
			continue // reached only through references
		}
		switch v := n.vals[k].(type) {
		case *obj:
			if err := r.queueRefs(v); err != nil {
				return err
			}
		case []any:
			for _, item := range v {
				if o, ok := item.(*obj); ok {
					if err := r.queueRefs(o); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// section writes one heading with the node's description, then a table of
// its fields when it is an object with fields, else its type and allowed
// values.
func (r *reference) section(b *strings.Builder, title string, n *obj) {
	fmt.Fprintf(b, "### %s\n\n", title)
	if d := n.str("description"); d != "" {
		fmt.Fprintf(b, "%s\n\n", d)
	}
	props := n.child("properties")
	patterns := n.child("patternProperties")
	if props == nil && patterns == nil {
		fmt.Fprintf(b, "Type: %s.", r.typeOf(n))
		if a := allowed(n); a != "" {
			fmt.Fprintf(b, " Allowed values: %s.", a)
		}
		b.WriteString("\n\n")
		return
	}
	required := map[string]bool{}
	if list, ok := n.get("required").([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				required[s] = true
			}
		}
	}
	b.WriteString("| field | type | description | allowed values |\n| --- | --- | --- | --- |\n")
	if props != nil {
		for _, k := range props.keys {
			p := props.child(k)
			field := "`" + k + "`"
			if required[k] {
				field += " (required)"
			}
			r.row(b, field, p)
		}
	}
	if patterns != nil {
		for _, k := range patterns.keys {
			r.row(b, "keys matching `"+k+"`", patterns.child(k))
		}
	}
	b.WriteString("\n")
}

func (r *reference) row(b *strings.Builder, field string, p *obj) {
	fmt.Fprintf(b, "| %s | %s | %s | %s |\n",
		cell(field), cell(r.typeOf(p)), cell(r.description(p)), cell(allowed(p)))
}

// description is the node's own, or that of the definition it refers to.
func (r *reference) description(n *obj) string {
	if d := n.str("description"); d != "" {
		return d
	}
	if name, ok := strings.CutPrefix(n.str("$ref"), refPrefix); ok {
		return r.defs.child(name).str("description")
	}
	return ""
}

// typeOf names the node's type for people: a link for a definition, "list
// of" and "map of" for containers, "any" when the schema does not say.
func (r *reference) typeOf(n *obj) string {
	if n == nil {
		return "any"
	}
	if name, ok := strings.CutPrefix(n.str("$ref"), refPrefix); ok {
		return "[" + name + "](#" + anchor(name) + ")"
	}
	types := typeNames(n.get("type"))
	if len(types) == 1 {
		switch types[0] {
		case "array":
			return "list of " + r.typeOf(n.child("items"))
		case "object":
			if n.child("properties") == nil {
				key := "string"
				if pn := n.child("propertyNames"); pn != nil {
					key = r.typeOf(pn)
				}
				return "map of " + key + " → " + r.typeOf(n.child("additionalProperties"))
			}
		}
	}
	if len(types) == 0 {
		return "any"
	}
	return strings.Join(types, " or ")
}

func typeNames(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// allowed summarises the node's constraints: enum, const, numeric range,
// length, pattern, and those of a list's items. A node that accepts both
// numbers and strings says which constraint applies to which.
func allowed(n *obj) string {
	if n == nil {
		return ""
	}
	var parts []string
	if list, ok := n.get("enum").([]any); ok {
		vals := make([]string, len(list))
		for i, x := range list {
			vals[i] = literal(x)
		}
		parts = append(parts, strings.Join(vals, ", "))
	}
	if c, ok := n.vals["const"]; ok {
		parts = append(parts, literal(c))
	}
	types := typeNames(n.get("type"))
	mixed := len(types) > 1
	numPrefix, strPrefix := "", ""
	if mixed {
		numPrefix, strPrefix = "integer ", "string "
	}
	if r := bounds(n, "minimum", "maximum", ""); r != "" {
		parts = append(parts, numPrefix+r)
	}
	if r := bounds(n, "minLength", "maxLength", " characters"); r != "" {
		parts = append(parts, strPrefix+r)
	}
	if p := n.str("pattern"); p != "" {
		parts = append(parts, strPrefix+"matching `"+p+"`")
	}
	if items := allowed(n.child("items")); items != "" {
		parts = append(parts, "each: "+items)
	}
	return strings.Join(parts, "; ")
}

// bounds renders a lower and upper limit: "0 to 1000", "≥ 1", "≤ 900
// characters". A string that must not be empty says so.
func bounds(n *obj, minKey, maxKey, unit string) string {
	lo, hasLo := n.get(minKey).(json.Number)
	hi, hasHi := n.get(maxKey).(json.Number)
	switch {
	case hasLo && hasHi:
		return fmt.Sprintf("%s to %s%s", lo, hi, unit)
	case hasLo && unit != "" && lo.String() == "1":
		return "non-empty"
	case hasLo:
		return fmt.Sprintf("≥ %s%s", lo, unit)
	case hasHi:
		return fmt.Sprintf("≤ %s%s", hi, unit)
	}
	return ""
}

// literal renders an enum or const value as code: `running`, `1`.
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return "`" + x + "`"
	case json.Number:
		return "`" + x.String() + "`"
	case bool:
		return fmt.Sprintf("`%t`", x)
	case nil:
		return "`null`"
	}
	return fmt.Sprintf("`%v`", v)
}

// anchor is the id GitHub gives the heading "### `name`".
func anchor(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// cell makes text safe inside a markdown table cell: a pipe would end the
// cell and a newline the row.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}
