package ncloudsim

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"sync"
)

// appendIndented appends v exactly as json.Marshal followed by json.Indent
// with prefix depth×"  " and indent "  " would, in one pass and without the
// intermediate compact copy. A page of 1,000 servers is megabytes of JSON:
// marshalling it and then re-scanning it to indent took most of the
// simulator's time for a big list. Values of kinds it does not write itself
// (floats, maps, []byte, marshalers other than object, structs with
// embedded fields or tag options beyond omitempty) are handed to
// encoding/json and indented, so the bytes never differ.
func appendIndented(b []byte, v any, depth int) ([]byte, error) {
	e := indentState{b: b}
	if v == nil {
		e.b = append(e.b, "null"...)
	} else {
		rv := reflect.ValueOf(v)
		encoderOf(rv.Type())(&e, rv, depth)
	}
	return e.b, e.err
}

// indentState is one encoding: the output so far and the first error.
type indentState struct {
	b   []byte
	err error
}

type indentEncoder func(e *indentState, v reflect.Value, depth int)

var indentEncoders sync.Map // reflect.Type → indentEncoder

// encoderOf returns t's encoder, building it once. A recursive type meets
// a placeholder that waits for the real encoder (as encoding/json does).
func encoderOf(t reflect.Type) indentEncoder {
	if f, ok := indentEncoders.Load(t); ok {
		return f.(indentEncoder)
	}
	var (
		wg   sync.WaitGroup
		real indentEncoder
	)
	wg.Add(1)
	f, loaded := indentEncoders.LoadOrStore(t, indentEncoder(func(e *indentState, v reflect.Value, depth int) {
		wg.Wait()
		real(e, v, depth)
	}))
	if loaded {
		return f.(indentEncoder)
	}
	real = newIndentEncoder(t)
	wg.Done()
	indentEncoders.Store(t, real)
	return real
}

