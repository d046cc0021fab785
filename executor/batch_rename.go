package executor

import (
	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// recordedMember is a batch create's member whose id is in the state
// while the batch still runs.
type recordedMember struct {
	node   int // the batch create
	member addrs.Address
}

// release starts early the rename that gives a recorded batch member its
// declared name: both clouds rename a server in any state (NHN's PUT
// /servers/{id}, NCP's changeServerInstanceName), so a member need not
// keep the cloud's name, which may duplicate an earlier member's, through
// every build of its batch. Only a name-only rename of that member whose
// other dependencies have all ended goes; held still judges them. It
// returns the nodes to start. Walk loop only.
func (w *walker) release(r recordedMember, pending []int) []int {
	var ready []int
	for _, u := range w.g.nodes[r.node].users {
		a := w.g.nodes[u].action
		if a == nil || a.Type != planner.Rename || a.Rename == nil || a.Address != r.member ||
			a.Rename.NewAddress != a.Address || pending[u] != 1 {
			continue
		}
		pending[u]--
		w.early[u] = r.node
		ready = append(ready, u)
	}
	return ready
}

// refreshCreated is refresh after a created server's wait, keeping a
// name a batch member's rename gave it while the wait ran: the wait may
// have last seen the server under the cloud's name.
func (s *step) refreshCreated(seen providers.WaitResponse, cloudName string) func(*state.State) {
	return func(st *state.State) {
		seen := seen
		if p := st.Lookup(s.a.Address); s.parent != nil && p != nil && p.Server != nil && seen.Server != nil &&
			p.ID == seen.Server.ID && seen.Server.Name == cloudName && p.Server.Name != cloudName {
			srv := *seen.Server
			srv.Name = p.Server.Name
			seen.Server = &srv
		}
		s.refresh(seen, nil)(st)
	}
}
