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
		var buf [16]string // a server entry's keys, without allocating
		keys := buf[:0]
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

// shapes holds the findings of the server entries one goroutine has
// validated, by shapeKey, so that each distinct entry is validated once.
type shapes struct {
	seen        map[string][]Error
	key         []byte // the last entry's key, when keyed
	keyed, hits int
}

// keyedMisses is how many entries are keyed without finding two alike
// before looking stops: when every entry differs (each its own
// description, say), keying them all would only add work.
const keyedMisses = 256

// lookup returns the findings, pointers relative to the entry, of an
// entry like v validated before.
func (c *shapes) lookup(v any) (found []Error, hit bool) {
	c.key = c.key[:0]
	if c.hits == 0 && c.keyed >= keyedMisses {
		return nil, false
	}
	key, ok := shapeKey(c.key, v)
	c.keyed++
	if !ok {
		return nil, false
	}
	c.key = key
	if found, hit = c.seen[string(key)]; hit {
		c.hits++
	}
	return found, hit
}

// store records the findings of the entry lookup last missed.
func (c *shapes) store(found []Error) {
	if len(c.key) == 0 {
		return
	}
	if c.seen == nil {
		c.seen = map[string][]Error{}
	}
	c.seen[string(c.key)] = found
}
