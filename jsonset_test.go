package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// jsonSet edits a JSON file the way a person with an editor would, for
// scripts that tamper with a saved plan: jsonset FILE PATH VALUE sets the
// value at PATH to VALUE (JSON). PATH is dot-separated: an object key, an
// array index, or KEY=VALUE for the array element whose KEY is VALUE
// ("actions.id=create server/web.server.type"). The last key may be new.
func jsonSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonset FILE PATH VALUE")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	var doc, value any
	ts.Check(json.Unmarshal(data, &doc))
	if err := json.Unmarshal([]byte(args[2]), &value); err != nil {
		ts.Fatalf("jsonset: value %s is not JSON: %v", args[2], err)
	}
	segs := strings.Split(args[1], ".")
	at := doc
	for i, seg := range segs {
		last := i == len(segs)-1
		switch v := at.(type) {
		case map[string]any:
			if last {
				v[seg] = value
			} else {
				at = v[seg]
			}
		case []any:
			n := jsonIndex(ts, v, seg)
			if last {
				v[n] = value
			} else {
				at = v[n]
			}
		default:
			ts.Fatalf("jsonset: %s: %s is not an object or array", args[1], seg)
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(path, append(out, '\n'), 0o600))
}

// jsonIndex finds seg (an index, or KEY=VALUE) in an array.
func jsonIndex(ts *testscript.TestScript, arr []any, seg string) int {
	if n, err := strconv.Atoi(seg); err == nil && n >= 0 && n < len(arr) {
		return n
	}
	if key, want, ok := strings.Cut(seg, "="); ok {
		for i, e := range arr {
			if m, ok := e.(map[string]any); ok && m[key] == want {
				return i
			}
		}
	}
	ts.Fatalf("jsonset: no element %s", seg)
	return 0
}
