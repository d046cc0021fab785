package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/regularfile"
)

// pathGuard serializes, within this process, everything that touches one
// state path's lock files, and remembers the locks this process holds there.
// flock(2) only excludes other open files, so without it two goroutines
// could interleave a lock with a write, or a write would wait on a lock its
// own process holds.
type pathGuard struct {
	mu    sync.Mutex
	locks map[string]*flock.Flock // lock id → the held lock file
}

var guards = struct {
	sync.Mutex
	m map[string]*pathGuard
}{m: map[string]*pathGuard{}}

// guardFor returns the one guard of path in this process.
func guardFor(path string) *pathGuard {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	guards.Lock()
	defer guards.Unlock()
	g := guards.m[key]
	if g == nil {
		g = &pathGuard{locks: map[string]*flock.Flock{}}
		guards.m[key] = g
	}
	return g
}

// sameFile reports whether fl still locks the file at path: fleet unlock
// --force breaks a live lock by unlinking the lock file, after which the old
// holder's flock guards nothing.
func sameFile(fl *flock.Flock, path string) bool {
	held, err := fl.Stat()
	if err != nil {
		return false
	}
	cur, err := os.Stat(path)
	return err == nil && os.SameFile(held, cur)
}

// lockFreeWait bounds how long a write made without the state lock waits
// for the lock file: other such writes hold it for milliseconds, so a longer
// wait means a run holds the state lock, and waiting out a whole apply would
// look like a hang.
var lockFreeWait = 10 * time.Second // a test shortens it

// exclusive runs fn while no other process can lock or write the state:
// under this process's lock when it holds one, else under a brief flock of
// the lock file, waiting for it up to lockFreeWait or until ctx ends.
func (l *Local) exclusive(ctx context.Context, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, lockFreeWait)
	defer cancel()
	b := backoff.Backoff{Policy: backoff.Locks}
	for {
		done, err := l.tryExclusive(fn)
		if done {
			return err
		}
		if werr := b.Wait(ctx, 0); werr != nil {
			holder, _ := l.Holder(context.WithoutCancel(ctx))
			return &LockError{Info: holder, Err: werr}
		}
	}
}

func (l *Local) tryExclusive(fn func() error) (done bool, err error) {
	g := l.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.locks) > 0 {
		for _, fl := range g.locks {
			if sameFile(fl, l.lockPath()) {
				return true, fn()
			}
		}
		return true, ErrLockLost
	}
	fl := flock.New(l.lockPath())
	ok, err := fl.TryLock()
	if err != nil {
		return true, fmt.Errorf("lock %s: %w", l.lockPath(), err)
	}
	if !ok {
		return false, nil
	}
	defer fl.Unlock()
	if !sameFile(fl, l.lockPath()) {
		return false, nil
	}
	return true, fn()
}

// Lock takes the state lock (see Locker), retrying with backoff until ctx
// ends. The kernel drops a flock when its process dies, so a crashed run
// never keeps the state locked; only its info file stays, reported stale.
func (l *Local) Lock(ctx context.Context, info LockInfo) (string, error) {
	info = complete(info, l.path)
	b := backoff.Backoff{Policy: backoff.Locks}
	for {
		ok, err := l.tryLock(info)
		if err != nil {
			return "", err
		}
		if ok {
			return info.ID, nil
		}
		if werr := b.Wait(ctx, 0); werr != nil {
			holder, _ := l.Holder(context.WithoutCancel(ctx))
			return "", &LockError{Info: holder, Err: werr}
		}
	}
}

func (l *Local) tryLock(info LockInfo) (bool, error) {
	g := l.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	fl := flock.New(l.lockPath())
	ok, err := fl.TryLock()
	if err != nil {
		return false, fmt.Errorf("lock %s: %w", l.lockPath(), err)
	}
	if !ok {
		return false, nil
	}
	if !sameFile(fl, l.lockPath()) {
		fl.Unlock()
		return false, nil
	}
	// Every write happens under this flock, so no temp file is in use now:
	// any left are from a writer killed mid-write.
	l.removeLeftovers()
	data, err := json.MarshalIndent(&info, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(l.infoPath(), append(data, '\n'), 0o600)
	}
	if err != nil {
		fl.Unlock()
		return false, fmt.Errorf("write lock info %s: %w", l.infoPath(), err)
	}
	g.locks[info.ID] = fl
	return true, nil
}

