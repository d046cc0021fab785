package planner

import (
	"container/heap"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/spec"
)

// finish cleans the edges, orders the actions, reports cycles and fills in
// the summary.
func (b *builder) finish() {
	for _, a := range b.actions {
		a.DependsOn = cleanDeps(a.ID, a.DependsOn, b.byID)
	}
	reported := map[string]bool{}
	for _, a := range b.actions {
		if b.cloud(a.Provider) == "" && !reported[a.Provider] {
			reported[a.Provider] = true
			b.errorf(a.Address, "provider \""+a.Provider+"\" is not declared",
				"the state holds resources of provider \""+a.Provider+"\"; declare it again so fleet can change them, or forget them with \"fleet state rm\"")
		}
	}
	ordered, cycles := topoOrder(b.actions)
	for _, c := range cycles {
		b.fail(spec.Diagnostic{
			Severity: spec.SeverityError,
			Summary:  "dependency cycle: " + c,
			Detail:   "each action waits for the next one, so none can start; break the cycle in the fleet file (an image made from a server that boots from that image, for example)",
		})
	}
	b.plan.Actions = make([]Action, len(ordered))
	for i, a := range ordered {
		b.plan.Actions[i] = *a
	}
	sort.SliceStable(b.plan.Drift, func(i, j int) bool { return b.plan.Drift[i].Address.Less(b.plan.Drift[j].Address) })
	sort.SliceStable(b.plan.Existing, func(i, j int) bool { return b.plan.Existing[i].Address.Less(b.plan.Existing[j].Address) })
	b.plan.Summary = summarize(b.plan)
}

// cleanDeps drops empty, unknown and self edges, sorts and dedupes.
func cleanDeps(self string, deps []string, byID map[string]*Action) []string {
	if len(deps) == 0 {
		return nil
	}
	out := deps[:0]
	for _, d := range deps {
		if _, ok := byID[d]; ok && d != self {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	n := 0
	for i, d := range out {
		if i == 0 || d != out[n-1] {
			out[n] = d
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return out[:n]
}

// idHeap is a min-heap of action ids: among the actions that are ready,
// the smallest id goes first, so the order is deterministic.
type idHeap []string

func (h idHeap) Len() int           { return len(h) }
func (h idHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h idHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *idHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// topoOrder orders actions so that each comes after everything it depends
// on, ties broken by id. Actions on a cycle cannot be ordered: they come
// last, sorted by id, and each cycle is returned as text.
func topoOrder(actions []*Action) ([]*Action, []string) {
	byID := make(map[string]*Action, len(actions))
	indeg := make(map[string]int, len(actions))
	users := make(map[string][]string, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
		indeg[a.ID] = len(a.DependsOn)
		for _, d := range a.DependsOn {
			users[d] = append(users[d], a.ID)
		}
	}
	h := &idHeap{}
	for _, a := range actions {
		if indeg[a.ID] == 0 {
			*h = append(*h, a.ID)
		}
	}
	heap.Init(h)
	out := make([]*Action, 0, len(actions))
	for h.Len() > 0 {
		id := heap.Pop(h).(string)
		out = append(out, byID[id])
		for _, u := range users[id] {
			indeg[u]--
			if indeg[u] == 0 {
				heap.Push(h, u)
			}
		}
	}
	if len(out) == len(actions) {
		return out, nil
	}
	var stuck []string
	for _, a := range actions {
		if indeg[a.ID] > 0 {
			stuck = append(stuck, a.ID)
		}
	}
	sort.Strings(stuck)
	for _, id := range stuck {
		out = append(out, byID[id])
	}
	return out, findCycles(stuck, byID)
}

// findCycles returns one cycle per strongly connected component of the
// stuck actions, as "a → b → a" where each action waits for the next. Each
// cycle starts at its shortest, then alphabetically first, id.
func findCycles(stuck []string, byID map[string]*Action) []string {
	in := make(map[string]bool, len(stuck))
	for _, id := range stuck {
		in[id] = true
	}
	comps := tarjan(stuck, byID, in)
	var out []string
	for _, comp := range comps {
		if len(comp) < 2 {
			continue
		}
		member := map[string]bool{}
		for _, id := range comp {
			member[id] = true
		}
		start := comp[0]
		for _, id := range comp {
			if len(id) < len(start) || len(id) == len(start) && id < start {
				start = id
			}
		}
		path := cyclePath(start, byID, member)
		out = append(out, strings.Join(append(path, start), " → "))
	}
	sort.Strings(out)
	return out
}

// cyclePath walks from start through the component back to start, taking
// the smallest dependency first; it returns the actions in order.
func cyclePath(start string, byID map[string]*Action, member map[string]bool) []string {
	visited := map[string]bool{}
	var path []string
	var walk func(id string) bool
	walk = func(id string) bool {
		path = append(path, id)
		visited[id] = true
		for _, d := range byID[id].DependsOn {
			if d == start {
				return true
			}
			if member[d] && !visited[d] && walk(d) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	walk(start)
	return path
}

// tarjan returns the strongly connected components among the given ids,
// each sorted.
func tarjan(ids []string, byID map[string]*Action, in map[string]bool) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var comps [][]string
	next := 0
	var strong func(v string)
	strong = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range byID[v].DependsOn {
			if !in[w] {
				continue
			}
			if _, seen := index[w]; !seen {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var comp []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			sort.Strings(comp)
			comps = append(comps, comp)
		}
	}
	for _, id := range ids {
		if _, seen := index[id]; !seen {
			strong(id)
		}
	}
	return comps
}
