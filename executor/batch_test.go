package executor

import (
	"context"
	"errors"
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
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// fakeBatcher is a fakeProvider whose cloud creates up to max alike members
// of a count group in one call and names them GROUP-00K, as NCP does.
type fakeBatcher struct {
	*fakeProvider
	max     int
	batchF  func(req providers.CreateServersRequest) error
	batches [][]string // member names of each batch call
	// predict and named, when set, are the names the plan expects and
	// the names the cloud gives (both GROUP-00K otherwise).
	predict, named func(s *providers.ServerSpec, first int) string
}

func (f *fakeBatcher) ServerBatchSize(s *providers.ServerSpec, n int) int {
	if s.Network.IP != "" {
		return 1
	}
	return min(n, f.max)
}

func (f *fakeBatcher) BatchMemberName(s *providers.ServerSpec, first int) string {
	if f.predict != nil {
		return f.predict(s, first)
	}
	return fmt.Sprintf("%s-%03d", s.Group, s.Index)
}

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
		name := fmt.Sprintf("%s-%03d", s.Group, s.Index)
		if f.named != nil {
			name = f.named(s, first.Index)
		}
		res.Created = append(res.Created, providers.CreatedServer{ID: "id-" + s.Address().String(), Name: name})
	}
	return res, nil
}

// countPlan is the plan the planner makes for members first..last of count
// group web on provider p (an NHN cloud, which attaches volumes in a step
// of their own), batched as prov allows; edit changes a member's spec.
func countPlan(t testing.TB, prov providers.ServerBatchSizer, first, last int, edit func(*spec.Server)) *planner.Plan {
	t.Helper()
	f := &spec.Fleet{Version: 1, Name: "shop", Providers: map[string]*spec.Provider{"p": {Name: "p", Type: spec.ProviderNHNCloud, Region: "KR1"}}}
	g := &spec.ServerGroup{Name: "web", Count: last, Counted: true}
	f.Groups = append(f.Groups, g)
	for k := first; k <= last; k++ {
		s := &spec.Server{Name: fmt.Sprintf("web-%d", k), Group: "web", Index: k, Provider: "p", Image: "ubuntu", Type: "m2.c4m8",
			Zone: "kr-pub-a", Network: spec.Network{Subnet: "net", SecurityGroups: []string{"default"}}, Power: spec.PowerRunning,
			RootVolume: &spec.RootVolume{Size: 50, Type: "General SSD"}}
		if edit != nil {
			edit(s)
		}
		f.Servers = append(f.Servers, s)
	}
	p, diags := planner.Build(planner.Input{Fleet: f, Batchers: map[string]providers.ServerBatchSizer{"p": prov}})
	if diags.HasErrors() {
		t.Fatalf("plan: %v", diags)
	}
	return p
}

// batchesOf lists the plan's batch creates as "first..last" member names.
func batchesOf(p *planner.Plan) []string {
	var out []string
	for _, a := range p.Actions {
		if a.IsBatch() {
			out = append(out, a.BatchMembers()[0].Server.Name+".."+a.BatchMembers()[len(a.BatchMembers())-1].Server.Name)
		}
	}
	slices.Sort(out)
	return out
}