// removeLeftovers deletes temp files of writes that a crash interrupted
// (atomicfile); the info file's start with the state file's name too.
// Failing to is harmless, so errors are ignored.
func (l *Local) removeLeftovers() {
	dir := filepath.Dir(l.path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if name := e.Name(); atomicfile.IsTemp(l.path, name) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// Unlock releases the lock id that this process holds. It refuses any other
// id, and reports ErrLockLost when the lock was broken meanwhile.
func (l *Local) Unlock(ctx context.Context, id string) error {
	g := l.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	fl, ok := g.locks[id]
	if !ok {
		return fmt.Errorf("unlock %s: lock %q is not held by this process", l.path, id)
	}
	delete(g.locks, id)
	defer fl.Unlock()
	// The info goes before the flock: once the flock is free the next holder
	// may write its own info, which must not be removed here.
	info, err := l.readInfo()
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	if info != nil && info.ID == id {
		if err := os.Remove(l.infoPath()); err != nil {
			return fmt.Errorf("unlock %s: %w", l.path, err)
		}
	}
	if !sameFile(fl, l.lockPath()) {
		return fmt.Errorf("unlock %s: %w", l.path, ErrLockLost)
	}
	return nil
}

// Holder reads the lock info without taking the lock; nil when free. The
// info is Stale when the lock file is no longer flocked (its process died)
// or its pid is not alive on this host.
func (l *Local) Holder(ctx context.Context) (*LockInfo, error) {
	l.guard.mu.Lock()
	defer l.guard.mu.Unlock()
	return l.holderLocked()
}

func (l *Local) holderLocked() (*LockInfo, error) {
	info, err := l.readInfo()
	if err != nil {
		return nil, err
	}
	free, err := l.lockFree()
	if err != nil {
		return nil, err
	}
	if info == nil {
		if free {
			return nil, nil
		}
		return unknownHolder(l.path), nil
	}
	host, _ := os.Hostname()
	info.Stale = free || (info.Host == host && !processAlive(info.PID))
	return info, nil
}

// lockFree reports whether nobody flocks the lock file. A missing file is
// free; probing does not create it.
func (l *Local) lockFree() (bool, error) {
	if _, err := os.Stat(l.lockPath()); errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	fl := flock.New(l.lockPath())
	ok, err := fl.TryLock()
	if err != nil {
		return false, fmt.Errorf("probe lock %s: %w", l.lockPath(), err)
	}
	if ok {
		fl.Unlock()
	}
	return ok, nil
}

func (l *Local) readInfo() (*LockInfo, error) {
	data, err := regularfile.ReadFile(l.infoPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lock info %s: %w", l.infoPath(), err)
	}
	var info LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("read lock info %s: %w", l.infoPath(), err)
	}
	return &info, nil
}

// ForceUnlock removes the lock whatever holds it (fleet unlock). A stale
// lock only leaves its info file behind. A live holder's flock cannot be
// taken from it, so the lock file is unlinked instead: the next Lock creates
// a fresh one, and the old holder finds its lock lost (ErrLockLost) at its
// next write instead of racing the new holder.
func (l *Local) ForceUnlock(ctx context.Context) error {
	l.guard.mu.Lock()
	defer l.guard.mu.Unlock()
	info, err := l.holderLocked()
	if err != nil || info == nil {
		return err
	}
	if !info.Stale {
		if err := os.Remove(l.lockPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("force unlock %s: %w", l.path, err)
		}
	}
	if err := os.Remove(l.infoPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("force unlock %s: %w", l.path, err)
	}
	return nil
}
