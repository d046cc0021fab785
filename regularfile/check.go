package regularfile

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
)

// Error says that a path is not a regular file (or directory, where one is
// allowed).
type Error struct {
	Path string
	Kind string // "named pipe (FIFO)", "socket", "character device", ...
	Want string // "a regular file" or "a regular file or a directory"
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s is a %s, not %s", e.Path, e.Kind, e.Want)
}

// Kind names the kind of file m describes, as people call it.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}

// Check stats path (following symbolic links) and returns an *Error unless
// it is a regular file, or a directory when dirOK. A missing path returns
// the *fs.PathError of os.Stat.
func Check(path string, dirOK bool) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	m := fi.Mode()
	if m.IsRegular() || dirOK && m.IsDir() {
		return fi, nil
	}
	want := "a regular file"
	if dirOK {
		want = "a regular file or a directory"
	}
	return fi, &Error{Path: path, Kind: Kind(m), Want: want}
}

// Open opens path for reading after Check: it refuses what is not a regular
// file before an open that could block (a FIFO without a writer).
func Open(path string) (*os.File, error) {
	if _, err := Check(path, false); err != nil {
		return nil, err
	}
	return openRegular(path)
}

// openRegular opens path without blocking (openFlags) and keeps it only if
// what is open is a regular file: the path may have been swapped for a
// named pipe after Check, and a blocking open of a pipe waits for a writer.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, &Error{Path: path, Kind: Kind(fi.Mode()), Want: "a regular file"}
	}
	return f, nil
}

// ReadFile is os.ReadFile through Open: like it, it reads into a buffer
// of the file's size, where io.ReadAll's doubling copied a 10,000-server
// state file about twenty times.
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(f)
	return buf.Bytes(), err
}
