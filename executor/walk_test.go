package executor

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// jitter sleeps up to max, so goroutines interleave differently each run.
func jitter(max time.Duration) {
	time.Sleep(time.Duration(rand.Int64N(int64(max))))
}

func TestApplyRespectsEdges(t *testing.T) {
	// Two servers, each with a volume created after it and attached after
	// both exist; a third server waits for the first attachment.
	p := newPlan(
		createServer("a"),
		createServer("b"),
		createVolume("a", "data", "create server/a"),
		createVolume("b", "data", "create server/b"),
		attachVolume("a", "data", "create server/a", "create volume/a/data"),
		attachVolume("b", "data", "create server/b", "create volume/b/data"),
		createServer("c", "attach volume/a/data"),
	)
	var mu sync.Mutex
	var order []string // "call ADDR", "done ADDR" (target reached)
	prov := &fakeProvider{
		before: func(op, addr string) {
			mu.Lock()
			order = append(order, "call "+addr)
			mu.Unlock()
			jitter(2 * time.Millisecond)
		},
		WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
			jitter(3 * time.Millisecond)
			mu.Lock()
			order = append(order, "done "+req.Address+" "+string(req.Target))
			mu.Unlock()
			return providers.WaitResponse{}, nil
		},
	}
	r := applyWith(t, context.Background(), p, prov, nil, nil, 4)
	if r.err != nil || len(r.res.Failed) > 0 {
		t.Fatalf("apply: %v %v", r.err, r.res.Failed)
	}
	pos := func(entry string) int {
		i := slices.Index(order, entry)
		if i < 0 {
			t.Fatalf("%q never happened: %q", entry, order)
		}
		return i
	}
	// A dependant's first call comes after each dependency reached its target.
	edges := map[string]struct{ before, after string }{
		"volume a after server a": {"done server/a running", "call volume/a/data"},
		"volume b after server b": {"done server/b running", "call volume/b/data"},
		"attach a after volume a": {"done volume/a/data idle", "call volume/a/data"},
		"server c after attach a": {"done volume/a/data attached", "call server/c"},
		"attach b after volume b": {"done volume/b/data idle", "call volume/b/data"},
		"server c after server a": {"done server/a running", "call server/c"},
		"attach a after server a": {"done server/a running", "done volume/a/data attached"},
	}
	for name, e := range edges {
		t.Run(name, func(t *testing.T) {
			// The last call on the dependant's address follows the dependency.
			last := -1
			for i, o := range order {
				if o == e.after {
					last = i
				}
			}
			if b := pos(e.before); last < b {
				t.Errorf("%q at %d, before %q at %d: %q", e.after, last, e.before, b, order)
			}
		})
	}
	if got, want := r.res.Tally.String(), "Apply complete: 5 created, 2 attached."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
}

func TestParallelismCapsProviderCalls(t *testing.T) {
	for _, n := range []int{1, 3, 10} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var actions []planner.Action
			for i := range 40 {
				actions = append(actions, createServer(fmt.Sprintf("web-%d", i+1)))
			}
			prov := &fakeProvider{before: func(string, string) { time.Sleep(2 * time.Millisecond) }}
			r := applyWith(t, context.Background(), newPlan(actions...), prov, nil, nil, n)
			if r.err != nil {
				t.Fatal(r.err)
			}
			// Both ways: never above the cap, and the cap is actually used.
			if prov.maxIn != n {
				t.Errorf("at most %d calls in flight, want exactly %d", prov.maxIn, n)
			}
		})
	}
}

func TestWaitsDoNotHoldSlots(t *testing.T) {
	const servers, build = 1000, time.Second
	var actions []planner.Action
	for i := range servers {
		actions = append(actions, createServer(fmt.Sprintf("web-%d", i+1)))
	}
	var mu sync.Mutex
	waiting, peak := 0, 0
	prov := &fakeProvider{WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		mu.Lock()
		waiting++
		peak = max(peak, waiting)
		mu.Unlock()
		time.Sleep(build)
		mu.Lock()
		waiting--
		mu.Unlock()
		return providers.WaitResponse{}, nil
	}}
	start := time.Now()
	r := applyWith(t, context.Background(), newPlan(actions...), prov, nil, nil, 10)
	took := time.Since(start)
	if r.err != nil || r.res.Tally.Succeeded[planner.Create] != servers {
		t.Fatalf("apply: %v, %s", r.err, r.res.Tally)
	}
	// Holding a slot per wait would take servers/10 × build = 100s, with
	// never more than 10 builds at once.
	if took > 50*time.Second { // half of the 100s a slot per wait would need; generous for -race on a loaded machine
		t.Errorf("1,000 builds of %s took %s with parallelism 10", build, took)
	}
	if peak < 100 {
		t.Errorf("at most %d servers were waited on at once, want hundreds", peak)
	}
}

