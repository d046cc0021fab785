package state

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// FormatVersion is the version of the state document's JSON layout.
const FormatVersion = 1

// State is the document fleet keeps between runs.
type State struct {
	Version   int        `json:"version"`
	Lineage   string     `json:"lineage"` // fixed when the state is first written
	Serial    uint64     `json:"serial"`  // grows by one on every write
	Fleet     string     `json:"fleet"`
	Resources []Resource `json:"resources"`         // sorted by Address
	Intents   []Intent   `json:"intents,omitempty"` // mutating calls started but not recorded as finished
}

// Resource maps one address to its cloud id and what fleet last saw of it.
// Exactly one of the attribute pointers is set, matching Kind.
type Resource struct {
	Address  addrs.Address      `json:"address"`
	Kind     addrs.Kind         `json:"kind"`
	Provider string             `json:"provider"` // provider name in the fleet file
	ID       string             `json:"id"`
	Server   *providers.Server  `json:"server,omitempty"`
	Volume   *providers.Volume  `json:"volume,omitempty"`
	Image    *providers.Image   `json:"image,omitempty"`
	Keypair  *providers.Keypair `json:"keypair,omitempty"`

	// Declared holds values of the fleet file as they were when fleet
	// created the resource, by attribute path ("user_data" as its sha256,
	// "billing", "network.subnet", ...): the ones the cloud does not report
	// back, which the planner compares with the file instead. Never secret
	// text. Empty for resources an older fleet created, or adopted with no
	// create intent of this fleet to take it from (Intent.Declared).
	Declared map[string]string `json:"declared,omitempty"`

	// Stuck is set when an apply waited --wait-timeout for the resource to
	// settle and the cloud never finished it; a plan that still finds it in
	// transition shows it as stuck. It is cleared once fleet sees it settle.
	Stuck *Stuck `json:"stuck,omitempty"`
}

// Stuck records a wait that gave up.
type Stuck struct {
	Status string    `json:"status"` // the cloud's status when fleet gave up
	Waited string    `json:"waited"` // how long fleet waited: the --wait-timeout, e.g. "1h0m0s"
	At     time.Time `json:"at"`     // when it gave up
}

// Intent records a mutating call before it is made, so that a crash leaves
// evidence the next plan reports and reconciles.
type Intent struct {
	Action   string        `json:"action"` // the plan action id
	Address  addrs.Address `json:"address"`
	Provider string        `json:"provider"`
	Op       string        `json:"op"` // create, update, delete
	Started  time.Time     `json:"started"`
	// Declared is what a create records with its resource
	// (Resource.Declared), kept here too: a crash after the cloud made
	// the resource but before the state recorded it must not lose it, or
	// the adopted resource would never be compared with the file again.
	Declared map[string]string `json:"declared,omitempty"`
}

// Lookup returns the resource at address, or nil.
func (s *State) Lookup(address addrs.Address) *Resource {
	i := sort.Search(len(s.Resources), func(i int) bool { return addrs.Compare(s.Resources[i].Address, address) >= 0 })
	if i < len(s.Resources) && s.Resources[i].Address == address {
		return &s.Resources[i]
	}
	return nil
}

// Put inserts or replaces the resource at r.Address, keeping the order.
func (s *State) Put(r Resource) {
	i := sort.Search(len(s.Resources), func(i int) bool { return addrs.Compare(s.Resources[i].Address, r.Address) >= 0 })
	if i < len(s.Resources) && s.Resources[i].Address == r.Address {
		s.Resources[i] = r
		return
	}
	s.Resources = append(s.Resources, Resource{})
	copy(s.Resources[i+1:], s.Resources[i:])
	s.Resources[i] = r
}

// Remove deletes the resource at address; it reports whether one was there.
func (s *State) Remove(address addrs.Address) bool {
	i := sort.Search(len(s.Resources), func(i int) bool { return addrs.Compare(s.Resources[i].Address, address) >= 0 })
	if i < len(s.Resources) && s.Resources[i].Address == address {
		s.Resources = append(s.Resources[:i], s.Resources[i+1:]...)
		return true
	}
	return false
}

// Backend stores the state document and guards it with a lock.
//
// Read returns an empty State (Serial 0, no lineage) when nothing was stored
// yet. Write stores s with Serial one above the stored serial; it fails with
// an error wrapping ErrSerialConflict when the stored serial is no longer the
// one s was read at (s.Serial), so two writers never lose an update. On
// success s.Serial is the new serial and s.Lineage is set.
type Backend interface {
	Read(ctx context.Context) (*State, error)
	Write(ctx context.Context, s *State) error
	Locker
}

// Locker is the exclusive lock of a backend.
//
// Lock waits until the lock is free or ctx ends; it then fails with a
// *LockError naming the holder. Unlock releases a lock this process holds.
// Holder reads the lock info without taking it (nil when free); ForceUnlock
// removes a lock whatever holds it (fleet unlock).
type Locker interface {
	Lock(ctx context.Context, info LockInfo) (id string, err error)
	Unlock(ctx context.Context, id string) error
	Holder(ctx context.Context) (*LockInfo, error)
	ForceUnlock(ctx context.Context) error
}

// LockInfo says who holds a lock.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"` // apply, plan, destroy, import, state rm
	Who       string    `json:"who"`       // user@host
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	Version   string    `json:"version"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path"`
	Stale     bool      `json:"-"` // the holding process is gone (reported, not stored)
}

// LockError is returned when the lock is held by someone else.
type LockError struct {
	Info *LockInfo
	Err  error
}

func (e *LockError) Error() string {
	if e.Info == nil {
		return fmt.Sprintf("state is locked: %v", e.Err)
	}
	stale := ""
	if e.Info.Stale {
		stale = " (stale: that process is gone)"
	}
	return fmt.Sprintf("state is locked by %s (pid %d, operation %s, since %s)%s",
		e.Info.Who, e.Info.PID, e.Info.Operation, e.Info.Created.UTC().Format(time.RFC3339), stale)
}

func (e *LockError) Unwrap() error { return e.Err }

// ErrSerialConflict: the stored state changed since it was read.
var ErrSerialConflict = errors.New("state serial conflict")
