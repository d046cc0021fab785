package spec

import (
	"fmt"
	"strings"
)

// Address kinds.
const (
	KindServer  = "server"
	KindVolume  = "volume"
	KindKeypair = "keypair"
	KindImage   = "image"
)

// ParseAddress splits a state address into its kind and name:
// server/NAME, keypair/NAME and image/NAME give NAME; volume/SERVER/NAME
// gives "SERVER/NAME".
func ParseAddress(addr string) (kind, name string, err error) {
	kind, name, ok := strings.Cut(addr, "/")
	if !ok {
		return "", "", fmt.Errorf("address %q: want KIND/NAME, such as server/web-1", addr)
	}
	parts := strings.Split(name, "/")
	switch kind {
	case KindServer, KindKeypair, KindImage:
		if len(parts) != 1 {
			return "", "", fmt.Errorf("address %q: want %s/NAME with no further /", addr, kind)
		}
	case KindVolume:
		if len(parts) != 2 {
			return "", "", fmt.Errorf("address %q: want volume/SERVER/NAME", addr)
		}
	default:
		return "", "", fmt.Errorf("address %q: unknown kind %q (want server, volume, keypair or image)", addr, kind)
	}
	for _, p := range parts {
		if p == "" {
			return "", "", fmt.Errorf("address %q: empty name", addr)
		}
	}
	return kind, name, nil
}
