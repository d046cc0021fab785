package planfile

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// checkKeys refuses what encoding/json quietly accepts but other readers
// of the file (jq, a policy check in CI, a reviewer) read otherwise: a key
// that names a field only case-insensitively ("Destroy" for destroy, which
// jq's .options.destroy does not see), and a key given twice in one object
// (Go takes the last, a reader may stop at the first). It walks the
// document alongside the Go type Unmarshal decodes it into, after that
// decode succeeded, so the document is well formed and of the right shape.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return walkKeys(dec, reflect.TypeFor[Plan](), "")
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	anyType         = reflect.TypeFor[any]()
)

func walkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		t = anyType // its own decoding: only duplicates are looked for inside
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		if t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key := kt.(string)
			if seen[key] {
				return fmt.Errorf("%skey %q is given twice; a saved plan names each field once", where(path), key)
			}
			seen[key] = true
			elem := anyType
			switch t.Kind() {
			case reflect.Struct:
				ft, ok := fields[key]
				if !ok {
					return fmt.Errorf("%skey %q is not one fleet writes (keys are case-sensitive%s)", where(path), key, spelled(fields, key))
				}
				elem = ft
			case reflect.Map, reflect.Slice, reflect.Array:
				elem = t.Elem()
			}
			if err := walkKeys(dec, elem, join(path, key)); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		elem := anyType
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}

// jsonFields are the JSON names encoding/json gives a struct's fields,
// those of embedded structs promoted unless a shallower field shadows them
// (as planfile.Action's create shadows planner.Action's).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	depth := map[string]int{}
	var add func(t reflect.Type, d int)
	add = func(t reflect.Type, d int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if ft := f.Type; f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft, d+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if was, ok := depth[name]; ok && was <= d {
				continue
			}
			depth[name], out[name] = d, f.Type
		}
	}
	add(t, 0)
	return out
}

// spelled names the field a key matches but for case, for the message.
func spelled(fields map[string]reflect.Type, key string) string {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return fmt.Sprintf(": it is spelled %q", name)
		}
	}
	return ""
}

func where(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
