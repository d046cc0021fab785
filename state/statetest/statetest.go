package statetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// lockWait is how long the suite lets a Lock wait for a held lock.
const lockWait = 300 * time.Millisecond

// Run runs the contract suite. newBackend returns a backend on a fresh,
// empty store each time it is called. The suite contends for the lock
// through one backend value: every Lock call is a holder of its own, so a
// second Lock on the same value waits just as one from another process would.
//
// Beyond the Backend doc, the suite holds backends to this: Lock fills the
// info's ID and Path; ForceUnlock breaks even a live lock, and its old
// holder then gets ErrLockLost from Write and Unlock instead of racing the
// next holder.
func Run(t *testing.T, newBackend func(t *testing.T) state.Backend) {
	tests := map[string]func(t *testing.T, b state.Backend){
		"empty read":                      testEmptyRead,
		"round trip":                      testRoundTrip,
		"serial grows by one":             testSerial,
		"lineage fixed":                   testLineage,
		"serial conflict loses nothing":   testSerialConflict,
		"concurrent writers":              testConcurrentWriters,
		"lock and unlock":                 testLockUnlock,
		"held lock waits then fails":      testLockWaits,
		"waiting lock proceeds on unlock": testLockProceeds,
		"unlock wrong id refused":         testUnlockWrongID,
		"ended context attempts once":     testLockNoWait,
		"force unlock":                    testForceUnlock,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, newBackend(t)) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func read(t *testing.T, b state.Backend) *state.State {
	t.Helper()
	s, err := b.Read(ctx(t))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return s
}

func write(t *testing.T, b state.Backend, s *state.State) {
	t.Helper()
	if err := b.Write(ctx(t), s); err != nil {
		t.Fatalf("write at serial %d: %v", s.Serial, err)
	}
}

func server(addr addrs.Address, id string) state.Resource {
	return state.Resource{
		Address:  addr,
		Kind:     addrs.KindServer,
		Provider: "sim",
		ID:       id,
		Server:   &providers.Server{ID: id, Name: addr.String(), Metadata: map[string]string{"role": "web"}, SecurityGroups: []string{"a", "b"}},
	}
}

func testEmptyRead(t *testing.T, b state.Backend) {
	s := read(t, b)
	if s.Serial != 0 || s.Lineage != "" || len(s.Resources) != 0 || len(s.Intents) != 0 {
		t.Errorf("empty store: got serial %d lineage %q %d resources %d intents, want an empty state",
			s.Serial, s.Lineage, len(s.Resources), len(s.Intents))
	}
	if s.Version != state.FormatVersion {
		t.Errorf("empty store: got version %d, want %d", s.Version, state.FormatVersion)
	}
}

func testRoundTrip(t *testing.T, b state.Backend) {
	s := read(t, b)
	started := time.Date(2026, 11, 22, 20, 1, 2, 0, time.UTC)
	s.Put(server(addrs.Server("web-2"), "i-2"))
	s.Put(server(addrs.Server("web-1"), "i-1"))
	s.Put(state.Resource{Address: addrs.Volume("web-1", "data"), Kind: addrs.KindVolume, Provider: "sim", ID: "v-1",
		Volume: &providers.Volume{ID: "v-1", Name: "data", Size: 20}})
	s.Intents = []state.Intent{{Action: "create server/web-3", Address: addrs.Server("web-3"), Provider: "sim", Op: "create", Started: started}}
	write(t, b, s)
	if s.Serial != 1 || s.Lineage == "" {
		t.Fatalf("after the first write: got serial %d lineage %q, want serial 1 and a lineage", s.Serial, s.Lineage)
	}
	got := read(t, b)
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("read after write (-wrote +read):\n%s", diff)
	}
}

func testSerial(t *testing.T, b state.Backend) {
	s := read(t, b)
	for want := uint64(1); want <= 3; want++ {
		s.Put(server(addrs.Server(fmt.Sprintf("web-%d", want)), fmt.Sprint(want)))
		write(t, b, s)
		if s.Serial != want {
			t.Fatalf("write %d: got serial %d, want %d", want, s.Serial, want)
		}
		if got := read(t, b); got.Serial != want || len(got.Resources) != int(want) {
			t.Fatalf("read after write %d: got serial %d with %d resources, want %d and %d", want, got.Serial, len(got.Resources), want, want)
		}
	}
}

