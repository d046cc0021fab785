package executor

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

func createServer(name string, deps ...string) planner.Action {
	return planner.Action{ID: "create server/" + name, Type: planner.Create, Kind: addrs.KindServer,
		Address: addrs.Server(name), Provider: "p", DependsOn: deps,
		Create: &planner.CreateParams{Server: &providers.ServerSpec{Name: name, Image: "ubuntu", Type: "s2", Zone: "kr-pub-a"}}}
}

func createVolume(server, name string, deps ...string) planner.Action {
	addr := addrs.Volume(server, name)
	return planner.Action{ID: "create " + addr.String(), Type: planner.Create, Kind: addrs.KindVolume,
		Address: addr, Provider: "p", DependsOn: deps,
		Create: &planner.CreateParams{Volume: &spec.Volume{Name: name, Size: 100, Type: "SSD"}, ServerAddr: addrs.Server(server)}}
}

func attachVolume(server, name string, deps ...string) planner.Action {
	addr := addrs.Volume(server, name)
	return planner.Action{ID: "attach " + addr.String(), Type: planner.Attach, Kind: addrs.KindVolume,
		Address: addr, Provider: "p", Attachment: &planner.AttachParams{ServerAddr: addrs.Server(server)}, DependsOn: deps}
}

// serverAction is a start, stop, resize, delete... of an existing server.
func serverAction(typ planner.ActionType, name string, deps ...string) planner.Action {
	a := planner.Action{ID: string(typ) + " server/" + name, Type: typ, Kind: addrs.KindServer,
		Address: addrs.Server(name), Provider: "p", DependsOn: deps}
	if typ == planner.Resize {
		a.Resize = &planner.ResizeParams{NewType: "s4"}
	}
	return a
}

// batched puts a in group's rollout batch.
func batched(a planner.Action, group string, batch int) planner.Action {
	a.Group, a.Batch = group, batch
	return a
}

func newPlan(actions ...planner.Action) *planner.Plan {
	return &planner.Plan{FormatVersion: planner.FormatVersion, Fleet: "shop", Actions: actions}
}

// existing is a state holding servers name → id, as stored at serial 1.
func existing(t *testing.T, b *memBackend, servers map[string]string) *state.State {
	t.Helper()
	st := &state.State{Version: state.FormatVersion, Fleet: "shop"}
	for name, id := range servers {
		st.Put(state.Resource{Address: addrs.Server(name), Kind: addrs.KindServer, Provider: "p", ID: id,
			Server: &providers.Server{ID: id, Name: name, Type: "s2", Power: spec.PowerRunning}})
	}
	if err := b.Write(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

type run struct {
	res     Result
	err     error
	backend *memBackend
	events  *recorder
	state   *state.State
}

// applyWith applies p with provider p under the name "p" on a state that
// may be nil (empty).
func applyWith(t *testing.T, ctx context.Context, p *planner.Plan, prov *fakeProvider, b *memBackend, st *state.State, parallelism int) run {
	t.Helper()
	if b == nil {
		b = &memBackend{}
	}
	if st == nil {
		st = &state.State{}
	}
	p.StateSerial, p.StateLineage = st.Serial, st.Lineage
	rec := &recorder{}
	res, err := Apply(ctx, Options{
		Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: b, State: st,
		Parallelism: parallelism, Observer: rec, SlowAfter: time.Hour,
	})
	return run{res: res, err: err, backend: b, events: rec, state: st}
}

type stateResource = state.Resource

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}
