package nhnsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// patchMediaType is the JSON Patch form of Glance's PATCH /v2/images/{id}
// that gophercloud sends. Glance also takes an older v2.0 form, with the
// op as the key ({"replace": "/name", "value": ...}); the simulator does
// not, and answers 415 for it.
const patchMediaType = "application/openstack-images-v2.1-json-patch"

// fixedImageProps are the properties no PATCH may touch, with Glance's
// 403 message. disk_format and container_format change only on queued
// images in Glance; the simulator's images are always qcow2 and bare.
var fixedImageProps = func() map[string]string {
	m := map[string]string{
		"owner":            "Owner can't be updated by non admin.",
		"locations":        "It's not allowed to update locations if locations are invisible.",
		"disk_format":      "Attribute disk_format can be only replaced for a queued image.",
		"container_format": "Attribute container_format can be only replaced for a queued image.",
	}
	for _, k := range []string{"id", "status", "created_at", "updated_at", "size", "virtual_size", "checksum",
		"os_hash_algo", "os_hash_value", "direct_url", "self", "file", "schema"} {
		m[k] = "Attribute '" + k + "' is read-only."
	}
	for _, k := range []string{"location", "deleted", "deleted_at"} {
		m[k] = "Attribute '" + k + "' is reserved."
	}
	return m
}()

// patchOp is one validated operation on a top-level property.
type patchOp struct {
	op, prop string
	value    json.RawMessage // nil for remove
}

// patchError is a refused PATCH: the status and Glance's message.
type patchError struct {
	code int
	msg  string
}

func badPatch(format string, a ...any) *patchError {
	return &patchError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// patchImage applies a JSON Patch to an image: all operations or none.
// Base properties (name, visibility, min_disk, min_ram, protected,
// os_hidden, tags) take typed values; any other top-level name is an
// extra property, which Glance keeps as a string.
func patchImage(c *call) {
	img := c.image()
	if img == nil {
		return
	}
	if mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type")); err != nil || mt != patchMediaType {
		glanceError(c.w, http.StatusUnsupportedMediaType, "Unsupported Content-Type")
		return
	}
	ops, perr := parsePatch(c.body)
	if perr == nil && img.Owner != c.s.opts.TenantID {
		perr = &patchError{http.StatusForbidden, "You are not authorized to complete modify_image action."}
	}
	next := *img
	next.Props, next.Tags = cloneMap(img.Props), slices.Clone(img.Tags)
	for _, op := range ops {
		if perr != nil {
			break
		}
		perr = next.apply(op)
	}
	if perr != nil {
		glanceError(c.w, perr.code, perr.msg)
		return
	}
	next.Updated = c.now
	*img = next
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, c.imageView(img))
}

// parsePatch checks the body's shape and every operation's op, path and
// value before anything is applied, as Glance's request deserializer does.
func parsePatch(body []byte) ([]patchOp, *patchError) {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil, badPatch("Malformed JSON in request body.")
	}
	if _, ok := doc.([]any); !ok {
		return nil, badPatch("Request body must be a JSON array of operation objects.")
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, badPatch("Malformed JSON in request body.")
	}
	ops := make([]patchOp, 0, len(raw))
	for _, r := range raw {
		var m map[string]json.RawMessage
		if json.Unmarshal(r, &m) != nil || m == nil {
			return nil, badPatch("Operations must be JSON objects.")
		}
		var op, path string
		if json.Unmarshal(m["op"], &op) != nil {
			return nil, badPatch("Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.")
		}
		if op != "add" && op != "replace" && op != "remove" {
			return nil, badPatch("Invalid operation: `%s`. It must be one of the following: add, remove, replace.", op)
		}
		if json.Unmarshal(m["path"], &path) != nil {
			return nil, badPatch("Unable to find '`path`' in JSON Schema change")
		}
		prop, ok := pointerProp(path)
		if !ok {
			return nil, badPatch("Invalid JSON pointer for this resource: '%s'", path)
		}
		if msg, fixed := fixedImageProps[prop]; fixed {
			return nil, &patchError{http.StatusForbidden, msg}
		}
		p := patchOp{op: op, prop: prop}
		if op != "remove" {
			v, has := m["value"]
			if !has {
				return nil, badPatch("Operation \"%s\" requires a member named \"value\".", op)
			}
			p.value = v
		}
		ops = append(ops, p)
	}
	return ops, nil
}

