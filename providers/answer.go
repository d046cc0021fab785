package providers

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"

	jsonv1 "github.com/go-json-experiment/json/v1"
)

// MaxAnswer bounds what is read of one cloud answer: a 1,000-server page
// is a few MB.
const MaxAnswer = 64 << 20

// ReadAnswer reads an answer of up to MaxAnswer bytes into one buffer of
// its Content-Length when given: io.ReadAll's doubling copied and cleared a
// 1,000-server page's megabytes a dozen times.
func ReadAnswer(resp *http.Response) ([]byte, error) {
	size := int64(512)
	if n := resp.ContentLength; n > 0 {
		size = min(n, MaxAnswer) + bytes.MinRead
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, MaxAnswer))
	return buf.Bytes(), err
}

// DecodeAnswer unmarshals a cloud's JSON answer, or fleet's own state, into
// v with encoding/json's semantics on the encoding/json/v2 engine: one pass
// over the bytes, where the standard decoder first scans the whole document
// for validity. List pages and a 10,000-server state are large, and
// decoding them was most of a big no-change plan. A document it refuses is
// decoded again by json.Unmarshal, whose verdict and wording are what fleet
// gave before (the v2 engine words type errors differently); only failures
// take that second pass.
func DecodeAnswer(data []byte, v any) error { return decodeOnePass(data, v, json.Unmarshal) }

// DecodeFirstValue is DecodeAnswer for an answer a client used to read with
// json.Decoder (gophercloud): a refused answer is judged by the Decoder,
// which ignores data after the first value and calls a page that ends
// early io.ErrUnexpectedEOF, the error gophercloud's retry hook retries.
func DecodeFirstValue(data []byte, v any) error {
	return decodeOnePass(data, v, func(data []byte, v any) error {
		return json.NewDecoder(bytes.NewReader(data)).Decode(v)
	})
}

// decodeOnePass decodes data with the v2 engine, and when that fails,
// from a zero v again with standard, whose result stands.
func decodeOnePass(data []byte, v any, standard func([]byte, any) error) error {
	if jsonv1.Unmarshal(data, v) == nil {
		return nil
	}
	if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
		p.Elem().SetZero()
	}
	return standard(data, v)
}
