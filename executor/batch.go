package executor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// renameHeight queues the renames that follow a batch create behind every
// other call waiting for a slot: names can wait, builds cannot, so every
// create goes out first.
const renameHeight = -1

// serverBatch is one create call for several members of a count group,
// shared by their steps: each member is still its own action, with its own
// intent, events and outcome; only the call is shared.
type serverBatch struct {
	nodes   []int // members in index order; nodes[0] leads
	servers []*providers.ServerSpec

	once    sync.Once
	created []providers.CreatedServer
	err     error
}

// batchable reports whether node i is a server create a provider could
// batch: a member of a count group, outside any rollout and any replace.
func (w *walker) batchable(i int) (providers.ServerBatcher, bool) {
	a := w.g.nodes[i].action
	if a == nil || a.Type != planner.Create || a.Kind != addrs.KindServer || a.Server == nil ||
		a.Server.Index < 1 || a.Batch > 0 || a.Replace {
		return nil, false
	}
	b, ok := w.opt.Providers[a.Provider].(providers.ServerBatcher)
	return b, ok
}

// groupKey names a count group within a provider.
type groupKey struct{ provider, group string }

// batchOrder sorts ready so that the creates of each count group's members
// follow one another in index order, at the place of the group's first
// action (plans list web-100 before web-21, and the clouds number a batch
// from its first member); every other node keeps plan order. takeBatch then
// finds a batch's members right behind its lead.
func (w *walker) batchOrder(ready []int) {
	if w.groupFirst == nil {
		w.groupFirst = map[groupKey]int{}
		for i, n := range w.g.nodes {
			if a := n.action; a != nil && a.Type == planner.Create && a.Server != nil && a.Server.Index > 0 {
				k := groupKey{a.Provider, a.Server.Group}
				if first, ok := w.groupFirst[k]; !ok || i < first {
					w.groupFirst[k] = i
				}
			}
		}
	}
	key := func(i int) (int, int) {
		if a := w.g.nodes[i].action; a != nil && a.Type == planner.Create && a.Server != nil && a.Server.Index > 0 {
			return w.groupFirst[groupKey{a.Provider, a.Server.Group}], a.Server.Index
		}
		return i, 0
	}
	sort.SliceStable(ready, func(x, y int) bool {
		gx, ix := key(ready[x])
		gy, iy := key(ready[y])
		if gx != gy {
			return gx < gy
		}
		return ix < iy
	})
}

// takeBatch gathers node i and the ready nodes right behind it that can
// share its create call: the next indexes of its group, alike but for their
// names, up to what the provider allows (ready is in batchOrder). They are
// removed from ready; nil when i goes alone. The work is bounded by the
// batch, so a group that cannot batch costs nothing more.
func (w *walker) takeBatch(i int, ready *[]int, halt error) *serverBatch {
	b, ok := w.batchable(i)
	if !ok {
		return nil
	}
	lead := w.g.nodes[i].action
	most := b.ServerBatchSize(lead.Server, maxBatchAsk)
	run := []int{i}
	for _, j := range *ready {
		if len(run) >= most {
			break
		}
		if _, ok := w.batchable(j); !ok {
			break
		}
		a := w.g.nodes[j].action
		if a.Provider != lead.Provider || a.Server.Group != lead.Server.Group || a.Server.Index != lead.Server.Index+len(run) || !lead.Server.SameBatch(a.Server) {
			break
		}
		if _, held := w.held(j, halt); held {
			break
		}
		run = append(run, j)
	}
	n := b.ServerBatchSize(lead.Server, len(run))
	if n < 2 {
		return nil
	}
	run = run[:min(n, len(run))]
	*ready = (*ready)[len(run)-1:]
	sb := &serverBatch{nodes: run}
	for _, j := range run {
		sb.servers = append(sb.servers, w.g.nodes[j].action.Server)
	}
	return sb
}

// maxBatchAsk asks a provider for the largest batch it would make: more
// members than any cloud creates in one call.
const maxBatchAsk = 1 << 16

