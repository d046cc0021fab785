package providertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// members returns n alike members of count group group, first at index
// first, built from the Env's server.
func members(e Env, group string, first, n int) []*providers.ServerSpec {
	out := make([]*providers.ServerSpec, n)
	for i := range out {
		s := e.Server(fmt.Sprintf("%s-%d", group, first+i))
		s.Group, s.Index, s.BatchCreate = group, first+i, true
		out[i] = providers.NewServerSpec(s)
	}
	return out
}

// createMembers creates ms in as few batches as the provider allows and
// returns what it created, in order, and the calls it cost.
func createMembers(t *testing.T, ctx context.Context, e Env, b providers.ServerBatcher, ms []*providers.ServerSpec) ([]providers.CreatedServer, int) {
	t.Helper()
	var out []providers.CreatedServer
	calls := 0
	for len(ms) > 0 {
		k := b.ServerBatchSize(ms[0], len(ms))
		if k < 1 || k > len(ms) {
			t.Fatalf("ServerBatchSize(%s, %d) = %d, want 1..%d", ms[0].Name, len(ms), k, len(ms))
		}
		before := e.Stats().Total
		res, err := b.CreateServers(ctx, providers.CreateServersRequest{Fleet: e.Fleet, Servers: ms[:k]})
		if err != nil {
			t.Fatalf("create %s..%s: %v", ms[0].Name, ms[k-1].Name, err)
		}
		calls += e.Stats().Total - before
		if len(res.Created) != k {
			t.Fatalf("create %d members: %d answers", k, len(res.Created))
		}
		if k > 1 {
			// The planner lists the renames a batch needs from these
			// names, before the call: they must be what the cloud gives.
			for j, c := range res.Created {
				if want := b.BatchMemberName(ms[j], ms[0].Index); c.Name != want {
					t.Errorf("member %s of a batch from %d named %q, BatchMemberName says %q", ms[j].Name, ms[0].Index, c.Name, want)
				}
			}
		}
		out = append(out, res.Created...)
		ms = ms[k:]
	}
	return out, calls
}

// testBatch creates count-group members in batches: each member's address
// is read back from its cloud name before and after fleet renames it, a
// second run of the group (not starting at 1) does not collide with the
// first, and a moved member takes its new address.
func testBatch(t *testing.T, ctx context.Context, e Env) {
	b, ok := e.Provider.(providers.ServerBatcher)
	if !ok {
		t.Fatalf("%T does not implement providers.ServerBatcher", e.Provider)
	}
	ms := append(members(e, "ptb", 1, 12), members(e, "ptb", 13, 3)...)
	first, calls := createMembers(t, ctx, e, b, ms[:12])
	if calls > 12/2 {
		t.Errorf("12 members cost %d calls, want a batch to save calls", calls)
	}
	rest, _ := createMembers(t, ctx, e, b, ms[12:])
	created := append(first, rest...)
	seen := map[string]bool{}
	for i, c := range created {
		if c.ID == "" || seen[c.ID] {
			t.Fatalf("member %d: id %q empty or repeated", i, c.ID)
		}
		seen[c.ID] = true
	}
	byID := func(inv providers.InventoryResponse) map[string]providers.Server {
		m := map[string]providers.Server{}
		for _, s := range inv.Servers {
			m[s.ID] = s
		}
		return m
	}
	inv := byID(inventory(t, ctx, e, false))
	for i, c := range created {
		got, ok := inv[c.ID]
		if !ok {
			t.Fatalf("%s (%s) missing from the inventory", ms[i].Name, c.ID)
		}
		if got.Owner != owner(e, ms[i]) || got.Name != c.Name {
			t.Errorf("%s read back as owner %+v name %q, want %+v and the created name %q", c.ID, got.Owner, got.Name, owner(e, ms[i]), c.Name)
		}
	}
	for i, c := range created {
		if c.Name != ms[i].Name {
			update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: c.ID, Address: ms[i].Address().String(),
				Change: providers.Rename{Name: ms[i].Name, Owner: owner(e, ms[i]), NameOnly: true}})
		}
	}
	moved := e.Server("ptmoved-1")
	update(t, ctx, e, providers.UpdateRequest{Kind: addrs.KindServer, ID: created[4].ID, Address: ms[4].Address().String(),
		Change: providers.Rename{Name: moved.Name, Owner: owner(e, moved)}})
	inv = byID(inventory(t, ctx, e, false))
	for i, c := range created {
		want, wantName := owner(e, ms[i]), ms[i].Name
		if i == 4 {
			want, wantName = owner(e, moved), moved.Name
		}
		if got := inv[c.ID]; got.Owner != want || got.Name != wantName {
			t.Errorf("after the renames %s read back as owner %+v name %q, want %+v %q", c.ID, got.Owner, got.Name, want, wantName)
		}
		waitFor(t, ctx, e, providers.WaitRequest{Kind: addrs.KindServer, ID: c.ID, Address: want.Address, Target: providers.TargetRunning})
	}
}

// testBatchUnbatchable: a server with a fixed IP is never batched, nor is
// one the cloud would name otherwise unless batch_create allows it.
func testBatchUnbatchable(t *testing.T, ctx context.Context, e Env) {
	b, ok := e.Provider.(providers.ServerBatcher)
	if !ok {
		t.Fatalf("%T does not implement providers.ServerBatcher", e.Provider)
	}
	s := members(e, "ptip", 1, 1)[0]
	s.Network.IP = "10.0.1.77"
	if k := b.ServerBatchSize(s, 5); k != 1 {
		t.Errorf("a server with a fixed IP batches %d, want 1", k)
	}
	if k := b.ServerBatchSize(members(e, "ptip", 1, 1)[0], 1); k != 1 {
		t.Errorf("one waiting member batches %d, want 1", k)
	}
	// Without batch_create, a member the cloud would name otherwise (NCP
	// ptip-002, NHN ptip-1 for a batch from member 2) goes alone.
	plain := members(e, "ptip", 2, 1)[0]
	plain.BatchCreate = false
	if k := b.ServerBatchSize(plain, 5); k != 1 {
		t.Errorf("member 2 without batch_create batches %d, want 1", k)
	}
}

// testBatchErrorAfter: the cloud creates the batch, then answers 5xx; the
// provider adopts the members it made instead of creating them again.
func testBatchErrorAfter(t *testing.T, ctx context.Context, e Env) {
	b, ok := e.Provider.(providers.ServerBatcher)
	if !ok {
		t.Fatalf("%T does not implement providers.ServerBatcher", e.Provider)
	}
	e.SetBehaviour(simcore.Behaviour{CreateErrorAfter: []string{"ptd*"}})
	ms := members(e, "ptd", 1, 4)
	created, _ := createMembers(t, ctx, e, b, ms)
	inv := inventory(t, ctx, e, false)
	for i, s := range ms {
		if n := countAddress(inv, s.Address().String()); n != 1 {
			t.Fatalf("%d servers carry %s, want 1: %+v", n, s.Address(), inv.Servers)
		}
		if findServer(inv, created[i].ID) == nil {
			t.Fatalf("create returned %s for %s, which the inventory lacks", created[i].ID, s.Name)
		}
	}
}
