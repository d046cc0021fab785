package schema

import (
	"math"
	"slices"
	"strconv"
)

// shapeKey appends a canonical encoding of v, a JSON-compatible value, to
// b: two values encode alike exactly when they are equal and of the same
// Go types, so the server schema finds the same errors in both. A fleet
// declaring 10,000 servers one entry each mostly repeats a few entries;
// each distinct one is validated once. ok is false for a value of another
// type, which is then validated on its own.
func shapeKey(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, 'n'), true
	case bool:
		if x {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case int64:
		b = append(b, 'i')
		return strconv.AppendInt(b, x, 10), true
	case float64:
		b = append(b, 'd')
		return strconv.AppendUint(b, math.Float64bits(x), 16), true
	case string:
		return appendString(append(b, 's'), x), true
	case []any:
		b = strconv.AppendInt(append(b, '['), int64(len(x)), 10)
		for _, e := range x {
			var ok bool
			if b, ok = shapeKey(append(b, ','), e); !ok {
				return b, false
			}
		}
		return b, true
	case map[string]any:
		b = strconv.AppendInt(append(b, '{'), int64(len(x)), 10)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			var ok bool
			if b, ok = shapeKey(appendString(append(b, ','), k), x[k]); !ok {
				return b, false
			}
		}
		return b, true
	}
	return b, false
}

// appendString writes s with its length first, so no content can be
// taken for the structure around it.
func appendString(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	return append(append(b, ':'), s...)
}