// createInBatch is createServer's call for a batch member: the first member
// to get here makes the call for all, recording every member's intent
// first; the others wait for it. It returns this member's id and the name
// the cloud gave it.
func (s *step) createInBatch(imageID string) (providers.CreatedServer, error) {
	sb := s.w.batch[s.i]
	sb.once.Do(func() { sb.created, sb.err = s.w.sendBatch(s.ctx, sb, imageID) })
	k := 0
	for k < len(sb.nodes) && sb.nodes[k] != s.i {
		k++
	}
	if k < len(sb.created) && sb.created[k].ID != "" {
		s.begin()
		return sb.created[k], nil
	}
	if sb.err == nil {
		return providers.CreatedServer{}, fmt.Errorf("%s: the batch create returned no id for it", s.a.Address)
	}
	if !errors.Is(sb.err, errHalted) {
		s.begin()
	}
	return providers.CreatedServer{}, sb.err
}

// sendBatch records the intents of all members in one write, takes one slot
// and makes the call. As step.call, the call itself is never cancelled.
func (w *walker) sendBatch(ctx context.Context, sb *serverBatch, imageID string) ([]providers.CreatedServer, error) {
	if ctx.Err() != nil {
		return nil, errHalted
	}
	lead := w.g.nodes[sb.nodes[0]].action
	dropAll := func(st *state.State) {
		for _, i := range sb.nodes {
			dropIntent(st, w.g.nodes[i].action.ID)
		}
	}
	now := w.opt.Clock()
	err := w.j.commit(func(st *state.State) {
		for _, i := range sb.nodes {
			a := w.g.nodes[i].action
			putIntent(st, state.Intent{Action: a.ID, Address: a.Address, Provider: a.Provider, Op: "create", Started: now, Declared: a.Declared})
		}
	})
	if err != nil {
		return nil, &stateError{err}
	}
	slots := w.slots[lead.Provider]
	err = slots.acquire(ctx, w.g.nodes[sb.nodes[0]].height, sb.nodes[0])
	if err == nil && ctx.Err() != nil {
		slots.release()
		err = ctx.Err()
	}
	if err != nil {
		if err := w.j.commit(dropAll); err != nil {
			return nil, &stateError{err}
		}
		return nil, errHalted
	}
	b := w.opt.Providers[lead.Provider].(providers.ServerBatcher)
	w.opt.InFlight.add(1)
	res, err := b.CreateServers(context.WithoutCancel(ctx), providers.CreateServersRequest{
		Fleet: w.opt.Plan.Fleet, Servers: sb.servers, ImageID: imageID})
	w.opt.InFlight.add(-1)
	slots.release()
	if err != nil && len(res.Created) == 0 && definitive(err) {
		if cerr := w.j.commit(dropAll); cerr != nil {
			return nil, errors.Join(err, &stateError{cerr})
		}
	}
	if err != nil {
		names := make([]string, len(sb.servers))
		for k, s := range sb.servers {
			names[k] = s.Name
		}
		err = fmt.Errorf("create %s in one call: %w", strings.Join(names, ", "), err)
	}
	return res.Created, err
}

// renameMember gives a batch member its declared name; the owner tag maps
// either name to the member's address, so a run stopped before this call
// loses nothing (the next plan renames).
func (s *step) renameMember(id, cloudName string) error {
	srv := s.a.Server
	err := s.callAt("update", renameHeight, func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.a.Address.String(),
			Rename: &providers.Rename{Name: srv.Name, Owner: s.owner(s.a.Address), NameOnly: true}})
		return err
	})
	if err != nil {
		return fmt.Errorf("rename %s to %s: %w", cloudName, srv.Name, err)
	}
	return s.commit(func(st *state.State) {
		if p := st.Lookup(s.a.Address); p != nil && p.Server != nil {
			r := *p
			r.Server = cloneServer(r.Server)
			r.Server.Name = srv.Name
			st.Put(r)
		}
	})
}
