package spec

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/schema"
)

// validateSchema checks the merged document against the JSON schema and
// turns each finding into a positioned diagnostic in fleet's words.
func (l *loader) validateSchema() {
	errs, err := schema.Validate(l.doc)
	if err != nil {
		l.diags = l.diags.Append(fmt.Errorf("internal error: %w", err))
		return
	}
	for _, e := range errs {
		l.schemaError(e)
	}
}

func (l *loader) schemaError(e schema.Error) {
	node := schema.Node(e.SchemaPointer)
	path := pathText(e.Pointer)
	v, _ := l.valueAt(e.Pointer)
	desc, _ := node["description"].(string)
	switch {
	case e.PropertyName:
		name := unescapePointer(e.Pointer[strings.LastIndexByte(e.Pointer, '/')+1:])
		detail := "Names start with a letter or digit, then letters, digits, '-', '_' or '.', up to 255 characters."
		if parentPointer(e.Pointer) == "/variables" {
			detail = "Variable names start with a letter or '_', then letters, digits and '_', so that ${var.NAME} can name them."
		}
		l.errorAtPtr(e.Pointer, true, fmt.Sprintf("%s: name %q is not valid", pathText(parentPointer(e.Pointer)), name), detail)
	case e.Keyword == "additionalProperties":
		m, _ := v.(map[string]any)
		allowed := schema.Properties(e.SchemaPointer)
		patterns, _ := node["patternProperties"].(map[string]any)
		for _, k := range sortedKeys(m) {
			if len(l.diags) >= maxDiagnostics {
				break
			}
			if slices.Contains(allowed, k) || matchesAny(k, patterns) {
				continue
			}
			summary := fmt.Sprintf("%s: unknown field %q", path, k)
			if s := suggest(k, allowed); s != "" {
				summary += fmt.Sprintf(" (did you mean %q?)", s)
			}
			detail := "Allowed fields here: " + strings.Join(allowed, ", ") + "."
			if len(patterns) > 0 {
				detail += " Keys starting with x- are ignored, for YAML anchors."
			}
			l.errorAtPtr(e.Pointer+"/"+escapePointer(k), true, summary, detail)
		}
	case e.Keyword == "required":
		m, _ := v.(map[string]any)
		req, _ := node["required"].([]any)
		for _, r := range req {
			name, _ := r.(string)
			if _, ok := m[name]; ok {
				continue
			}
			fdesc := ""
			if p, ok := node["properties"].(map[string]any)[name].(map[string]any); ok {
				fdesc, _ = p["description"].(string)
			}
			l.errorAtPtr(e.Pointer, true, fmt.Sprintf("%s: missing required field %q", path, name),
				strings.TrimSpace(fmt.Sprintf("Add %q. %s", name, fdesc)))
		}
	case e.Keyword == "type" && l.fromVar[e.Pointer] != "":
		// the type is checked where the variable is used
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: ${var.%s} must be %s, got %s", path, l.fromVar[e.Pointer], typeText(node["type"]), l.describe(e.Pointer, v)), desc)
	case e.Keyword == "type":
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must be %s, got %s", path, typeText(node["type"]), l.describe(e.Pointer, v)), desc)
	case e.Keyword == "enum":
		vals := enumStrings(node["enum"])
		summary := fmt.Sprintf("%s: must be one of %s; got %s", path, strings.Join(vals, ", "), l.describe(e.Pointer, v))
		if s, ok := v.(string); ok && l.fromEnv[e.Pointer] == "" {
			if m := suggest(s, vals); m != "" {
				summary += fmt.Sprintf(" (did you mean %q?)", m)
			}
		}
		l.errorAtPtr(e.Pointer, false, summary, desc)
	case e.Keyword == "const":
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must be %v, got %s", path, node["const"], l.describe(e.Pointer, v)), desc)
	case e.Keyword == "minimum" || e.Keyword == "maximum":
		op := ">="
		if e.Keyword == "maximum" {
			op = "<="
		}
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must be %s %v, got %s", path, op, node[e.Keyword], l.describe(e.Pointer, v)), desc)
	case e.Keyword == "minLength":
		if n, _ := node["minLength"].(float64); n == 1 {
			l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must not be empty", path), desc)
			return
		}
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must be at least %v characters long", path, node["minLength"]), desc)
	case e.Keyword == "maxLength":
		s, _ := v.(string)
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: must be at most %v characters long, got %d", path, node["maxLength"], len([]rune(s))), desc)
	case e.Keyword == "pattern":
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: %s, got %s", path, patternText(e.SchemaPointer), l.describe(e.Pointer, v)), desc)
	default:
		l.errorAtPtr(e.Pointer, false, fmt.Sprintf("%s: %s", path, e.Message), desc)
	}
}

// patternText says in words what a schema pattern asks for.
func patternText(schemaPtr string) string {
	switch schemaPtr {
	case "/properties/name":
		return "must be lowercase letters, digits and '-'"
	case "/$defs/network/properties/ip":
		return "must be an IPv4 address such as 10.0.1.5"
	case "/$defs/partition/properties/mount_point":
		return "must be an absolute path such as /data"
	case "/$defs/variable_name":
		return "must be a letter or '_', then letters, digits and '_'"
	case "/$defs/rollout/properties/max_unavailable":
		return `must be a positive integer or a percentage such as "25%"`
	case "/$defs/server/properties/ignore/items":
		return "must be a field fleet compares: image, type, zone, network.vpc, network.subnet, network.ip, network.interfaces, network.security_groups, key, power, protect, metadata, metadata.KEY, root_volume.size, root_volume.type, root_volume.encrypted, user_data, public_ip, init_script, placement_group, billing, description or partitions"
	case "/$defs/check/properties/timeout", "/$defs/check/properties/interval":
		return `must be a duration such as "30s", "5m" or "1h30m"`
	}
	return "has the wrong form"
}

// describe renders a value for a message. Strings that came from ${VAR}
// are never shown: they may be secrets.
func (l *loader) describe(ptr string, v any) string {
	if name := l.fromEnv[ptr]; name != "" {
		return "the value of ${" + name + "}"
	}
	if l.sensitiveAt(ptr) {
		return SensitiveText
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 60 {
			return strconv.Quote(x[:57] + "...")
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

func typeText(t any) string {
	names := map[string]string{
		"integer": "an integer", "string": "a string", "boolean": "true or false",
		"object": "a mapping", "array": "a list", "number": "a number", "null": "null",
	}
	switch x := t.(type) {
	case string:
		return names[x]
	case []any:
		var parts []string
		for _, p := range x {
			s, _ := p.(string)
			parts = append(parts, names[s])
		}
		return strings.Join(parts, " or ")
	}
	return "another type"
}

func enumStrings(e any) []string {
	list, _ := e.([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func parentPointer(ptr string) string {
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		return ptr[:i]
	}
	return ""
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// matchesAny reports whether name matches one of a schema's
// patternProperties.
func matchesAny(name string, patterns map[string]any) bool {
	for p := range patterns {
		if re, err := regexp.Compile(p); err == nil && re.MatchString(name) {
			return true
		}
	}
	return false
}

// suggest returns the candidate closest to s by edit distance, if close
// enough to be a likely typo, else "".
func suggest(s string, candidates []string) string {
	best, bestD := "", math.MaxInt
	for _, c := range candidates {
		if d := EditDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(1, min(3, len([]rune(s))/3)) {
		return best
	}
	return ""
}
