//go:build !unix

package regularfile

// openFlags: elsewhere there is no non-blocking open; Check before the open
// is the guard.
const openFlags = 0
