package executor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// renameHeight queues a rename that only gives a server its declared name
// (a batch member's, mostly) behind every other call waiting for a slot:
// names can wait, builds cannot, so every create goes out first.
const renameHeight = -1

// createBatch is the step of a batch create: one call makes every member
// (their intents stored first, in one write), each member's id is recorded
// under the name the cloud gave it, and each is brought to its declared
// state as createServer does. The renames those names need are actions of
// their own, after this one in the plan; each may start once its member is
// recorded (recordedMember), while the others still build. The plan
// decided the batch; the walk only runs it.
func (s *step) createBatch() (string, error) {
	b, ok := s.prov.(providers.ServerBatcher)
	if !ok { // buildGraph refuses such a plan; this keeps the step honest
		return "", fmt.Errorf("provider %s cannot create servers in one call", s.a.Provider)
	}
	members := make([]*step, len(s.a.BatchMembers()))
	servers := make([]*providers.ServerSpec, len(s.a.BatchMembers()))
	for k, m := range s.a.BatchMembers() {
		members[k] = s.member(m)
		servers[k] = m.Server
	}
	imageID, err := members[0].imageID()
	if err != nil {
		return "", err
	}
	created, callErr := s.sendBatch(b, members, servers, imageID)
	if callErr != nil && len(created) == 0 {
		return "", callErr
	}
	// The call may have made some members and failed for others (an
	// ambiguous failure the provider resolved by adopting what it found):
	// each member found goes on, each missing one fails.
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	s.mu.Lock()
	s.left = map[addrs.Address]bool{}
	for k, m := range members {
		if k < len(created) && created[k].ID != "" {
			s.left[m.a.Address] = true
		}
	}
	s.mu.Unlock()
	for k, m := range members {
		if k >= len(created) || created[k].ID == "" {
			why := callErr
			if why == nil {
				why = errors.New("the batch create returned no id for it")
			}
			errs[k] = fmt.Errorf("%s: %w", m.a.Address, why)
			continue
		}
		m.recorded = func() { s.w.recorded <- recordedMember{node: s.i, member: m.a.Address} }
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[k] = m.settleCreated(created[k])
			s.mu.Lock()
			delete(s.left, m.a.Address)
			s.mu.Unlock()
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err == nil {
			s.settled = append(s.settled, members[k].a.Address)
		}
	}
	// No one cloud id: each member's is in the state, and apply's closing
	// table lists them.
	return "", errors.Join(errs...)
}

// member is the sub-step that settles one member of the batch create: it
// stores its intents, records its state and reports as the batch.
func (s *step) member(m planner.BatchMember) *step {
	a := &planner.Action{ID: planner.ActionID(planner.Create, m.Address, planner.RoleDeclared, ""), Type: planner.Create, Kind: addrs.KindServer,
		Address: m.Address, Provider: s.a.Provider, Create: &planner.CreateParams{Server: m.Server}, Declared: m.Declared, Group: s.a.Group}
	return &step{w: s.w, ctx: s.ctx, i: s.i, n: s.n, a: a, prov: s.prov, parent: s}
}

// sendBatch records the intents of all members in one write, takes one
// slot and makes the call. As step.call, the call itself is never
// cancelled.
func (s *step) sendBatch(b providers.ServerBatcher, members []*step, servers []*providers.ServerSpec, imageID string) ([]providers.CreatedServer, error) {
	if s.ctx.Err() != nil {
		return nil, errHalted
	}
	dropAll := func(st *state.State) {
		for _, m := range members {
			dropIntent(st, m.a.ID)
		}
	}
	now := s.w.opt.Clock()
	err := s.commit(func(st *state.State) {
		for _, m := range members {
			putIntent(st, state.Intent{Action: m.a.ID, Address: m.a.Address, Provider: m.a.Provider, Op: "create", Started: now, Declared: m.a.Declared})
		}
	})
	if err != nil {
		return nil, err
	}
	slots := s.w.slots[s.a.Provider]
	err = slots.acquire(s.ctx, s.n.height, s.i)
	if err == nil && s.ctx.Err() != nil {
		slots.release()
		err = s.ctx.Err()
	}
	if err != nil {
		if err := s.commit(dropAll); err != nil {
			return nil, err
		}
		return nil, errHalted
	}
	s.begin()
	s.w.opt.InFlight.add(1)
	res, err := b.CreateServers(context.WithoutCancel(s.ctx), providers.CreateServersRequest{
		Fleet: s.w.opt.Plan.Fleet, Servers: servers, ImageID: imageID})
	s.w.opt.InFlight.add(-1)
	slots.release()
	if err != nil && len(res.Created) == 0 && definitive(err) {
		if cerr := s.commit(dropAll); cerr != nil {
			return nil, errors.Join(err, cerr)
		}
	}
	if err != nil {
		names := make([]string, len(servers))
		for k, srv := range servers {
			names[k] = srv.Name
		}
		err = fmt.Errorf("create %s in one call: %w", strings.Join(names, ", "), err)
	}
	return res.Created, err
}

// checkBatch refuses a batch create that is not one: a single member, a
// member without its server, or members that are not consecutive members
// of one count group.
func checkBatch(a *planner.Action) error {
	if a.Kind != addrs.KindServer || a.Create.Server != nil || len(a.Create.Members) < 2 {
		return errors.New("a batch create makes two servers or more, and only servers")
	}
	lead := a.Create.Members[0].Server
	for k, m := range a.Create.Members {
		if m.Server == nil {
			return fmt.Errorf("batch member %s without its server", m.Address)
		}
		if m.Address != m.Server.Address() || m.Server.Group != lead.Group || m.Server.Index != lead.Index+k {
			return fmt.Errorf("batch member %s is not member %d of group %s", m.Address, lead.Index+k, lead.Group)
		}
	}
	return nil
}

// memberUp reports whether node i waits on the failed batch create d only
// for a member that came up all the same: i acts on that server or on one
// of its volumes. The planner made what waited for one member's create wait
// for the batch; a member that did not come up must not hold back the
// others', as it would not had each been created alone.
func (w *walker) memberUp(d, i int) bool {
	up, a := w.up[d], w.g.nodes[i].action
	if up == nil || a == nil {
		return false
	}
	server, _ := a.Address.ServerAddress()
	return up[server]
}

// leftMembers is a batch create's members not yet up, in index order, for
// the still-running reports: a member stuck in its build is named, not
// hidden behind its batch's address. s.mu is held.
func (s *step) leftMembers() []string {
	var out []string
	for _, m := range s.a.BatchMembers() {
		if s.left[m.Address] {
			out = append(out, m.Address.String())
		}
	}
	return out
}

// leftOf is the members a batch create still waits for, as the text
// progress line ends: the first few by address, and how many in all.
func leftOf(left []string) string {
	const shown = 3
	if len(left) == 0 {
		return ""
	}
	names := strings.Join(left[:min(len(left), shown)], ", ")
	if len(left) > shown {
		names += ", …"
	}
	return fmt.Sprintf(" %d left: %s", len(left), names)
}
