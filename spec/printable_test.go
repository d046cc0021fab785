package spec

import "testing"

func TestPrintable(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"plain":             {"web-1", "web-1"},
		"tab kept":          {"a\tb", "a\tb"},
		"hangul kept":       {"웹서버", "웹서버"},
		"right-to-left":     {"we\u202eb", `we\u202eb`},
		"isolate":           {"\u2066x\u2069", `\u2066x\u2069`},
		"zero width space":  {"web\u200b", `web\u200b`},
		"byte order mark":   {"\ufeffname", `\ufeffname`},
		"control character": {"n\x01cp", `n\u0001cp`},
		"C1 control":        {"a\u0085b", `a\u0085b`},
		"invalid UTF-8":     {"ca\xfe", `ca\xfe`},
		"tag character":     {"a\U000E0041", `a\U000e0041`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Printable(tc.in); got != tc.want {
				t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