// pointerProp decodes a JSON pointer (RFC 6901) naming one top-level
// property: Glance allows nested paths only below /locations.
func pointerProp(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		if rest[i] != '~' {
			b.WriteByte(rest[i])
			continue
		}
		if i+1 == len(rest) || (rest[i+1] != '0' && rest[i+1] != '1') {
			return "", false
		}
		b.WriteByte("~/"[rest[i+1]-'0'])
		i++
	}
	return b.String(), true
}

// baseProps are the image's own typed properties: they may be set but not
// removed.
var baseProps = []string{"name", "visibility", "min_disk", "min_ram", "protected", "os_hidden", "tags"}

// apply makes one operation on the image, as Glance's controller does
// with the v2.1 semantics: add sets whether or not the property exists;
// replace and remove need it to exist.
func (img *image) apply(op patchOp) *patchError {
	if slices.Contains(baseProps, op.prop) {
		if op.op == "remove" {
			return &patchError{http.StatusForbidden, "Property " + op.prop + " may not be removed."}
		}
		return img.setBase(op.prop, op.value)
	}
	_, exists := img.Props[op.prop]
	if op.op != "add" && !exists {
		return &patchError{http.StatusConflict, "Property " + op.prop + " does not exist."}
	}
	if op.op == "remove" {
		delete(img.Props, op.prop)
		return nil
	}
	var s string
	if strictJSON(op.value, &s) != nil {
		return badPatch("Provided object does not match schema 'image': %s is not of type 'string'", op.value)
	}
	if len(op.prop) > 255 {
		return badPatch("Provided object does not match schema 'image': property name longer than 255 characters")
	}
	img.Props[op.prop] = s
	return nil
}

// setBase sets a base property from a JSON value of its schema type.
func (img *image) setBase(prop string, value json.RawMessage) *patchError {
	mismatch := badPatch("Provided object does not match schema 'image': %s is not a valid %s", value, prop)
	switch prop {
	case "name":
		var s *string
		if strictJSON(value, &s) != nil || (s != nil && len(*s) > 255) {
			return mismatch
		}
		img.Name = ""
		if s != nil {
			img.Name = *s
		}
	case "visibility":
		var s string
		if strictJSON(value, &s) != nil || !slices.Contains([]string{"public", "private", "shared", "community"}, s) {
			return mismatch
		}
		if s == "public" && img.Visibility != "public" {
			return &patchError{http.StatusForbidden, "You are not authorized to complete publicize_image action."}
		}
		img.Visibility = s
	case "min_disk", "min_ram":
		var n int
		if strictJSON(value, &n) != nil || n < 0 {
			return mismatch
		}
		if prop == "min_disk" {
			img.MinDisk = n
		} else {
			img.MinRAM = n
		}
	case "protected", "os_hidden":
		var b bool
		if strictJSON(value, &b) != nil {
			return mismatch
		}
		if prop == "protected" {
			img.Protected = b
		} else {
			img.Hidden = b
		}
	case "tags":
		var tags []string
		if strictJSON(value, &tags) != nil || tags == nil || slices.ContainsFunc(tags, func(t string) bool { return len(t) > 255 }) {
			return mismatch
		}
		slices.Sort(tags)
		img.Tags = slices.Compact(tags)
	}
	return nil
}

// strictJSON decodes a value without the conversions json.Unmarshal
// allows silently: null into a non-pointer is a type error here, as in
// Glance's schema.
func strictJSON(value json.RawMessage, dst any) error {
	if bytes.Equal(bytes.TrimSpace(value), []byte("null")) {
		if _, nullable := dst.(**string); !nullable {
			return fmt.Errorf("null is not allowed")
		}
	}
	return json.Unmarshal(value, dst)
}