func TestCountGroupIsCreatedInBatches(t *testing.T) {
	b := &memBackend{}
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3}
	plan := countPlan(t, prov, 1, 8, func(s *spec.Server) {
		if s.Index == 5 {
			s.Type = "m2.c8m16" // not alike: goes alone and splits the run
		}
	})
	if got, want := batchesOf(plan), []string{"web-1..web-3", "web-6..web-8"}; !slices.Equal(got, want) {
		t.Fatalf("the plan batches %v, want %v", got, want)
	}
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
	res, err := Apply(context.Background(), Options{Plan: plan, Providers: map[string]providers.Provider{"p": prov},
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
	if got, want := res.Tally.String(), "Apply complete: 8 created, 6 renamed."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
}

// TestWalkMakesTheCallsThePlanLists: every mutating call of an apply is
// one of the plan's actions, and every action that calls the cloud makes
// exactly one call: a batch create one for all its members, each rename
// one. Volumes of batch members wait for their server's rename.
func TestWalkMakesTheCallsThePlanLists(t *testing.T) {
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 4}
	plan := countPlan(t, prov, 1, 11, func(s *spec.Server) {
		if s.Index == 6 {
			s.Network.IP = "10.0.0.6" // a fixed IP goes alone
		}
		s.Volumes = []spec.Volume{{Name: "data", Size: 10, Type: "General SSD"}}
	})
	if got, want := batchesOf(plan), []string{"web-1..web-4", "web-7..web-10"}; !slices.Equal(got, want) {
		t.Fatalf("the plan batches %v, want %v", got, want)
	}
	var volDeps []string
	for _, a := range plan.Actions {
		if a.Kind == addrs.KindVolume && a.Type == planner.Create {
			volDeps = append(volDeps, a.DependsOn...)
		}
	}
	if !slices.Contains(volDeps, "rename server/web-1") || !slices.Contains(volDeps, "create server/web-[1-4]") {
		t.Errorf("volume creates depend on %v, want their batch and their server's rename", volDeps)
	}
	var members, byAction []string
	renames := 0
	for _, a := range plan.Actions {
		switch {
		case a.IsBatch():
			byAction = append(byAction, "batch "+a.BatchMembers()[0].Server.Name+".."+a.BatchMembers()[len(a.BatchMembers())-1].Server.Name)
			for _, m := range a.BatchMembers() {
				members = append(members, m.Address.String())
			}
		case a.Type == planner.Create:
			byAction = append(byAction, "create "+a.Address.String())
		case a.Type == planner.Rename:
			renames++
			byAction = append(byAction, "update "+a.Address.String()+" rename "+a.NewAddress().String())
		case a.Type == planner.Attach:
			byAction = append(byAction, "update "+a.Address.String()+" attach id-"+a.Attachment.ServerAddr.String())
		default:
			t.Fatalf("unexpected action %s", a.ID)
		}
	}
	if len(members) != 8 || renames != 8 {
		t.Errorf("%d members, %d renames, want 8 and 8", len(members), renames)
	}
	res, err := Apply(context.Background(), Options{Plan: plan, Providers: map[string]providers.Provider{"p": prov},
		Backend: &memBackend{}, State: &state.State{}, Parallelism: 3, Observer: &recorder{}})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	var made []string
	for _, c := range prov.calls() {
		if !strings.HasPrefix(c, "wait ") {
			made = append(made, c)
		}
	}
	slices.Sort(made)
	slices.Sort(byAction)
	if !slices.Equal(made, byAction) {
		t.Errorf("calls made:\n%s\nthe plan lists:\n%s", strings.Join(made, "\n"), strings.Join(byAction, "\n"))
	}
	if got, want := res.Tally.String(), "Apply complete: 22 created, 8 renamed, 11 attached."; got != want {
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
			res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 3, nil), Providers: map[string]providers.Provider{"p": prov},
				Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			// One action failed, the batch create: its three servers
			// failed, and their renames did not run.
			if len(res.Failed) != 1 || res.Tally.String() != "Apply: 3 failed, 3 skipped." {
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
	res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 3, nil), Providers: map[string]providers.Provider{"p": prov},
		Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Address != addrs.Server("web-2") || res.Failed[0].ActionID != "rename server/web-2" {
		t.Fatalf("failed %v, want web-2 alone", res.Failed)
	}
	r := b.stored(t).Lookup(addrs.Server("web-2"))
	if r == nil || r.ID != "id-server/web-2" || r.Server.Name != "web-002" {
		t.Errorf("web-2 recorded as %+v, want its id under the cloud's name web-002", r)
	}
}

