package ncloud

import (
	"net/url"
	"strconv"
)

// form builds the flat key/value parameters of one NCP call. Lists use
// 1-based dotted indices (serverInstanceNoList.1=…); lists of structs nest
// (networkInterfaceList.1.accessControlGroupNoList.1=…).
type form struct{ v url.Values }

func newForm() *form { return &form{v: url.Values{}} }

// set adds a string parameter; empty values are left out, as the SDK does
// with nil fields.
func (f *form) set(key, value string) *form {
	if value != "" {
		f.v.Set(key, value)
	}
	return f
}

func (f *form) setInt(key string, n int) *form {
	f.v.Set(key, strconv.Itoa(n))
	return f
}

func (f *form) setBool(key string, b bool) *form {
	f.v.Set(key, strconv.FormatBool(b))
	return f
}

// list adds key.1, key.2, … for values.
func (f *form) list(key string, values []string) *form {
	for i, v := range values {
		f.v.Set(key+"."+strconv.Itoa(i+1), v)
	}
	return f
}

// item returns the prefix of the i-th (0-based) struct of a list.
func item(key string, i int) string { return key + "." + strconv.Itoa(i+1) }

func (f *form) encode() string { return f.v.Encode() }
