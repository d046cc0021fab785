package executor

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// node is a vertex of the walk: an action of the plan, or a rollout barrier
// that joins one batch of a server group to the next, so that a batch of n
// servers costs 2n edges rather than n².
type node struct {
	action *planner.Action // nil for a barrier
	group  string          // barrier: the server group
	batch  int             // barrier: the batch it closes
	deps   []int           // sorted, unique
	users  []int           // nodes that depend on this one, sorted
	height int             // actions on the longest chain from this node to the end, itself included
}

// graph is the plan as the walk sees it. Action nodes come first, in plan
// order, so a node's index is its action's position in Plan.Actions.
type graph struct {
	nodes   []node
	actions int
}

// name is how errors and cycles refer to a node.
func (g *graph) name(i int) string {
	if n := g.nodes[i]; n.action != nil {
		return n.action.ID
	}
	return fmt.Sprintf("rollout %s batch %d", g.nodes[i].group, g.nodes[i].batch)
}

// rolloutEdge reports whether dep precedes user only because of a rollout:
// an earlier batch of the same group, or the barrier closing one. Failures
// across such edges hold the user back ("not started") rather than skip it.
func (g *graph) rolloutEdge(dep, user int) bool {
	d, u := g.nodes[dep], g.nodes[user]
	if d.action == nil || u.action == nil {
		return true // barriers only join batches
	}
	return d.action.Batch > 0 && u.action.Batch > d.action.Batch && d.action.Group == u.action.Group
}

// buildGraph checks that p can be applied with provs and builds its graph.
// Every problem is reported, in plan order.
func buildGraph(p *planner.Plan, provs map[string]providers.Provider) (*graph, error) {
	g := &graph{actions: len(p.Actions)}
	index := make(map[string]int, len(p.Actions))
	var errs, blocked []error
	for i := range p.Actions {
		a := &p.Actions[i]
		g.nodes = append(g.nodes, node{action: a})
		switch {
		case a.ID == "":
			errs = append(errs, fmt.Errorf("action %d (%s %s) has no id", i, a.Type, a.Address))
			continue
		case a.Blocked != "":
			blocked = append(blocked, fmt.Errorf("%s: %s", a.ID, a.Blocked))
		case !known(a.Type):
			errs = append(errs, fmt.Errorf("action %s: unknown type %q", a.ID, a.Type))
		case provs[a.Provider] == nil:
			errs = append(errs, fmt.Errorf("action %s: provider %q is not configured", a.ID, a.Provider))
		default:
			if err := checkAction(a); err != nil {
				errs = append(errs, fmt.Errorf("action %s: %w", a.ID, err))
			}
			if _, ok := provs[a.Provider].(providers.ServerBatcher); a.IsBatch() && !ok {
				errs = append(errs, fmt.Errorf("action %s: provider %q cannot create servers in one call", a.ID, a.Provider))
			}
		}
		if _, dup := index[a.ID]; dup {
			errs = append(errs, fmt.Errorf("action id %q appears twice", a.ID))
		}
		index[a.ID] = i
	}
	if len(blocked) > 0 {
		return nil, fmt.Errorf("the plan has blocked actions and cannot be applied:\n%w", errors.Join(blocked...))
	}
	for i := range p.Actions {
		for _, d := range p.Actions[i].DependsOn {
			j, ok := index[d]
			if !ok {
				errs = append(errs, fmt.Errorf("action %s depends on unknown action %q", p.Actions[i].ID, d))
				continue
			}
			g.nodes[i].deps = append(g.nodes[i].deps, j)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid plan: %w", errors.Join(errs...))
	}
	g.addBarriers(p)
	for i := range g.nodes {
		slices.Sort(g.nodes[i].deps)
		g.nodes[i].deps = slices.Compact(g.nodes[i].deps)
		for _, d := range g.nodes[i].deps {
			g.nodes[d].users = append(g.nodes[d].users, i)
		}
	}
	order, err := g.topological()
	if err != nil {
		return nil, fmt.Errorf("invalid plan: %w", err)
	}
	for k := len(order) - 1; k >= 0; k-- {
		n := &g.nodes[order[k]]
		for _, u := range n.users {
			n.height = max(n.height, g.nodes[u].height)
		}
		if n.action != nil {
			n.height++
		}
	}
	return g, nil
}

// addBarriers enforces rollouts whatever edges the planner drew: every
// action of a group's batch depends on a barrier that depends on every
// action of the group's previous batch.
func (g *graph) addBarriers(p *planner.Plan) {
	batches := map[string]map[int][]int{} // group → batch → action indexes
	for i, a := range p.Actions {
		if a.Batch <= 0 {
			continue
		}
		if batches[a.Group] == nil {
			batches[a.Group] = map[int][]int{}
		}
		batches[a.Group][a.Batch] = append(batches[a.Group][a.Batch], i)
	}
	groups := make([]string, 0, len(batches))
	for grp := range batches {
		groups = append(groups, grp)
	}
	sort.Strings(groups)
	for _, grp := range groups {
		nums := make([]int, 0, len(batches[grp]))
		for b := range batches[grp] {
			nums = append(nums, b)
		}
		sort.Ints(nums)
		for k := 1; k < len(nums); k++ {
			bar := len(g.nodes)
			g.nodes = append(g.nodes, node{group: grp, batch: nums[k-1], deps: slices.Clone(batches[grp][nums[k-1]])})
			for _, i := range batches[grp][nums[k]] {
				g.nodes[i].deps = append(g.nodes[i].deps, bar)
			}
		}
	}
}

// topological orders the nodes dependencies first, removing nodes without
// pending dependencies until none is left; what remains holds a cycle,
// reported from its smallest name so the message is the same on every run.
func (g *graph) topological() ([]int, error) {
	pending := make([]int, len(g.nodes))
	var queue []int
	for i, n := range g.nodes {
		pending[i] = len(n.deps)
		if pending[i] == 0 {
			queue = append(queue, i)
		}
	}
	var order []int
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, i)
		for _, u := range g.nodes[i].users {
			if pending[u]--; pending[u] == 0 {
				queue = append(queue, u)
			}
		}
	}
	if len(order) == len(g.nodes) {
		return order, nil
	}
	// Every remaining node has a remaining dependency: follow the first one
	// until a node repeats.
	start := -1
	for i := range g.nodes {
		if pending[i] > 0 && (start < 0 || g.name(i) < g.name(start)) {
			start = i
		}
	}
	pos := map[int]int{}
	var path []int
	for i := start; ; {
		if at, ok := pos[i]; ok {
			path = path[at:]
			break
		}
		pos[i] = len(path)
		path = append(path, i)
		for _, d := range g.nodes[i].deps {
			if pending[d] > 0 {
				i = d
				break
			}
		}
	}
	// Rotate to begin at the smallest name.
	first := 0
	for k := range path {
		if g.name(path[k]) < g.name(path[first]) {
			first = k
		}
	}
	path = append(path[first:], path[:first]...)
	names := make([]string, 0, len(path)+1)
	for _, i := range path {
		names = append(names, g.name(i))
	}
	names = append(names, names[0])
	return nil, fmt.Errorf("dependency cycle: %s", strings.Join(names, " → "))
}

