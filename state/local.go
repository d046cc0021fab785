package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/regularfile"
)

// Local keeps the state in one JSON file (fleet.lock by default) beside two
// sidecars: "<path>.lk", which is only ever flock(2)ed, never renamed, so the
// lock survives the state file being replaced; and "<path>.lock.info", which
// names the holder.
type Local struct {
	path  string
	guard *pathGuard
}

var _ Backend = (*Local)(nil)

// NewLocal returns the backend for the state file at path. When path is a
// symbolic link, the state is its target's: writes replace the target (a
// rename over the link would replace the link), and the lock sidecars sit
// beside the target, so every link to one state shares one lock.
func NewLocal(path string) *Local {
	path = followLinks(path)
	return &Local{path: path, guard: guardFor(path)}
}

// followLinks resolves the symbolic links of path's last element, dangling
// ones included (the first write creates the target).
func followLinks(path string) string {
	for range 40 { // the kernel's own bound on links in a row
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path
		}
		target, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(target) {
			// The kernel reads a relative link from the directory the link
			// really sits in: through a linked directory, ".." is that
			// directory's target's parent, not the parent in path's spelling.
			dir := filepath.Dir(path)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			target = filepath.Join(dir, target)
		}
		path = target
	}
	return path
}

// Path is the state file.
func (l *Local) Path() string { return l.path }

func (l *Local) lockPath() string { return l.path + ".lk" }
func (l *Local) infoPath() string { return l.path + ".lock.info" }

// Read returns the stored state, or an empty one when the file is missing.
func (l *Local) Read(ctx context.Context) (*State, error) {
	s, err := l.readFile()
	if err != nil {
		return nil, err
	}
	if s == nil {
		return &State{Version: FormatVersion, Resources: []Resource{}}, nil
	}
	return s, nil
}

// readFile returns the stored state, or nil when the file does not exist.
func (l *Local) readFile() (*State, error) {
	data, err := regularfile.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", l.path, err)
	}
	s, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", l.path, err)
	}
	return s, nil
}

// Write stores s as the next serial (see Backend). The check of the stored
// serial and the rename happen under the lock file, so a writer in another
// process cannot slip in between; when this process holds the state lock
// that is already the case.
func (l *Local) Write(ctx context.Context, s *State) error {
	err := l.exclusive(ctx, func() error { return l.writeLocked(s) })
	if err != nil {
		return fmt.Errorf("write state %s: %w", l.path, err)
	}
	return nil
}

func (l *Local) writeLocked(s *State) error {
	cur, err := l.readFile()
	if err != nil {
		return err
	}
	var stored uint64
	if cur != nil {
		stored = cur.Serial
	}
	if stored != s.Serial {
		return fmt.Errorf("stored serial is %d, the state was read at %d: %w", stored, s.Serial, ErrSerialConflict)
	}
	next, data, err := nextWrite(s)
	if err != nil {
		return err
	}
	if cur != nil && cur.Lineage != "" && cur.Lineage != next.Lineage {
		return fmt.Errorf("lineage %s does not match the stored lineage %s: this is another state", next.Lineage, cur.Lineage)
	}
	if err := atomicfile.WriteFile(l.path, data, 0o600); err != nil {
		return err
	}
	s.Version, s.Serial, s.Lineage = FormatVersion, next.Serial, next.Lineage
	return nil
}
