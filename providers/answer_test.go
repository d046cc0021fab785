package providers

import (
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeAnswerAsEncodingJSON: the clouds' answers decode as
// encoding/json decoded them, in the corners a cloud may reach.
func TestDecodeAnswerAsEncodingJSON(t *testing.T) {
	type inner struct {
		No   string            `json:"serverInstanceNo"`
		Tags map[string]string `json:"tags"`
	}
	type answer struct {
		Total int      `json:"totalRows"`
		List  []inner  `json:"serverInstanceList"`
		Flag  bool     `json:"flag"`
		Ptr   *inner   `json:"ptr"`
		Codes []string `json:"codes"`
	}
	tests := []struct {
		name, body string
		wantErr    bool
	}{
		{name: "plain", body: `{"totalRows":2,"serverInstanceList":[{"serverInstanceNo":"1"},{"serverInstanceNo":"2","tags":{"a":"b"}}]}`},
		{name: "key in another case", body: `{"TotalRows":1,"SERVERINSTANCELIST":[{"serverinstanceno":"7"}]}`},
		{name: "duplicate key keeps the last", body: `{"totalRows":1,"totalRows":3}`},
		{name: "unknown keys ignored", body: `{"totalRows":1,"extra":{"deep":[1,2,{"x":null}]}}`},
		{name: "null leaves zero", body: `{"totalRows":null,"ptr":null,"codes":null,"serverInstanceList":null}`},
		{name: "invalid UTF-8 kept as replacement", body: "{\"codes\":[\"a\xffb\"]}"},
		{name: "escapes", body: `{"codes":["\u00e9\n\"","\ud83d\ude00"]}`},
		{name: "number for a string", body: `{"serverInstanceList":[{"serverInstanceNo":5}]}`, wantErr: true},
		{name: "truncated", body: `{"totalRows":1,"serverInstanceList":[`, wantErr: true},
		{name: "trailing garbage", body: `{"totalRows":1} x`, wantErr: true},
		{name: "a string for a number", body: `{"totalRows":"2"}`, wantErr: true},
		{name: "an object for a list", body: `{"serverInstanceList":{"a":1}}`, wantErr: true},
		{name: "a byte order mark", body: "\ufeff{}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got answer
			wantErr := json.Unmarshal([]byte(tt.body), &want)
			gotErr := DecodeAnswer([]byte(tt.body), &got)
			if (wantErr != nil) != tt.wantErr || (gotErr != nil) != tt.wantErr {
				t.Fatalf("errors: encoding/json %v, DecodeAnswer %v; want error %v", wantErr, gotErr, tt.wantErr)
			}
			if tt.wantErr {
				if gotErr.Error() != wantErr.Error() {
					t.Errorf("error %q, want encoding/json's %q", gotErr, wantErr)
				}
				return
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("DecodeAnswer differs from encoding/json (-want +got):\n%s", d)
			}
		})
	}
}

// TestDecodeFirstValueAsJSONDecoder: an answer read as gophercloud read it
// keeps json.Decoder's verdicts: data after the first value is ignored,
// and a page that ends early is io.ErrUnexpectedEOF (retried).
func TestDecodeFirstValueAsJSONDecoder(t *testing.T) {
	type page struct {
		Servers []struct{ ID string } `json:"servers"`
	}
	var got page
	if err := DecodeFirstValue([]byte(`{"servers":[{"id":"a"}]} trailing`), &got); err != nil || len(got.Servers) != 1 || got.Servers[0].ID != "a" {
		t.Errorf("trailing data: %+v, %v; want the first value", got, err)
	}
	if err := DecodeFirstValue([]byte(`{"servers":[{"id":"a"},`), &got); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut short: %v, want io.ErrUnexpectedEOF", err)
	}
}