func TestFailureSkipsDependantsAndFinishesTheRest(t *testing.T) {
	p := newPlan(
		createServer("a"),
		createVolume("a", "data", "create server/a"),
		attachVolume("a", "data", "create server/a", "create volume/a/data"),
		createServer("b"),
		createVolume("b", "data", "create server/b"),
		createServer("c", "attach volume/a/data", "create server/b"),
	)
	boom := &providers.APIError{Provider: "ncloud", Operation: "createServerInstances", Status: 400, Code: "1000", Message: "quota exceeded"}
	prov := &fakeProvider{CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
		if req.Owner.Address == "server/a" {
			return providers.CreateResponse{}, boom
		}
		return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
	}}
	r := applyWith(t, context.Background(), p, prov, nil, nil, 10)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if diff := cmp.Diff([]Failure{{ActionID: "create server/a", Address: addrs.Server("a"), Type: planner.Create, Code: "1000", Err: boom}}, r.res.Failed,
		cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if got, want := r.res.Tally.String(), "Apply: 2 created, 1 failed, 3 skipped."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
	var skipped []string
	for _, ev := range r.events.of(ActionSkipped) {
		skipped = append(skipped, ev.ActionID+" <- "+ev.Cause)
	}
	slices.Sort(skipped)
	want := []string{
		"attach volume/a/data <- create server/a",
		"create server/c <- create server/a",
		"create volume/a/data <- create server/a",
	}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	for _, c := range prov.calls() {
		if strings.Contains(c, "server/c") || strings.Contains(c, "volume/a") {
			t.Errorf("skipped action called the provider: %s", c)
		}
	}
	st := r.backend.stored(t)
	if st.Lookup(addrs.Server("b")) == nil || st.Lookup(addrs.Volume("b", "data")) == nil || st.Lookup(addrs.Server("a")) != nil {
		t.Errorf("stored state has %v, want server/b and volume/b/data only", addresses(st.Resources))
	}
	if len(st.Intents) != 0 {
		t.Errorf("a refused create left intents %v", st.Intents)
	}
}

func TestAnUncertainCallLeavesItsIntent(t *testing.T) {
	// A timeout or a 5xx after retries may or may not have created the
	// server: the intent stays for the next plan to reconcile.
	prov := &fakeProvider{CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
		return providers.CreateResponse{}, &providers.APIError{Provider: "nhncloud", Operation: "POST /servers", Status: 503, Retryable: true}
	}}
	r := applyWith(t, context.Background(), newPlan(createServer("a"), createServer("b", "create server/a")), prov, nil, nil, 10)
	if r.err != nil || len(r.res.Failed) != 1 {
		t.Fatalf("apply: %v, %v", r.err, r.res.Failed)
	}
	st := r.backend.stored(t)
	if len(st.Intents) != 1 || st.Intents[0].Action != "create server/a" || st.Intents[0].Op != "create" {
		t.Errorf("stored intents %+v, want the create of server/a", st.Intents)
	}
}

func TestApplyRefuses(t *testing.T) {
	blocked := serverAction(planner.Delete, "db")
	blocked.Blocked = "server/db is protected"
	other := createServer("x")
	other.Provider = "nowhere"
	replaced := serverAction(planner.Delete, "web")
	replaced.ID, replaced.Replace = "delete server/web (replaced)", true
	tests := map[string]struct {
		plan *planner.Plan
		want string
	}{
		"blocked": {
			newPlan(createServer("a"), blocked),
			"the plan has blocked actions and cannot be applied:\ndelete server/db: server/db is protected",
		},
		"unknown provider": {newPlan(other), `invalid plan: action create server/x: provider "nowhere" is not configured`},
		"unknown dependency": {
			newPlan(createServer("a", "create server/zz")),
			`invalid plan: action create server/a depends on unknown action "create server/zz"`,
		},
		"cycle": {
			newPlan(createServer("c", "create server/b"), createServer("b", "create server/a"), createServer("a", "create server/c"), createServer("d", "create server/a")),
			"invalid plan: dependency cycle: create server/a → create server/c → create server/b → create server/a",
		},
		"replace without the old id": {
			newPlan(replaced),
			"invalid plan: action delete server/web (replaced): the old half of a replace needs its cloud id",
		},
		"resize without its parameters": {
			newPlan(planner.Action{ID: "resize server/a", Type: planner.Resize, Kind: addrs.KindServer, Address: addrs.Server("a"), Provider: "p"}),
			"invalid plan: action resize server/a: resize without its resize parameters",
		},
		"resize without a type": {
			newPlan(planner.Action{ID: "resize server/a", Type: planner.Resize, Kind: addrs.KindServer, Address: addrs.Server("a"), Provider: "p",
				Resize: &planner.ResizeParams{}}),
			"invalid plan: action resize server/a: resize without the new type",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			prov := &fakeProvider{}
			r := applyWith(t, context.Background(), tt.plan, prov, nil, nil, 10)
			if r.err == nil || r.err.Error() != tt.want {
				t.Errorf("error %q, want %q", r.err, tt.want)
			}
			if c := prov.calls(); len(c) > 0 {
				t.Errorf("refused plan made calls %q", c)
			}
			if h := r.backend.history(t); len(h) > 0 {
				t.Errorf("refused plan wrote the state %d times", len(h))
			}
		})
	}
}

func TestApplyRefusesAStalePlan(t *testing.T) {
	b := &memBackend{}
	st := existing(t, b, map[string]string{"a": "1"})
	p := newPlan(serverAction(planner.Stop, "a"))
	p.StateSerial, p.StateLineage = 0, ""
	_, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": &fakeProvider{}}, Backend: b, State: st})
	want := "the plan was made from state serial 0, but the state is at serial 1: it changed since"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func addresses(rs []stateResource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Address.String()+"="+r.ID)
	}
	return out
}