// checkAction reports an action that lacks what its type needs, so that a
// malformed plan is refused before any call rather than half applied:
// exactly the parameter group its type carries (planner.ParamsOf), then
// what that group must hold.
func checkAction(a *planner.Action) error {
	want, _ := planner.ParamsOf(a.Type)
	switch got := a.ParamGroups(); {
	case len(got) > 1:
		return fmt.Errorf("%s with %d parameter groups (%s), want only %s", a.Type, len(got), joinGroups(got), shownGroup(want))
	case len(got) == 0 && want != planner.NoParams:
		return fmt.Errorf("%s without its %s parameters", a.Type, want)
	case len(got) == 1 && got[0] != want:
		return fmt.Errorf("%s with %s parameters, want %s", a.Type, got[0], shownGroup(want))
	}
	switch a.Type {
	case planner.Create:
		if a.IsBatch() {
			return checkBatch(a)
		}
		if c := a.Create; a.Kind == addrs.KindServer && c.Server != nil || a.Kind == addrs.KindVolume && c.Volume != nil ||
			a.Kind == addrs.KindKeypair && c.Keypair != nil || a.Kind == addrs.KindImage && c.Image != nil {
			return nil
		}
		return fmt.Errorf("create of a %s without its %s", a.Kind, a.Kind)
	case planner.MakeImg:
		if a.MakeImage.Image == nil {
			return errors.New("image without the image")
		}
	case planner.Adopt:
		if ad := a.Adopted; ad.Server == nil && ad.Volume == nil && ad.Image == nil && ad.Keypair == nil {
			return errors.New("adopt without the resource found")
		}
	case planner.Rename:
		if a.Rename.NewAddress.IsZero() || a.Rename.NewName == "" {
			return errors.New("rename without the new name and address")
		}
	case planner.Resize:
		if a.Resize.NewType == "" {
			return errors.New("resize without the new type")
		}
	case planner.Update:
		if u := a.Update; u.Protect == nil && u.SecGroups == nil && u.Metadata == nil && u.PublicIP == nil && u.VolumeSize == 0 {
			return errors.New("update with nothing to change")
		}
	case planner.Start, planner.Stop, planner.Shelve, planner.Unshelve:
		if a.Kind != addrs.KindServer {
			return fmt.Errorf("%s of a %s", a.Type, a.Kind)
		}
	case planner.Attach, planner.Detach:
		if a.Kind != addrs.KindVolume {
			return fmt.Errorf("%s of a %s", a.Type, a.Kind)
		}
	case planner.Wait:
		if a.CloudID == "" {
			return errors.New("wait without the cloud id")
		}
	case planner.Reboot:
		if a.Kind != addrs.KindServer || a.CloudID == "" {
			return errors.New("reboot of a server needs its cloud id")
		}
	case planner.Check:
		if a.Check.Command == "" {
			return errors.New("check without its command")
		}
	case planner.Delete:
		if a.Replace && a.CloudID == "" {
			// The replacement takes over the address, so the state can no
			// longer say which resource is the old one.
			return errors.New("the old half of a replace needs its cloud id")
		}
	}
	return nil
}

func shownGroup(g planner.ParamGroup) string {
	if g == planner.NoParams {
		return "none"
	}
	return string(g)
}

func joinGroups(gs []planner.ParamGroup) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	return strings.Join(s, ", ")
}
