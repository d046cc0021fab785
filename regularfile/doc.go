// Package regularfile guards every path fleet reads: fleet files and their
// directories, public_key_file, state, saved plans and simulator data. A
// named pipe, socket or device there is refused at once with its name and
// kind, instead of hanging on an open or a read that never ends.
//
// It only checks and reads; it never writes (see atomicfile).
package regularfile
