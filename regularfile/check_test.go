//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fleet.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer ln.Close()
	regular := filepath.Join(dir, "ok.yaml")
	os.WriteFile(regular, []byte("x"), 0o600)
	link := filepath.Join(dir, "link.yaml")
	os.Symlink(fifo, link)

	tests := map[string]struct {
		path, kind string // kind "" means readable
	}{
		"regular file":      {regular, ""},
		"named pipe":        {fifo, "named pipe (FIFO)"},
		"symlink to a pipe": {link, "named pipe (FIFO)"},
		"socket":            {sock, "socket"},
		"character device":  {"/dev/null", "character device"},
		"directory":         {dir, "directory"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := ReadFile(tc.path); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(2 * time.Second):
				t.Fatalf("ReadFile(%s) hangs", tc.path)
			}
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("ReadFile: %v", err)
				}
				return
			}
			var re *Error
			if !errors.As(err, &re) || re.Kind != tc.kind || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("ReadFile(%s) = %v, want an *Error naming it a %s", tc.path, err, tc.kind)
			}
		})
	}
	if _, err := Check(dir, true); err != nil {
		t.Errorf("Check(dir, dirOK) = %v", err)
	}
	if _, err := Check(filepath.Join(dir, "missing"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Check(missing) = %v, want fs.ErrNotExist", err)
	}
}

// TestOpenRegularDoesNotBlock: the open after Check does not wait for a
// writer when the path became a named pipe in between.
func TestOpenRegularDoesNotBlock(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fleet.lock")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openRegular(fifo)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		var re *Error
		if !errors.As(err, &re) || re.Kind != "named pipe (FIFO)" {
			t.Fatalf("openRegular(fifo) = %v, want a named pipe *Error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("openRegular waits for a writer on a named pipe")
	}
}
