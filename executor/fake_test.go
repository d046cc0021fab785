package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// fakeProvider is a providers.Provider made of function fields; a nil
// field does the obvious thing instantly. It counts mutating calls in
// flight and logs every call.
type fakeProvider struct {
	CreateF    func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error)
	UpdateF    func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error)
	DeleteF    func(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error)
	WaitF      func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error)
	InventoryF func(ctx context.Context, req providers.InventoryRequest) (providers.InventoryResponse, error)

	// before, when set, runs inside every mutating call (counted as in
	// flight) with the address it acts on.
	before func(op, address string)

	mu       sync.Mutex
	inFlight int
	maxIn    int
	log      []string // "create server/web-1", "wait server/web-1 running", ...
}

var _ providers.Provider = (*fakeProvider)(nil)

func (f *fakeProvider) enter(entry, op, address string) {
	f.mu.Lock()
	f.log = append(f.log, entry)
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	f.mu.Unlock()
	if f.before != nil {
		f.before(op, address)
	}
}

func (f *fakeProvider) leave() {
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
}

func (f *fakeProvider) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

func (f *fakeProvider) Inventory(ctx context.Context, req providers.InventoryRequest) (providers.InventoryResponse, error) {
	if f.InventoryF != nil {
		return f.InventoryF(ctx, req)
	}
	return providers.InventoryResponse{}, nil
}

func (f *fakeProvider) Create(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
	f.enter("create "+req.Owner.Address, "create", req.Owner.Address)
	defer f.leave()
	if f.CreateF != nil {
		return f.CreateF(ctx, req)
	}
	return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
}

func (f *fakeProvider) Update(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
	f.enter("update "+req.Address+" "+updateWhat(req), "update", req.Address)
	defer f.leave()
	if f.UpdateF != nil {
		return f.UpdateF(ctx, req)
	}
	return providers.UpdateResponse{}, nil
}

func updateWhat(req providers.UpdateRequest) string {
	switch c := req.Change.(type) {
	case providers.Resize:
		return "resize " + c.Type
	case providers.PowerChange:
		return "power " + string(c.To)
	case providers.Attach:
		return "attach " + c.ServerID
	case providers.Detach:
		return "detach " + c.ServerID
	case providers.Rename:
		return "rename " + c.Owner.Address
	case providers.Protect:
		return fmt.Sprintf("protect %v", c.On)
	case providers.SecurityGroups:
		return fmt.Sprintf("security-groups %v", c.Names)
	case providers.Metadata:
		return fmt.Sprintf("metadata %v", c.Values)
	case providers.ExtendVolume:
		return fmt.Sprintf("extend %d", c.Size)
	}
	return "nothing"
}

func (f *fakeProvider) Delete(ctx context.Context, req providers.DeleteRequest) (providers.DeleteResponse, error) {
	f.enter("delete "+req.Address+" "+req.ID, "delete", req.Address)
	defer f.leave()
	if f.DeleteF != nil {
		return f.DeleteF(ctx, req)
	}
	return providers.DeleteResponse{}, nil
}

func (f *fakeProvider) Wait(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
	f.mu.Lock()
	f.log = append(f.log, fmt.Sprintf("wait %s %s", req.Address, req.Target))
	f.mu.Unlock()
	if f.WaitF != nil {
		return f.WaitF(ctx, req)
	}
	return providers.WaitResponse{}, nil
}

// memBackend is an in-memory state.Backend that keeps every document it
// stored, as JSON, so tests can replay the history of the state.
type memBackend struct {
	mu       sync.Mutex
	writes   [][]byte // every stored document, in order
	failAt   int      // when > 0, the failAt-th write fails (the serial is the number of stored writes)
	written  int
	lastOnly bool
}

var _ state.Backend = (*memBackend)(nil)

func (b *memBackend) Read(ctx context.Context) (*state.State, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.writes) == 0 {
		return &state.State{}, nil
	}
	return decodeState(b.writes[len(b.writes)-1])
}

func (b *memBackend) Write(ctx context.Context, s *state.State) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.written++
	if b.written == b.failAt {
		return fmt.Errorf("disk full")
	}
	serial, lineage := uint64(len(b.writes)), "lineage-1"
	if s.Serial != serial {
		return fmt.Errorf("write at serial %d, stored %d: %w", s.Serial, serial, state.ErrSerialConflict)
	}
	c := *s
	c.Serial, c.Lineage = serial+1, lineage
	data, err := json.Marshal(&c)
	if err != nil {
		return err
	}
	if b.lastOnly && len(b.writes) > 0 {
		b.writes[len(b.writes)-1] = nil // benchmarks: keep the count, not the history
	}
	b.writes = append(b.writes, data)
	s.Serial, s.Lineage = c.Serial, c.Lineage
	return nil
}

// stored returns the last stored document (an empty one before any write).
func (b *memBackend) stored(t testing.TB) *state.State {
	t.Helper()
	s, err := b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// history decodes every stored document.
func (b *memBackend) history(t testing.TB) []*state.State {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*state.State
	for _, data := range b.writes {
		s, err := decodeState(data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func decodeState(data []byte) (*state.State, error) {
	var s state.State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("stored state does not parse: %w", err)
	}
	return &s, nil
}

func (b *memBackend) Lock(ctx context.Context, info state.LockInfo) (string, error) {
	return "lock", nil
}
func (b *memBackend) Unlock(ctx context.Context, id string) error         { return nil }
func (b *memBackend) Holder(ctx context.Context) (*state.LockInfo, error) { return nil, nil }
func (b *memBackend) ForceUnlock(ctx context.Context) error               { return nil }

// recorder is an Observer that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) Observe(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// of returns the events of the given kind, in order.
func (r *recorder) of(kind EventKind) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, ev := range r.events {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}
