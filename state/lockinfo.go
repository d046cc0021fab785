package state

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"
)

// ErrLockLost: the lock this process took was broken (fleet unlock --force,
// or the PostgreSQL session holding it died), so it must stop writing.
var ErrLockLost = errors.New("the state lock was lost")

// NewLockInfo describes this process as a lock holder for operation (apply,
// plan, destroy, import, state rm) run by fleet version.
func NewLockInfo(operation, version string) LockInfo {
	host, _ := os.Hostname()
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	} else if env := os.Getenv("USER"); env != "" {
		name = env
	}
	return LockInfo{
		Operation: operation,
		Who:       name + "@" + host,
		Host:      host,
		PID:       os.Getpid(),
		Version:   version,
		Created:   time.Now().UTC().Truncate(time.Second),
	}
}

// complete gives a lock about to be taken its id and path, and fills what the
// caller left out from this process, so a holder is always named.
func complete(info LockInfo, path string) LockInfo {
	self := NewLockInfo(info.Operation, info.Version)
	if info.Who == "" {
		info.Who = self.Who
	}
	if info.Host == "" {
		info.Host = self.Host
	}
	if info.PID == 0 {
		info.PID = self.PID
	}
	if info.Created.IsZero() {
		info.Created = self.Created
	}
	info.ID = newUUID()
	info.Path = path
	info.Stale = false
	return info
}

// unknownHolder stands for a lock that is held while its info is missing:
// taken a moment ago and not yet described, or described by a file or row
// someone removed.
func unknownHolder(path string) *LockInfo {
	return &LockInfo{Path: path, Operation: "unknown", Who: "unknown (no lock info)"}
}

// DescribeLock renders info as the "Lock Info:" block fleet prints when a
// lock is in the way (a lock error, fleet unlock).
func DescribeLock(info *LockInfo) string {
	if info == nil {
		return "Lock Info:\n  (not locked)\n"
	}
	var b strings.Builder
	b.WriteString("Lock Info:\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-10s %s\n", k+":", v)
		}
	}
	row("ID", info.ID)
	row("Path", info.Path)
	row("Operation", info.Operation)
	row("Who", info.Who)
	if info.PID > 0 {
		row("PID", fmt.Sprint(info.PID))
	}
	row("Version", info.Version)
	if !info.Created.IsZero() {
		row("Created", info.Created.UTC().Format(time.RFC3339))
	}
	if info.Stale {
		fmt.Fprintf(&b, "  The holding process is gone: this lock is stale.\n")
	}
	return b.String()
}
