package ncloud

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// listSize is how many servers one stop, start, reboot, terminate or read
// call names (serverInstanceNoList.N). NCP documents no bound; 100 keeps a
// form well under any gateway's URL and body limits, and 300 servers take
// three calls.
const listSize = 100

// linger is how long a server action waits for others of the same kind to
// join its call: the servers a poll round finds ready ask within
// microseconds of each other.
const linger = 20 * time.Millisecond

// lists merges the per-server calls made at the same moment into list
// calls (backoff.Batcher): reads by id, the four server actions that take
// serverInstanceNoList.N, the volume detaches and deletes that take
// blockStorageInstanceNoList.N, and the lookup of a server's volumes,
// which is one list of the region's volumes for everyone asking.
type lists struct {
	reads   *backoff.Batcher[string, serverInstance]
	volumes *backoff.Batcher[string, []blockStorageInstance]
	pending *backoff.Batcher[string, map[string]string] // fleet → server address → pending public IP

	mu      sync.Mutex
	actions map[string]*backoff.Batcher[string, error]
	c       *client
}

func newLists(c *client) *lists {
	l := &lists{c: c, actions: map[string]*backoff.Batcher[string, error]{}}
	l.reads = backoff.NewBatcher(linger, listSize, l.readServers)
	l.volumes = backoff.NewBatcher(linger, pageSize, l.volumesOf)
	l.pending = backoff.NewBatcher(linger, listSize, l.pendingPublicIPsOf)
	return l
}

// readServers reads the servers ids name with one call: the detail of a
// server read alone, else one getServerInstanceList.
func (l *lists) readServers(ctx context.Context, ids []string) (map[string]serverInstance, error) {
	var out serverInstanceList
	op, f := "getServerInstanceDetail", newForm().set("serverInstanceNo", ids[0])
	if len(ids) > 1 {
		op, f = "getServerInstanceList", newForm().list("serverInstanceNoList", ids).setInt("pageNo", 1).setInt("pageSize", len(ids))
	}
	if err := l.c.call(ctx, op, f, &out); err != nil {
		return nil, err
	}
	got := make(map[string]serverInstance, len(ids))
	for _, s := range out.ServerInstanceList {
		got[s.ServerInstanceNo] = s
	}
	return got, nil
}

// volumesOf lists the volumes of the servers asking: those of a server
// asking alone, else the region's volumes once (page by page), each server
// getting its own.
func (l *lists) volumesOf(ctx context.Context, servers []string) (map[string][]blockStorageInstance, error) {
	build := filters(nil)
	if len(servers) == 1 {
		build = filters(func(f *form) { f.set("serverInstanceNo", servers[0]) })
	}
	all, err := l.c.volumes(ctx, build)
	if err != nil {
		return nil, err
	}
	got := make(map[string][]blockStorageInstance, len(servers))
	for _, id := range servers {
		got[id] = nil
	}
	for _, v := range all {
		if _, ok := got[v.ServerInstanceNo]; ok {
			got[v.ServerInstanceNo] = append(got[v.ServerInstanceNo], v)
		}
	}
	return got, nil
}

// pendingPublicIPsOf lists the unassociated public IPs once for everyone
// asking (the servers one destroy deletes at once), each fleet getting the
// addresses its tag names: a delete releases what a crash left allocated
// for its server without a list call of its own.
func (l *lists) pendingPublicIPsOf(ctx context.Context, fleets []string) (map[string]map[string]string, error) {
	list, err := l.c.publicIPs(ctx, filters(func(f *form) { f.setBool("isAssociated", false) }))
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(fleets))
	for _, f := range fleets {
		out[f] = pendingFor(list, f)
	}
	return out, nil
}

// action returns the batcher of one server action.
func (l *lists) action(op string) *backoff.Batcher[string, error] {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.actions[op]
	if !ok {
		b = backoff.NewBatcher(linger, listSize, func(ctx context.Context, ids []string) (map[string]error, error) {
			return l.act(ctx, op, ids)
		})
		l.actions[op] = b
	}
	return b
}

// listParam names the list an action takes: volumes for the volume
// actions, servers for the rest.
func listParam(op string) string {
	switch op {
	case "detachBlockStorageInstances", "deleteBlockStorageInstances":
		return "blockStorageInstanceNoList"
	}
	return "serverInstanceNoList"
}

// act sends op for ids in one call. NCP refuses the whole list when one
// server cannot take the action (wrong status, protection, storage still
// attached); each server is then sent alone, so the others go ahead and
// the one refused gets its own error.
func (l *lists) act(ctx context.Context, op string, ids []string) (map[string]error, error) {
	err := l.c.call(ctx, op, newForm().list(listParam(op), ids), nil)
	out := make(map[string]error, len(ids))
	var ae *providers.APIError
	if err == nil || len(ids) == 1 || !errors.As(err, &ae) || ae.Retryable {
		for _, id := range ids {
			out[id] = err
		}
		return out, nil
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := l.c.call(ctx, op, newForm().list(listParam(op), []string{id}), nil)
			mu.Lock()
			out[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out, nil
}
