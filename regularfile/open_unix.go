//go:build unix

package regularfile

import "syscall"

// openFlags makes an open of a named pipe return at once instead of waiting
// for a writer; on a regular file O_NONBLOCK changes nothing.
const openFlags = syscall.O_NONBLOCK
