package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// sensitiveFields are where a sensitive variable may be used: fields fleet
// never prints nor records as written (user data is recorded as a digest,
// the DSN nowhere).
var sensitiveFields = []string{"/user_data", "/state/dsn"}

// varValue is the value of ${var.NAME} at ptr: typed when whole is set
// (the reference is the entire value), else its text for a longer string.
// After reporting a problem it returns n.Value and marks ptr broken.
func (l *loader) varValue(src *source, n *yaml.Node, ptr, name string, whole bool) any {
	ref := "${var." + name + "}"
	fail := func(summary, detail string) any {
		l.errorAt(l.refRange(src, n, ref), summary, detail, ptr)
		l.broken[ptr] = true
		return n.Value
	}
	if !validVarName(name) {
		return fail(fmt.Sprintf("%s: invalid variable reference %q", pathText(ptr), ref),
			"Write ${var.NAME} with the name of a variable declared under variables:.")
	}
	if strings.HasPrefix(ptr, "/variables/") {
		return fail(fmt.Sprintf("%s: a variable's declaration cannot use %s", pathText(ptr), ref),
			"Write the default as a plain value; ${VAR} may read the environment.")
	}
	decl := l.vars[name]
	if decl == nil {
		return fail(fmt.Sprintf("%s: variable %q is not declared", pathText(ptr), name)+l.didYouMean(name), l.declaredText())
	}
	if decl.bad {
		l.broken[ptr] = true // the declaration or the value was reported
		return n.Value
	}
	if decl.v.Sensitive && !sensitiveAllowed(ptr) {
		return fail(fmt.Sprintf("%s: sensitive variable %s cannot be used here", pathText(ptr), name),
			"fleet prints this field in plans and records it in the state. A sensitive variable may be used only in user_data (recorded as a digest) and state.dsn.")
	}
	if decl.v.Value == nil {
		d := Diagnostic{Severity: SeverityWarning, Summary: fmt.Sprintf("%s: variable %s has no value", pathText(ptr), name),
			Detail: fmt.Sprintf("This field was not checked. plan and apply need a value: --var %s=VALUE, a --var-file, FLEET_VAR_%s, or a default.", name, name),
			Path:   ptr}
		r := l.refRange(src, n, ref)
		d.Range = &r
		if l.unsetWarns {
			l.diags = append(l.diags, d)
			l.unset = append(l.unset, d)
		}
		l.broken[ptr] = true // without unsetWarns the declaration was reported
		return n.Value
	}
	if _, seen := l.fromVar[ptr]; !seen {
		l.fromVar[ptr] = name
	}
	if decl.v.Sensitive {
		// fromVar names only the first variable and forgets them all
		// when ${ENV} is used too: "env=${var.env} token=${var.token}"
		// is sensitive all the same
		l.secret[ptr] = true
	}
	if whole {
		return copyValue(decl.v.Value)
	}
	switch v := decl.v.Value.(type) {
	case []any, map[string]any:
		return fail(fmt.Sprintf("%s: %s is a %s and cannot be part of a string", pathText(ptr), ref, decl.v.Type),
			fmt.Sprintf("Use it as the whole value (key: %s), or declare the variable as a string.", ref))
	case string:
		return v
	default:
		return describeValue(v)
	}
}

func sensitiveAllowed(ptr string) bool {
	for _, f := range sensitiveFields {
		if ptr == f || strings.HasSuffix(ptr, f) && strings.HasPrefix(ptr, "/servers/") && strings.Count(ptr, "/") == 3 {
			return true
		}
	}
	return false
}

// sensitiveAt reports whether the value at ptr came from a sensitive
// variable: messages show SensitiveText instead.
func (l *loader) sensitiveAt(ptr string) bool {
	return l.secret[ptr]
}
