package addrs

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, text string
		want       Address
		err        string
	}{
		{name: "server", text: "server/web-1", want: Server("web-1")},
		{name: "volume", text: "volume/web-1/data", want: Volume("web-1", "data")},
		{name: "keypair", text: "keypair/deploy", want: Keypair("deploy")},
		{name: "image", text: "image/base", want: Image("base")},
		{name: "no kind", text: "web-1", err: `address "web-1": want KIND/NAME, such as server/web-1`},
		{name: "unknown kind", text: "disk/web-1", err: `address "disk/web-1": unknown kind "disk" (want server, volume, keypair or image)`},
		{name: "server with volume", text: "server/web-1/data", err: `address "server/web-1/data": want server/NAME with no further /`},
		{name: "volume without server", text: "volume/data", err: `address "volume/data": want volume/SERVER/NAME`},
		{name: "empty name", text: "server/", err: `address "server/": empty name`},
		{name: "empty volume", text: "volume/web-1/", err: `address "volume/web-1/": empty name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.text)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("Parse(%q) error = %v, want %q", tt.text, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %#v, %v; want %#v", tt.text, got, err, tt.want)
			}
			if got.String() != tt.text {
				t.Fatalf("String() = %q, want %q", got.String(), tt.text)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	web1, web9 := Server("web-1"), Server("web-9")
	tests := []struct {
		name       string
		addr       Address
		server     string
		renamed    Address
		wasRenamed bool
	}{
		{name: "the server", addr: web1, server: "web-1", renamed: web9, wasRenamed: true},
		{name: "its volume", addr: web1.VolumeOf("data"), server: "web-1", renamed: Volume("web-9", "data"), wasRenamed: true},
		{name: "another server", addr: Server("web-2"), server: "web-2", renamed: Server("web-2")},
		{name: "another server's volume", addr: Volume("web-10", "data"), server: "web-10", renamed: Volume("web-10", "data")},
		{name: "a keypair", addr: Keypair("web-1"), renamed: Keypair("web-1")},
		{name: "an image", addr: Image("web-1"), renamed: Image("web-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.addr.ServerName(); got != tt.server {
				t.Errorf("ServerName() = %q, want %q", got, tt.server)
			}
			srv, ok := tt.addr.ServerAddress()
			if ok != (tt.server != "") || (ok && srv != Server(tt.server)) {
				t.Errorf("ServerAddress() = %v, %v", srv, ok)
			}
			got, ok := tt.addr.Renamed(web1, web9)
			if got != tt.renamed || ok != tt.wasRenamed {
				t.Errorf("Renamed(web-1, web-9) = %v, %v; want %v, %v", got, ok, tt.renamed, tt.wasRenamed)
			}
		})
	}
}

func TestJSONKeepsTheText(t *testing.T) {
	type doc struct {
		A Address `json:"a"`
		B Address `json:"b,omitempty"`
	}
	in := doc{A: Volume("web-1", "data")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"volume/web-1/data","b":""}`; string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip = %#v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"disk/x"}`), &out); err == nil {
		t.Fatal("a bad address unmarshalled")
	}
}

func TestLessSortsAsText(t *testing.T) {
	// server/web-1 sorts before server/web-10 and volume/... after both,
	// as the strings did.
	a, b, c := Server("web-1"), Server("web-10"), Volume("web-1", "data")
	if !a.Less(b) || !b.Less(c) || c.Less(a) {
		t.Fatal("Less does not follow the text order")
	}
}

func TestCompareIsTheTextOrder(t *testing.T) {
	all := []Address{{}, Server("web-1"), Server("web-10"), Server("web-1x"), Server("web"), Volume("web-1", "data"),
		Volume("web-1", "data2"), Volume("web", "x"), Volume("web-1x", "a"), Volume("web.1", "a"), Volume("web0", "a"),
		Volume("we", "z"), Keypair("k"), Image("i"), Image("")}
	for _, a := range all {
		for _, b := range all {
			want := strings.Compare(a.String(), b.String())
			if got := Compare(a, b); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"server/web-1", "volume/web-1/data", "keypair/k", "image/i", "x", "volume//", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := Parse(text)
		if err != nil {
			return
		}
		if a.String() != text {
			t.Fatalf("Parse(%q).String() = %q", text, a.String())
		}
		b, err := Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("reparse of %q = %#v, %v", text, b, err)
		}
	})
}

func FuzzCompare(f *testing.F) {
	f.Add("volume/web/x", "volume/web-1/x")
	f.Add("server/a", "volume/a/b")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, errA := Parse(x)
		b, errB := Parse(y)
		if errA != nil || errB != nil {
			return
		}
		if got, want := Compare(a, b), strings.Compare(x, y); got != want {
			t.Fatalf("Compare(%q, %q) = %d, want %d", x, y, got, want)
		}
	})
}
