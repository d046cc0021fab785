package state

import (
	"crypto/rand"
	"fmt"
)

// newUUID returns a random (version 4) UUID for lineages and lock ids.
func newUUID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error and always fills b (Go 1.24+).
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
