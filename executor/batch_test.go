package executor

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// fakeBatcher is a fakeProvider whose cloud creates up to max alike members
// of a count group in one call and names them GROUP-00K, as NCP does.
type fakeBatcher struct {
	*fakeProvider
	max     int
	batchF  func(req providers.CreateServersRequest) error
	batches [][]string // member names of each batch call
}

func (f *fakeBatcher) ServerBatchSize(s *providers.ServerSpec, n int) int { return min(n, f.max) }

func (f *fakeBatcher) CreateServers(ctx context.Context, req providers.CreateServersRequest) (providers.CreateServersResponse, error) {
	first, last := req.Servers[0], req.Servers[len(req.Servers)-1]
	f.mu.Lock()
	var names []string
	for _, s := range req.Servers {
		names = append(names, s.Name)
	}
	f.batches = append(f.batches, names)
	f.mu.Unlock()
	f.enter(fmt.Sprintf("batch %s..%s", first.Name, last.Name), "create", first.Address().String())
	defer f.leave()
	if f.batchF != nil {
		if err := f.batchF(req); err != nil {
			return providers.CreateServersResponse{}, err
		}
	}
	var res providers.CreateServersResponse
	for _, s := range req.Servers {
		res.Created = append(res.Created, providers.CreatedServer{ID: "id-" + s.Address().String(), Name: fmt.Sprintf("%s-%03d", s.Group, s.Index)})
	}
	return res, nil
}

// countGroup is the create actions of members first..last of group web;
// edit changes a member's spec.
func countGroup(first, last int, edit func(*providers.ServerSpec)) []planner.Action {
	var out []planner.Action
	for k := first; k <= last; k++ {
		a := createServer(fmt.Sprintf("web-%d", k))
		a.Server.Group, a.Server.Index = "web", k
		if edit != nil {
			edit(a.Server)
		}
		out = append(out, a)
	}
	return out
}

func TestCountGroupIsCreatedInBatches(t *testing.T) {
	acts := countGroup(1, 8, func(s *providers.ServerSpec) {
		if s.Index == 5 {
			s.Type = "s4" // not alike: goes alone and splits the run
		}
	})
	b := &memBackend{}
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3}
	var mu sync.Mutex
	var missing []string
	var first sync.Once
	prov.before = func(op, addr string) {
		// The first call lingers so that every other create is queued for
		// the one slot before any rename can be: the queue, not goroutine
		// timing, must order them.
		first.Do(func() { time.Sleep(50 * time.Millisecond) })
		if op != "create" {
			return
		}
		// Every member of the call has its intent stored before it.
		have := map[string]bool{}
		for _, in := range b.stored(t).Intents {
			have[in.Address.String()] = in.Op == "create"
		}
		prov.mu.Lock()
		batch := []string{strings.TrimPrefix(addr, "server/")}
		if strings.HasPrefix(prov.log[len(prov.log)-1], "batch ") {
			batch = prov.batches[len(prov.batches)-1]
		}
		prov.mu.Unlock()
		for _, n := range batch {
			if !have["server/"+n] {
				mu.Lock()
				missing = append(missing, n)
				mu.Unlock()
			}
		}
	}
	res, err := Apply(context.Background(), Options{Plan: newPlan(acts...), Providers: map[string]providers.Provider{"p": prov},
		Backend: b, State: &state.State{}, Parallelism: 1, Observer: &recorder{}})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	if len(missing) > 0 {
		t.Errorf("no intent stored before the call for %v", missing)
	}
	want := [][]string{{"web-1", "web-2", "web-3"}, {"web-6", "web-7", "web-8"}}
	slices.SortFunc(prov.batches, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	if !slices.EqualFunc(prov.batches, want, slices.Equal) {
		t.Errorf("batches %v, want %v", prov.batches, want)
	}
	calls := prov.calls()
	lastCreate, firstRename := -1, len(calls)
	for i, c := range calls {
		switch {
		case strings.HasPrefix(c, "batch ") || strings.HasPrefix(c, "create "):
			lastCreate = i
		case strings.Contains(c, " rename "):
			firstRename = min(firstRename, i)
		}
	}
	if lastCreate > firstRename {
		t.Errorf("a rename went out before the last create: %q", calls)
	}
	for _, single := range []string{"create server/web-4", "create server/web-5"} {
		if !slices.Contains(calls, single) {
			t.Errorf("%q not created on its own: %q", single, calls)
		}
	}
	st := b.stored(t)
	if len(st.Intents) != 0 {
		t.Errorf("intents left: %+v", st.Intents)
	}
	for k := 1; k <= 8; k++ {
		name := fmt.Sprintf("web-%d", k)
		r := st.Lookup(addrs.Server(name))
		if r == nil || r.ID != "id-server/"+name || r.Server.Name != name {
			t.Errorf("state for %s: %+v", name, r)
		}
		renamed := slices.Contains(calls, "update server/"+name+" rename server/"+name)
		if batched := k <= 3 || k >= 6; renamed != batched {
			t.Errorf("%s renamed %v, want %v (batch members only): %q", name, renamed, batched, calls)
		}
	}
	if got, want := res.Tally.String(), "Apply complete: 8 created."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
}

