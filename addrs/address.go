package addrs

import (
	"fmt"
	"strings"
)

// Address names one managed resource. Server is the server a volume
// belongs to (empty for every other kind); Name is the resource's own name:
// the server's, the volume's within its server, the keypair's, the image's.
// The zero Address is no address: it prints and marshals as "".
type Address struct {
	Kind   Kind
	Server string
	Name   string
}

// Server is the address server/NAME.
func Server(name string) Address { return Address{Kind: KindServer, Name: name} }

// Volume is the address volume/SERVER/NAME of a server's volume.
func Volume(server, name string) Address {
	return Address{Kind: KindVolume, Server: server, Name: name}
}

// Keypair is the address keypair/NAME.
func Keypair(name string) Address { return Address{Kind: KindKeypair, Name: name} }

// Image is the address image/NAME.
func Image(name string) Address { return Address{Kind: KindImage, Name: name} }

// IsZero reports whether a is no address.
func (a Address) IsZero() bool { return a == Address{} }

// String is the address's text: server/web-1, volume/web-1/data, ...
func (a Address) String() string {
	switch {
	case a.IsZero():
		return ""
	case a.Kind == KindVolume:
		return string(a.Kind) + "/" + a.Server + "/" + a.Name
	default:
		return string(a.Kind) + "/" + a.Name
	}
}

// ServerName is the name of the server a is or belongs to: NAME for
// server/NAME and volume/NAME/x, "" for other kinds.
func (a Address) ServerName() string {
	switch a.Kind {
	case KindServer:
		return a.Name
	case KindVolume:
		return a.Server
	}
	return ""
}

// ServerAddress is the server a is or belongs to (server/NAME for
// server/NAME and volume/NAME/x); ok is false for other kinds.
func (a Address) ServerAddress() (Address, bool) {
	if n := a.ServerName(); n != "" {
		return Server(n), true
	}
	return Address{}, false
}

// VolumeOf is the address of the volume called name on the server a,
// which must be a server address.
func (a Address) VolumeOf(name string) Address { return Volume(a.Name, name) }

// Renamed is a as it reads once the server from is renamed to the server
// to: from itself becomes to, a volume of from becomes the same volume of
// to. ok is false when a is neither.
func (a Address) Renamed(from, to Address) (Address, bool) {
	switch {
	case from.Kind != KindServer || to.Kind != KindServer:
		return a, false
	case a == from:
		return to, true
	case a.Kind == KindVolume && a.Server == from.Name:
		return Volume(to.Name, a.Name), true
	}
	return a, false
}

// Compare orders addresses as their text sorts (the order of the state
// file and of every list of addresses fleet prints), without building the
// text: state lookups and the planner's sorts compare often.
func Compare(a, b Address) int {
	switch {
	case a.Kind != b.Kind:
		// No kind is a prefix of another, so the kinds decide alone.
		return strings.Compare(string(a.Kind), string(b.Kind))
	case a.Server != b.Server:
		return compareBefore(a, b)
	}
	return strings.Compare(a.Name, b.Name)
}

// compareBefore orders two volume addresses of different servers: the
// text compares the servers, each followed by "/". Names hold no "/", so a
// server that is a prefix of the other sorts by "/" against the other's
// next byte; anything else falls back to the text itself.
func compareBefore(a, b Address) int {
	x, y := a.Server, b.Server
	n := min(len(x), len(y))
	if x[:n] != y[:n] {
		return strings.Compare(x[:n], y[:n])
	}
	switch {
	case len(x) < len(y) && y[n] != '/':
		return cmpByte('/', y[n])
	case len(y) < len(x) && x[n] != '/':
		return cmpByte(x[n], '/')
	}
	return strings.Compare(a.String(), b.String())
}

func cmpByte(x, y byte) int {
	if x < y {
		return -1
	}
	return 1
}

// Less is Compare(a, b) < 0.
func (a Address) Less(b Address) bool { return Compare(a, b) < 0 }

// Parse reads an address's text.
func Parse(text string) (Address, error) {
	kind, name, ok := strings.Cut(text, "/")
	if !ok {
		return Address{}, fmt.Errorf("address %q: want KIND/NAME, such as server/web-1", text)
	}
	parts := strings.Split(name, "/")
	switch Kind(kind) {
	case KindServer, KindKeypair, KindImage:
		if len(parts) != 1 {
			return Address{}, fmt.Errorf("address %q: want %s/NAME with no further /", text, kind)
		}
	case KindVolume:
		if len(parts) != 2 {
			return Address{}, fmt.Errorf("address %q: want volume/SERVER/NAME", text)
		}
	default:
		return Address{}, fmt.Errorf("address %q: unknown kind %q (want server, volume, keypair or image)", text, kind)
	}
	for _, p := range parts {
		if p == "" {
			return Address{}, fmt.Errorf("address %q: empty name", text)
		}
	}
	if Kind(kind) == KindVolume {
		return Volume(parts[0], parts[1]), nil
	}
	return Address{Kind: Kind(kind), Name: name}, nil
}

// MarshalText writes the address's text; the zero Address writes "".
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText wrote: "" is the zero Address.
func (a *Address) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*a = Address{}
		return nil
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// MustParse is Parse for text known to be an address (tests, fixtures); it
// panics on anything else.
func MustParse(text string) Address {
	a, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return a
}