// TestBatchMemberThatDoesNotComeUp: a member that does not reach running
// fails its batch create, and what waits for it being up (its volume's
// create and attach) is skipped; its rename went once it was recorded, as
// a server created alone was renamed before its wait. The members that
// came up are recorded, count as created, leave no intent, and go on as if
// each had been created alone: renamed, their volumes attached. The failed
// one keeps its id and its intent.
func TestBatchMemberThatDoesNotComeUp(t *testing.T) {
	b := &memBackend{}
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3}
	prov.WaitF = func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		if req.Address == "server/web-2" {
			return providers.WaitResponse{}, errors.New("went to ERROR")
		}
		return providers.WaitResponse{}, nil
	}
	withVolume := func(s *spec.Server) { s.Volumes = []spec.Volume{{Name: "data", Size: 10, Type: "General SSD"}} }
	res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 3, withVolume), Providers: map[string]providers.Provider{"p": prov},
		Backend: b, State: &state.State{}, Parallelism: 2, Observer: &recorder{}})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if len(res.Failed) != 1 || res.Failed[0].ActionID != "create server/web-[1-3]" || !strings.Contains(res.Failed[0].Err.Error(), "server/web-2") {
		t.Fatalf("failed %v, want the batch create, naming web-2", res.Failed)
	}
	if got, want := res.Tally.String(), "Apply: 4 created, 3 renamed, 2 attached, 1 failed, 2 skipped."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
	st := b.stored(t)
	for k := 1; k <= 3; k++ {
		addr := fmt.Sprintf("server/web-%d", k)
		r := st.Lookup(addrs.MustParse(addr))
		if r == nil || r.ID != "id-"+addr {
			t.Fatalf("%s recorded as %+v", addr, r)
		}
		name := fmt.Sprintf("web-%d", k) // web-2 too: renamed before its build failed
		if r.Server.Name != name {
			t.Errorf("%s recorded as named %s, want %s", addr, r.Server.Name, name)
		}
	}
	if len(st.Intents) != 1 || st.Intents[0].Address != addrs.Server("web-2") || st.Intents[0].Action != "create server/web-2" {
		t.Errorf("intents %+v, want web-2's create alone", st.Intents)
	}
}

// TestBatchesStartAtTheLowestIndex: plans list servers by address (web-10
// before web-2, web-100 before web-21), yet batches are runs from the
// group's lowest index, so 120 members take six calls of 20.
func TestBatchesStartAtTheLowestIndex(t *testing.T) {
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 20}
	res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 120, nil), Providers: map[string]providers.Provider{"p": prov},
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
// with instant calls, batched 20 at a time (500 batch creates and 10,000
// renames, as the planner plans them for NCP's names) or not at all (a
// provider that batches none of them, as the default does for NCP members
// 1-99): the executor's own cost, per apply. The servers are as small as
// before the planner decided batches, so the figures compare.
//
//	go test -run '^$' -bench WalkCountGroup -benchtime 3x ./executor
func BenchmarkWalkCountGroup(b *testing.B) {
	for _, most := range []int{20, 1} {
		b.Run(fmt.Sprintf("batches-of-%d", most), func(b *testing.B) {
			plan := newPlan(handBatched(10000, most)...)
			b.ResetTimer()
			for range b.N {
				prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: most}
				res, err := Apply(context.Background(), Options{Plan: plan, Providers: map[string]providers.Provider{"p": prov},
					Backend: &memBackend{lastOnly: true}, State: &state.State{}, Parallelism: 10})
				if err != nil || !res.Tally.OK() {
					b.Fatalf("apply: %v %s", err, res.Tally)
				}
			}
		})
	}
}

// handBatched is what the planner plans for members 1..n of group web
// (createServer's small servers) on a cloud that creates size per call and
// names them web-00K: batch creates, each member renamed after its batch.
func handBatched(n, size int) []planner.Action {
	var out []planner.Action
	for first := 1; first <= n; first += size {
		last := min(first+size-1, n)
		var members []planner.BatchMember
		for k := first; k <= last; k++ {
			a := createServer(fmt.Sprintf("web-%d", k))
			a.Create.Server.Group, a.Create.Server.Index = "web", k
			if size == 1 {
				out = append(out, a)
				continue
			}
			members = append(members, planner.BatchMember{Address: a.Address, Server: a.Create.Server})
		}
		if size == 1 {
			continue
		}
		id := fmt.Sprintf("create server/web-[%d-%d]", first, last)
		out = append(out, planner.Action{ID: id, Type: planner.Create, Kind: addrs.KindServer,
			Address: providers.GroupAddress("web", first, last), Provider: "p", Group: "web", Create: &planner.CreateParams{Members: members}})
		for _, m := range members {
			out = append(out, planner.Action{ID: "rename " + m.Address.String(), Type: planner.Rename, Kind: addrs.KindServer,
				Address: m.Address, Provider: "p", Rename: &planner.RenameParams{NewName: m.Server.Name, NewAddress: m.Address}, DependsOn: []string{id}})
		}
	}
	return out
}
