package spec

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The variables' types: how a value given as text or written in a var
// file becomes one, the validation block's checks, and how a value is
// shown in a message.

func knownVarType(t string) bool {
	switch t {
	case VarString, VarNumber, VarBool, VarList, VarMap:
		return true
	}
	return false
}

func typeOfValue(v any) string {
	switch v.(type) {
	case int64, float64:
		return VarNumber
	case bool:
		return VarBool
	case []any:
		return VarList
	case map[string]any:
		return VarMap
	}
	return VarString
}

// convertVar converts a value to a variable type. text says the value is
// command-line or environment text, which lists and maps are parsed from
// as YAML flow ([a, b], {k: v}). It returns what was expected, or "".
func convertVar(raw any, text bool, typ string) (any, string) {
	switch typ {
	case VarString:
		switch x := raw.(type) {
		case string:
			return x, ""
		case int64, float64, bool:
			return describeValue(x), ""
		}
		return nil, "must be a string"
	case VarNumber:
		switch x := raw.(type) {
		case int64, float64:
			return x, ""
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return i, ""
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return numberOf(f), ""
			}
		}
		return nil, "must be a number"
	case VarBool:
		switch x := raw.(type) {
		case bool:
			return x, ""
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil && (x == "true" || x == "false") {
				return b, ""
			}
		}
		return nil, "must be true or false"
	case VarList, VarMap:
		if s, ok := raw.(string); ok && text {
			var parsed any
			if err := yaml.Unmarshal([]byte(s), &parsed); err != nil {
				return nil, "must be a " + typ + " written in YAML flow form such as " + flowExample(typ)
			}
			raw = normalizeYAML(parsed)
		}
		if _, ok := raw.([]any); ok && typ == VarList {
			return raw, ""
		}
		if _, ok := raw.(map[string]any); ok && typ == VarMap {
			return raw, ""
		}
		return nil, "must be a " + typ + " such as " + flowExample(typ)
	}
	return nil, "has an unknown type"
}

func flowExample(typ string) string {
	if typ == VarList {
		return "[a, b]"
	}
	return "{key: value}"
}

// normalizeYAML turns what yaml.Unmarshal returns into the values a fleet
// document holds: int64, float64, map[string]any.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case uint64:
		return float64(x)
	case float64:
		return numberOf(x)
	case []any:
		for i := range x {
			x[i] = normalizeYAML(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalizeYAML(x[k])
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	}
	return v
}

// checkValidation applies a variable's validation block: allowed values,
// min and max for numbers, a pattern for strings.
func checkValidation(val any, valid map[string]any) string {
	if allowed, ok := valid["allowed"].([]any); ok && len(allowed) > 0 {
		b, _ := json.Marshal(val)
		found := false
		var shown []string
		for _, a := range allowed {
			ab, _ := json.Marshal(a)
			found = found || string(ab) == string(b)
			shown = append(shown, describeValue(a))
		}
		if !found {
			return "must be one of " + strings.Join(shown, ", ")
		}
	}
	if n, ok := number(val); ok {
		if lo, ok := number(valid["min"]); ok && n < lo {
			return "must be at least " + describeValue(valid["min"])
		}
		if hi, ok := number(valid["max"]); ok && n > hi {
			return "must be at most " + describeValue(valid["max"])
		}
	}
	if p, ok := valid["pattern"].(string); ok {
		if s, isStr := val.(string); isStr {
			re, err := regexp.Compile("^(?:" + p + ")$")
			if err != nil {
				return "has a validation pattern that is not a valid regular expression"
			}
			if !re.MatchString(s) {
				return "must match the pattern " + strconv.Quote(p)
			}
		}
	}
	return ""
}

// numberOf is a number as a fleet document holds it: a whole one is an
// int64, as the fields that take a count or a size read it (3.0 is 3; as
// a float64 count: 3.0 would have been read as no servers at all).
func numberOf(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// describeValue renders a value for a message without a pointer.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 60 {
			return strconv.Quote(x[:57] + "...")
		}
		return strconv.Quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprint(v)
}

// copyValue deep-copies a variable's value for one use, so that no two
// places in the document share a list or map.
func copyValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = copyValue(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	}
	return v
}