func testLineage(t *testing.T, b state.Backend) {
	s := read(t, b)
	write(t, b, s)
	lineage := s.Lineage
	write(t, b, s)
	if s.Lineage != lineage {
		t.Fatalf("second write changed the lineage: got %q, want %q", s.Lineage, lineage)
	}
	foreign := read(t, b)
	foreign.Lineage = "00000000-0000-4000-8000-000000000000"
	foreign.Put(server(addrs.Server("intruder"), "x"))
	if err := b.Write(ctx(t), foreign); err == nil {
		t.Fatal("write with a foreign lineage: got success, want a refusal")
	}
	got := read(t, b)
	if got.Lineage != lineage || got.Serial != 2 || got.Lookup(addrs.Server("intruder")) != nil {
		t.Errorf("after the refused write: got lineage %q serial %d, want %q and 2 with nothing added", got.Lineage, got.Serial, lineage)
	}
}

func testSerialConflict(t *testing.T, b state.Backend) {
	base := read(t, b)
	write(t, b, base)
	first, second := read(t, b), read(t, b)
	first.Put(server(addrs.Server("first"), "1"))
	write(t, b, first)
	second.Put(server(addrs.Server("second"), "2"))
	err := b.Write(ctx(t), second)
	if !errors.Is(err, state.ErrSerialConflict) {
		t.Fatalf("second writer from the same read: got %v, want ErrSerialConflict", err)
	}
	if second.Serial != 1 {
		t.Errorf("a failed write changed the caller's serial to %d, want 1", second.Serial)
	}
	got := read(t, b)
	if got.Serial != 2 || got.Lookup(addrs.Server("first")) == nil || got.Lookup(addrs.Server("second")) != nil {
		t.Errorf("after the conflict: got serial %d with first=%v second=%v, want serial 2 with only the first writer's resource",
			got.Serial, got.Lookup(addrs.Server("first")) != nil, got.Lookup(addrs.Server("second")) != nil)
	}
}

// testConcurrentWriters: writers that re-read on conflict all land, once each.
func testConcurrentWriters(t *testing.T, b state.Backend) {
	const writers = 6
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ctx(t)
			for {
				s, err := b.Read(c)
				if err != nil {
					errs <- err
					return
				}
				s.Put(server(addrs.Server(fmt.Sprintf("w-%d", i)), fmt.Sprint(i)))
				err = b.Write(c, s)
				if errors.Is(err, state.ErrSerialConflict) {
					continue
				}
				if err != nil {
					errs <- err
				}
				return
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("writer: %v", err)
	}
	got := read(t, b)
	if got.Serial != writers || len(got.Resources) != writers {
		t.Errorf("after %d writers: got serial %d with %d resources, want %d and %d", writers, got.Serial, len(got.Resources), writers, writers)
	}
}

func lock(t *testing.T, b state.Backend, op string) string {
	t.Helper()
	id, err := b.Lock(ctx(t), state.NewLockInfo(op, "test"))
	if err != nil {
		t.Fatalf("lock: %v", err)
	}
	if id == "" {
		t.Fatal("lock returned an empty id")
	}
	return id
}

func unlock(t *testing.T, b state.Backend, id string) {
	t.Helper()
	if err := b.Unlock(ctx(t), id); err != nil {
		t.Fatalf("unlock: %v", err)
	}
}

func holder(t *testing.T, b state.Backend) *state.LockInfo {
	t.Helper()
	info, err := b.Holder(ctx(t))
	if err != nil {
		t.Fatalf("holder: %v", err)
	}
	return info
}

func testLockUnlock(t *testing.T, b state.Backend) {
	if info := holder(t, b); info != nil {
		t.Fatalf("fresh store: got holder %+v, want none", info)
	}
	id := lock(t, b, "apply")
	info := holder(t, b)
	if info == nil {
		t.Fatal("holder after lock: got none")
	}
	want := state.LockInfo{ID: id, Operation: "apply", PID: os.Getpid(), Version: "test"}
	got := state.LockInfo{ID: info.ID, Operation: info.Operation, PID: info.PID, Version: info.Version}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("holder (-want +got):\n%s", diff)
	}
	if info.Stale || info.Who == "" || info.Host == "" || info.Created.IsZero() || info.Path == "" {
		t.Errorf("holder %+v: want a live lock naming who, host, created and path", info)
	}
	// Writing under one's own lock works.
	write(t, b, read(t, b))
	unlock(t, b, id)
	if info := holder(t, b); info != nil {
		t.Errorf("holder after unlock: got %+v, want none", info)
	}
	unlock(t, b, lock(t, b, "apply")) // the lock can be taken again
}