var (
	objectType        = reflect.TypeFor[object]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func newIndentEncoder(t reflect.Type) indentEncoder {
	if t == objectType {
		return encodeObject
	}
	if marshals(t) {
		return encodeByJSON
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(e *indentState, v reflect.Value, _ int) { e.b = strconv.AppendBool(e.b, v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(e *indentState, v reflect.Value, _ int) { e.b = strconv.AppendInt(e.b, v.Int(), 10) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(e *indentState, v reflect.Value, _ int) { e.b = strconv.AppendUint(e.b, v.Uint(), 10) }
	case reflect.String:
		return func(e *indentState, v reflect.Value, _ int) { e.b = appendJSONString(e.b, v.String()) }
	case reflect.Interface:
		return func(e *indentState, v reflect.Value, depth int) {
			if v.IsNil() {
				e.b = append(e.b, "null"...)
				return
			}
			encoderOf(v.Elem().Type())(e, v.Elem(), depth)
		}
	case reflect.Pointer:
		elem := encoderOf(t.Elem())
		return func(e *indentState, v reflect.Value, depth int) {
			if v.IsNil() {
				e.b = append(e.b, "null"...)
				return
			}
			elem(e, v.Elem(), depth)
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return encodeByJSON // base64 for []byte; leave the rules to encoding/json
		}
		return newListEncoder(t)
	case reflect.Struct:
		if enc, ok := newStructEncoder(t); ok {
			return enc
		}
	}
	return encodeByJSON
}

// marshals reports whether t (or *t) has its own JSON or text form.
func marshals(t reflect.Type) bool {
	return t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		(t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)))
}

// encodeByJSON is the fallback: encoding/json's bytes, indented. The
// pointer is passed when addressable so pointer-receiver marshalers run as
// they would inside a larger json.Marshal.
func encodeByJSON(e *indentState, v reflect.Value, depth int) {
	x := v.Interface()
	if v.Kind() != reflect.Pointer && v.CanAddr() {
		x = v.Addr().Interface()
	}
	raw, err := json.Marshal(x)
	if err != nil {
		e.fail(err)
		return
	}
	buf := bytes.NewBuffer(e.b)
	if err := json.Indent(buf, raw, indentOf(depth), "  "); err != nil {
		e.fail(err)
		return
	}
	e.b = buf.Bytes()
}

func (e *indentState) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// newline starts a line indented for depth.
func (e *indentState) newline(depth int) {
	e.b = append(e.b, '\n')
	for range depth {
		e.b = append(e.b, ' ', ' ')
	}
}

func indentOf(depth int) string {
	b := make([]byte, 2*depth)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

func newListEncoder(t reflect.Type) indentEncoder {
	enc := encoderOf(t.Elem())
	isSlice := t.Kind() == reflect.Slice
	return func(e *indentState, v reflect.Value, depth int) {
		if isSlice && v.IsNil() {
			e.b = append(e.b, "null"...)
			return
		}
		n := v.Len()
		if n == 0 {
			e.b = append(e.b, "[]"...)
			return
		}
		e.b = append(e.b, '[')
		for i := range n {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.newline(depth + 1)
			enc(e, v.Index(i), depth+1)
		}
		e.newline(depth)
		e.b = append(e.b, ']')
	}
}

// structField is one encoded field: its index, its quoted key, whether
// omitempty drops it when empty, and its type's encoder. Strings, bools
// and ints without a form of their own (scalar) are written in the loop,
// which saves a call per field of every record.
type structField struct {
	index     int
	key       []byte
	omitEmpty bool
	scalar    reflect.Kind // String, Bool, Int64 for every int kind; else Invalid
	enc       indentEncoder
}

func scalarKind(t reflect.Type) reflect.Kind {
	if marshals(t) {
		return reflect.Invalid
	}
	switch k := t.Kind(); k {
	case reflect.String, reflect.Bool:
		return k
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.Int64
	}
	return reflect.Invalid
}

// newStructEncoder handles structs of exported, non-embedded fields with
// plain names and at most omitempty; anything else is left to encoding/json.
func newStructEncoder(t reflect.Type) (indentEncoder, bool) {
	var fields []structField
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := cutComma(tag)
		omitEmpty := false
		for opts != "" {
			var o string
			o, opts, _ = cutComma(opts)
			if o != "omitempty" {
				return nil, false
			}
			omitEmpty = true
		}
		if name == "" {
			name = sf.Name
		}
		if !plainName(name) || seen[name] {
			return nil, false
		}
		seen[name] = true
		fields = append(fields, structField{index: i, key: appendJSONString(nil, name), omitEmpty: omitEmpty,
			scalar: scalarKind(sf.Type), enc: encoderOf(sf.Type)})
	}
	return func(e *indentState, v reflect.Value, depth int) {
		e.b = append(e.b, '{')
		n := 0
		for _, f := range fields {
			fv := v.Field(f.index)
			if f.omitEmpty && isEmptyValue(fv) {
				continue
			}
			if n > 0 {
				e.b = append(e.b, ',')
			}
			n++
			e.newline(depth + 1)
			e.b = append(e.b, f.key...)
			e.b = append(e.b, ':', ' ')
			switch f.scalar {
			case reflect.String:
				e.b = appendJSONString(e.b, fv.String())
			case reflect.Bool:
				e.b = strconv.AppendBool(e.b, fv.Bool())
			case reflect.Int64:
				e.b = strconv.AppendInt(e.b, fv.Int(), 10)
			default:
				f.enc(e, fv, depth+1)
			}
		}
		if n > 0 {
			e.newline(depth)
		}
		e.b = append(e.b, '}')
	}, true
}

// encodeObject writes an ordered object as object.MarshalJSON would, indented.
func encodeObject(e *indentState, v reflect.Value, depth int) {
	o := v.Interface().(object)
	e.b = append(e.b, '{')
	for i, f := range o {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		e.b = appendJSONString(e.b, f.Key)
		e.b = append(e.b, ':', ' ')
		if f.Value == nil {
			e.b = append(e.b, "null"...)
			continue
		}
		fv := reflect.ValueOf(f.Value)
		encoderOf(fv.Type())(e, fv, depth+1)
	}
	if len(o) > 0 {
		e.newline(depth)
	}
	e.b = append(e.b, '}')
}

func cutComma(s string) (before, after string, found bool) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// plainName is a key encoding/json takes from a tag as is: letters,
// digits, '_' and '-'. Others are left to encoding/json's own rules.
func plainName(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// appendJSONString quotes s. Printable ASCII that encoding/json leaves as
// is (it escapes '<', '>' and '&' for HTML) is copied; anything else is
// quoted by encoding/json itself, so escapes stay the same.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if !plainByte[s[i]] {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainByte marks the bytes a JSON string holds unescaped.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
