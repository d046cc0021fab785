package ncloudsim

import (
	"cmp"
	"container/heap"
	"slices"
	"sort"
	"strings"
	"time"
)

// idCompare orders digit-string ids numerically.
func idCompare(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

func idLess(a, b string) bool { return idCompare(a, b) < 0 }

// keyed is a resource with a digit-string id.
type keyed interface{ key() string }

func (s *server) key() string { return s.No }
func (v *volume) key() string { return v.No }

// ordered is a set of resources kept in ascending id order, so a list page
// is a slice of it and a filtered scan needs no map lookups. New ids come
// from one increasing sequence, so adding is an append in practice.
type ordered[T keyed] struct{ items []T }

func (o *ordered[T]) search(id string) int {
	return sort.Search(len(o.items), func(i int) bool { return !idLess(o.items[i].key(), id) })
}

func (o *ordered[T]) add(x T) {
	n := len(o.items)
	if n == 0 || idLess(o.items[n-1].key(), x.key()) {
		o.items = append(o.items, x)
		return
	}
	i := o.search(x.key())
	if i < n && o.items[i].key() == x.key() {
		return
	}
	o.items = slices.Insert(o.items, i, x)
}

func (o *ordered[T]) remove(id string) {
	if i := o.search(id); i < len(o.items) && o.items[i].key() == id {
		o.items = slices.Delete(o.items, i, i+1)
	}
}

// Kinds of resources with transitions in the due queue.
const (
	kindServer = "server"
	kindVolume = "volume"
	kindImage  = "image"
)

// dueItem is a pending transition. Stale items (the resource moved on or
// is gone) are skipped when popped: the resource's own Due is the truth.
type dueItem struct {
	At   time.Time
	Kind string
	ID   string
}

// dueQueue is a min-heap of transitions by time, then kind and id, so
// transitions that fall due together apply in a fixed order.
type dueQueue []dueItem

func (q dueQueue) Len() int { return len(q) }
func (q dueQueue) Less(i, j int) bool {
	if !q[i].At.Equal(q[j].At) {
		return q[i].At.Before(q[j].At)
	}
	if q[i].Kind != q[j].Kind {
		return q[i].Kind < q[j].Kind
	}
	return idLess(q[i].ID, q[j].ID)
}
func (q dueQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)   { *q = append(*q, x.(dueItem)) }
func (q *dueQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

func (q *dueQueue) schedule(at time.Time, kind, id string) {
	heap.Push(q, dueItem{At: at, Kind: kind, ID: id})
}

// next pops the earliest item due at or before now.
func (q *dueQueue) next(now time.Time) (dueItem, bool) {
	if q.Len() == 0 || (*q)[0].At.After(now) {
		return dueItem{}, false
	}
	return heap.Pop(q).(dueItem), true
}

// indexes are derived from data and rebuilt on load.
type indexes struct {
	servers   map[string]*ordered[*server] // region → servers
	volumes   map[string]*ordered[*volume] // region → volumes
	byServer  map[string]*ordered[*volume] // server id → its volumes
	byName    map[string][]*server         // region → servers by (name, id)
	nameDirty map[string]bool              // byName needs a re-sort
	nics      map[string]*ordered[*nicRef] // region → NICs
	nicByNo   map[string]*nicRef
	ips       map[string]map[string]bool // subnet → private IPs in use
}

func newIndexes() *indexes {
	return &indexes{servers: map[string]*ordered[*server]{}, volumes: map[string]*ordered[*volume]{},
		byServer: map[string]*ordered[*volume]{}, byName: map[string][]*server{}, nameDirty: map[string]bool{},
		nics: map[string]*ordered[*nicRef]{}, nicByNo: map[string]*nicRef{}, ips: map[string]map[string]bool{}}
}

func get[T keyed](m map[string]*ordered[T], k string) *ordered[T] {
	o := m[k]
	if o == nil {
		o = &ordered[T]{}
		m[k] = o
	}
	return o
}

// volumesOf returns a server's volumes, in id order.
func (x *indexes) volumesOf(server string) []*volume {
	if o := x.byServer[server]; o != nil {
		return o.items
	}
	return nil
}

func (x *indexes) useIP(subnet, ip string) {
	if x.ips[subnet] == nil {
		x.ips[subnet] = map[string]bool{}
	}
	x.ips[subnet][ip] = true
}

func (x *indexes) addServer(s *server) {
	get(x.servers, s.Region).add(s)
	x.nameDirty[s.Region] = true
	x.addServerNICs(s)
}

// addServerNICs indexes a server's NICs; after its NIC list changes they
// are removed and added again, as the refs hold positions in it.
func (x *indexes) addServerNICs(s *server) {
	for i := range s.NICs {
		x.addNIC(&nicRef{srv: s, i: i}, s.Region)
	}
}

func (x *indexes) removeServerNICs(s *server) {
	for _, n := range s.NICs {
		get(x.nics, s.Region).remove(n.No)
		delete(x.nicByNo, n.No)
	}
}

func (x *indexes) addNIC(r *nicRef, region string) {
	n := r.nic()
	get(x.nics, region).add(r)
	x.nicByNo[n.No] = r
	if n.IP != "" {
		x.useIP(n.Subnet, n.IP)
	}
}

// removeFreeNIC forgets a free NIC; its address is released.
func (x *indexes) removeFreeNIC(n *nic) {
	get(x.nics, n.Region).remove(n.No)
	delete(x.nicByNo, n.No)
	delete(x.ips[n.Subnet], n.IP)
}

func (x *indexes) removeServer(s *server) {
	get(x.servers, s.Region).remove(s.No)
	delete(x.byServer, s.No)
	x.nameDirty[s.Region] = true
	for _, n := range s.NICs {
		get(x.nics, s.Region).remove(n.No)
		delete(x.nicByNo, n.No)
		delete(x.ips[n.Subnet], n.IP)
	}
}

func (x *indexes) addVolume(v *volume) {
	get(x.volumes, v.Region).add(v)
	if v.Server != "" {
		get(x.byServer, v.Server).add(v)
	}
}

func (x *indexes) removeVolume(v *volume) {
	get(x.volumes, v.Region).remove(v.No)
	if v.Server != "" {
		get(x.byServer, v.Server).remove(v.No)
	}
}

// serversByName returns the region's servers sorted by name then id. The
// sort runs once after a change, not on every page.
func (x *indexes) serversByName(region string) []*server {
	if l, ok := x.byName[region]; ok && !x.nameDirty[region] {
		return l
	}
	l := slices.Clone(get(x.servers, region).items)
	slices.SortStableFunc(l, func(a, b *server) int {
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return idCompare(a.No, b.No)
	})
	x.byName[region] = l
	x.nameDirty[region] = false
	return l
}