func testLockWaits(t *testing.T, b state.Backend) {
	id := lock(t, b, "apply")
	defer unlock(t, b, id)
	c, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	start := time.Now()
	_, err := b.Lock(c, state.NewLockInfo("plan", "test"))
	elapsed := time.Since(start)
	var le *state.LockError
	if !errors.As(err, &le) {
		t.Fatalf("second lock: got %v, want a *LockError", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second lock: got %v, want it to wrap the context's deadline", err)
	}
	if le.Info == nil || le.Info.ID != id || le.Info.Operation != "apply" || le.Info.PID != os.Getpid() {
		t.Errorf("lock error names %+v, want the holder (id %s, apply, pid %d)", le.Info, id, os.Getpid())
	}
	if elapsed < lockWait-10*time.Millisecond {
		t.Errorf("second lock gave up after %v, want it to wait %v", elapsed, lockWait)
	}
}

// testLockNoWait: a zero lock timeout (an already ended context) still
// takes a free lock, and fails at once on a held one.
func testLockNoWait(t *testing.T, b state.Backend) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	id, err := b.Lock(done, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatalf("lock with an ended context on a free lock: %v", err)
	}
	defer unlock(t, b, id)
	start := time.Now()
	_, err = b.Lock(done, state.NewLockInfo("apply", "test"))
	var le *state.LockError
	if !errors.As(err, &le) || le.Info == nil || le.Info.ID != id {
		t.Fatalf("lock with an ended context on a held lock: got %v, want a *LockError naming %s", err, id)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("lock with an ended context took %v, want it to fail at once", elapsed)
	}
}

func testLockProceeds(t *testing.T, b state.Backend) {
	id := lock(t, b, "apply")
	const hold = 200 * time.Millisecond
	start := time.Now()
	go func() {
		time.Sleep(hold)
		if err := b.Unlock(context.Background(), id); err != nil {
			t.Errorf("unlock: %v", err)
		}
	}()
	second := lock(t, b, "apply")
	if elapsed := time.Since(start); elapsed < hold {
		t.Errorf("second lock taken after %v, before the first was released at %v", elapsed, hold)
	}
	unlock(t, b, second)
}

func testUnlockWrongID(t *testing.T, b state.Backend) {
	id := lock(t, b, "apply")
	defer unlock(t, b, id)
	if err := b.Unlock(ctx(t), "not-"+id); err == nil {
		t.Fatal("unlock with a wrong id: got success, want a refusal")
	}
	if info := holder(t, b); info == nil || info.ID != id {
		t.Errorf("after the refused unlock: got holder %+v, want the lock %s still held", info, id)
	}
}

func testForceUnlock(t *testing.T, b state.Backend) {
	if err := b.ForceUnlock(ctx(t)); err != nil {
		t.Fatalf("force unlock of a free lock: %v", err)
	}
	id := lock(t, b, "apply")
	if err := b.ForceUnlock(ctx(t)); err != nil {
		t.Fatalf("force unlock of a held lock: %v", err)
	}
	if info := holder(t, b); info != nil {
		t.Errorf("holder after force unlock: got %+v, want none", info)
	}
	// The holder whose lock was broken is stopped at its next write.
	if err := b.Write(ctx(t), read(t, b)); !errors.Is(err, state.ErrLockLost) {
		t.Errorf("write by the broken holder: got %v, want ErrLockLost", err)
	}
	c, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	next, err := b.Lock(c, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatalf("lock after force unlock: got %v, want it at once", err)
	}
	write(t, b, read(t, b))
	if err := b.Unlock(ctx(t), id); !errors.Is(err, state.ErrLockLost) {
		t.Errorf("unlock of the broken lock: got %v, want ErrLockLost", err)
	}
	unlock(t, b, next)
}