func TestBatchCallFailure(t *testing.T) {
	tests := map[string]struct {
		err         error
		wantIntents int
	}{
		"refused: nothing was created": {
			err:         &providers.APIError{Status: http.StatusBadRequest, Message: "bad spec"},
			wantIntents: 0,
		},
		"uncertain: the cloud may have created them": {
			err:         &providers.APIError{Status: http.StatusBadGateway, Retryable: true, Message: "gateway"},
			wantIntents: 3,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &memBackend{}
			prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3, batchF: func(providers.CreateServersRequest) error { return tc.err }}
			res, err := Apply(context.Background(), Options{Plan: newPlan(countGroup(1, 3, nil)...), Providers: map[string]providers.Provider{"p": prov},
				Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if len(res.Failed) != 3 || res.Tally.String() != "Apply: 3 failed." {
				t.Fatalf("tally %s, failed %v", res.Tally, res.Failed)
			}
			if !strings.Contains(res.Failed[0].Err.Error(), "create web-1, web-2, web-3 in one call") {
				t.Errorf("error %q does not name the batch", res.Failed[0].Err)
			}
			if n := len(b.stored(t).Intents); n != tc.wantIntents {
				t.Errorf("%d intents stored, want %d", n, tc.wantIntents)
			}
			if len(prov.batches) != 1 {
				t.Errorf("%d batch calls, want 1", len(prov.batches))
			}
		})
	}
}

// TestBatchRenameFailureKeepsTheServer: a member whose rename fails is
// recorded under its cloud name and fails; the next plan renames it.
func TestBatchRenameFailureKeepsTheServer(t *testing.T) {
	b := &memBackend{}
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3}
	var once sync.Once
	prov.UpdateF = func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
		var err error
		if req.Address == "server/web-2" {
			once.Do(func() { err = &providers.APIError{Status: http.StatusConflict, Message: "busy"} })
		}
		return providers.UpdateResponse{}, err
	}
	res, err := Apply(context.Background(), Options{Plan: newPlan(countGroup(1, 3, nil)...), Providers: map[string]providers.Provider{"p": prov},
		Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Address != addrs.Server("web-2") {
		t.Fatalf("failed %v, want web-2 alone", res.Failed)
	}
	r := b.stored(t).Lookup(addrs.Server("web-2"))
	if r == nil || r.ID != "id-server/web-2" || r.Server.Name != "web-002" {
		t.Errorf("web-2 recorded as %+v, want its id under the cloud's name web-002", r)
	}
}

// TestBatchesStartAtTheLowestIndex: plans list servers by address (web-10
// before web-2, web-100 before web-21), yet batches are runs from the
// group's lowest index, so 120 members take six calls of 20.
func TestBatchesStartAtTheLowestIndex(t *testing.T) {
	acts := countGroup(1, 120, nil)
	slices.SortFunc(acts, func(a, b planner.Action) int { return strings.Compare(a.Address.String(), b.Address.String()) })
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 20}
	res, err := Apply(context.Background(), Options{Plan: newPlan(acts...), Providers: map[string]providers.Provider{"p": prov},
		Backend: &memBackend{}, State: &state.State{}, Parallelism: 4, Observer: &recorder{}})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	var got []string
	for _, b := range prov.batches {
		got = append(got, b[0]+".."+b[len(b)-1])
	}
	slices.Sort(got)
	want := []string{"web-1..web-20", "web-101..web-120", "web-21..web-40", "web-41..web-60", "web-61..web-80", "web-81..web-100"}
	if !slices.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}

// BenchmarkWalkCountGroup walks the creates of one 10,000-member count group
// with instant calls, batched 20 at a time or not at all (a provider that
// batches none of them, as the default does for NCP members 1-99): the
// executor's own cost of finding batches, per apply.
//
//	go test -run '^$' -bench WalkCountGroup -benchtime 3x ./executor
func BenchmarkWalkCountGroup(b *testing.B) {
	acts := countGroup(1, 10000, nil)
	slices.SortFunc(acts, func(a, b planner.Action) int { return strings.Compare(a.Address.String(), b.Address.String()) })
	for _, most := range []int{20, 1} {
		b.Run(fmt.Sprintf("batches-of-%d", most), func(b *testing.B) {
			for range b.N {
				prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: most}
				res, err := Apply(context.Background(), Options{Plan: newPlan(acts...), Providers: map[string]providers.Provider{"p": prov},
					Backend: &memBackend{lastOnly: true}, State: &state.State{}, Parallelism: 10})
				if err != nil || !res.Tally.OK() {
					b.Fatalf("apply: %v %s", err, res.Tally)
				}
			}
		})
	}
}
