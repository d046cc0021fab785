package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// observerFunc is an Observer made of a function.
type observerFunc func(Event)

func (f observerFunc) Observe(ev Event) { f(ev) }

// TestBatchMemberRenamedBeforeTheOthersAreUp: a batch member's rename goes
// once the member is recorded, not once every member of its batch is up,
// as a server created alone was renamed right after its call. No member
// comes up here until web-1's rename is stored; each wait then reports the
// server under the cloud's name, as a poll made before the rename would,
// and the state keeps the declared names all the same.
func TestBatchMemberRenamedBeforeTheOthersAreUp(t *testing.T) {
	renamed := make(chan struct{})
	var once sync.Once
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 3}
	prov.WaitF = func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		select {
		case <-renamed:
		case <-time.After(10 * time.Second):
			return providers.WaitResponse{}, errors.New("still building: web-1's rename never came")
		}
		addr := addrs.MustParse(req.Address)
		var k int
		fmt.Sscanf(addr.Name, "web-%d", &k)
		return providers.WaitResponse{Server: &providers.Server{ID: req.ID, Name: fmt.Sprintf("web-%03d", k), Type: "m2.c4m8"}}, nil
	}
	b := &memBackend{}
	obs := observerFunc(func(ev Event) {
		if ev.Kind == ActionSucceeded && ev.ActionID == "rename server/web-1" {
			once.Do(func() { close(renamed) })
		}
	})
	res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 3, nil), Providers: map[string]providers.Provider{"p": prov},
		Backend: b, State: &state.State{}, Parallelism: 2, Observer: obs})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	if got, want := res.Tally.String(), "Apply complete: 3 created, 3 renamed."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
	st := b.stored(t)
	for k := 1; k <= 3; k++ {
		addr := addrs.Server(fmt.Sprintf("web-%d", k))
		r := st.Lookup(addr)
		if r == nil || r.Server == nil || r.Server.Name != addr.Name || r.Server.Type != "m2.c4m8" {
			t.Errorf("%s recorded as %+v, want its declared name and what its wait saw", addr, r)
		}
	}
	if len(st.Intents) != 0 {
		t.Errorf("intents left: %+v", st.Intents)
	}
}
