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

// DecodeAnswer unmarshals a cloud's JSON answer into v with encoding/json's
// semantics on the encoding/json/v2 engine: one pass over the bytes, where
// the standard decoder first scans the whole answer for validity. List
// pages are large, and decoding them was most of a 10,000-server refresh.
// An answer it refuses is decoded again by encoding/json, whose verdict and
// wording are what fleet gave before (the v2 engine words type errors
// differently); only failures take that second pass.
func DecodeAnswer(data []byte, v any) error {
	err := jsonv1.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
		p.Elem().SetZero()
	}
	return json.Unmarshal(data, v)
}
