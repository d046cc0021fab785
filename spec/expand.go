package spec

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// expand replaces ${NAME} in a string scalar with the environment
// variable's value and ${var.NAME} with the declared variable's; $${ stands
// for a literal ${. A value that is one ${var.NAME} and nothing else takes
// the variable's type (count: ${var.web_count} is a number). An unset
// variable or a malformed reference is reported at the reference itself
// when it can be found in the source.
func (l *loader) expand(src *source, n *yaml.Node, ptr string) any {
	s := n.Value
	if name, ok := strings.CutPrefix(s, "${var."); ok && strings.IndexByte(s, '}') == len(s)-1 {
		return l.varValue(src, n, ptr, name[:len(name)-1], true)
	}
	var b strings.Builder
	var vars []string
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "$${"):
			b.WriteString("${")
			s = s[3:]
		case strings.HasPrefix(s, "${"):
			end := strings.IndexByte(s, '}')
			name := ""
			if end > 0 {
				name = s[2:end]
			}
			if vname, ok := strings.CutPrefix(name, "var."); ok && validVarName(vname) {
				v := l.varValue(src, n, ptr, vname, false)
				text, ok := v.(string)
				if !ok || l.broken[ptr] {
					// reported (or, for validate, left unchecked): the
					// value stays as written, never half expanded
					return n.Value
				}
				b.WriteString(text)
				s = s[end+1:]
				continue
			}
			if !validVarName(name) {
				ref := s
				if end > 0 {
					ref = s[:end+1]
				}
				l.errorAt(l.refRange(src, n, ref), fmt.Sprintf("%s: invalid variable reference %q", pathText(ptr), ref),
					"Write ${NAME} for an environment variable or ${var.NAME} for a declared one, with a name of letters, digits and '_' (not starting with a digit), or $${ for a literal ${.", ptr)
				l.broken[ptr] = true
				return n.Value
			}
			val, ok := l.getenv(name)
			if !ok && l.unsetWarns {
				d := Diagnostic{Severity: SeverityWarning, Summary: fmt.Sprintf("%s: environment variable %s is not set", pathText(ptr), name),
					Detail: fmt.Sprintf("This field was not checked. plan and apply need %s set; set it to check the field too (validate --strict-env makes this an error).", name),
					Path:   ptr}
				r := l.refRange(src, n, s[:end+1])
				d.Range = &r
				l.diags = append(l.diags, d)
				l.unset = append(l.unset, d)
				l.broken[ptr] = true
				return n.Value
			}
			if !ok {
				l.errorAt(l.refRange(src, n, s[:end+1]), fmt.Sprintf("%s: environment variable %s is not set", pathText(ptr), name),
					fmt.Sprintf("Set %s before running fleet, or write $${%s} for a literal ${%s}.", name, name, name), ptr)
				l.broken[ptr] = true
				return n.Value
			}
			vars = append(vars, name)
			b.WriteString(val)
			s = s[end+1:]
		default:
			b.WriteByte('$')
			s = s[1:]
		}
	}
	if len(vars) > 0 {
		l.fromEnv[ptr] = vars[0]
		delete(l.fromVar, ptr) // the message names the environment variable, which may be a secret
	}
	return b.String()
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// refRange finds ref in the node's source text; it falls back to the whole
// value when escapes or folding changed the text.
func (l *loader) refRange(src *source, n *yaml.Node, ref string) Range {
	r := src.nodeRange(n)
	end := r.End.Byte
	if end <= r.Start.Byte {
		end = src.lineEnd(r.Start.Byte)
	}
	if i := bytes.Index(src.data[r.Start.Byte:end], []byte(ref)); i >= 0 {
		return src.span(r.Start.Byte+i, r.Start.Byte+i+len(ref))
	}
	return r
}
