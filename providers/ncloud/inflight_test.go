package ncloud

import (
	"context"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// MaxInFlight (apply's --parallelism) bounds every call in flight: the
// shared poller's lists count with the callers' own calls.
func TestMaxInFlightBoundsPolls(t *testing.T) {
	const bound = 2
	f := newFake(t)
	var now, peak, lists atomic.Int32
	f.on("getServerInstanceList", func(form url.Values) (int, string) {
		if n := now.Add(1); n > peak.Load() {
			peak.Store(n)
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		status := "INIT"
		if lists.Add(1) > 6 {
			status = "RUN"
		}
		var items []string
		for i := 1; ; i++ {
			id := form.Get(fmt.Sprintf("serverInstanceNoList.%d", i))
			if id == "" {
				break
			}
			items = append(items, serverJSON(id, "web-"+id, "fleet:shop server/web-"+id, status, "NULL"))
		}
		return ok("getServerInstanceList", serverList(items...))(form)
	})
	p, err := New(Config{Endpoint: f.srv.URL, AccessKey: testAK, SecretKey: testSK, PollInterval: 5 * time.Millisecond,
		RequestsPerSecond: 1000, RetryWait: time.Millisecond, MaxInFlight: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	var g errgroup.Group
	for i := range 4 {
		g.Go(func() error {
			_, err := p.poller.wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: fmt.Sprint(i + 1), Address: fmt.Sprintf("server/web-%d", i+1), Target: providers.TargetRunning}, false)
			return err
		})
		g.Go(func() error {
			_, err := p.c.servers(ctx, filters(func(f *form) { f.list("serverInstanceNoList", []string{fmt.Sprint(i + 1)}) }))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got > bound || got < 2 {
		t.Errorf("%d calls were in flight at once, want at most %d (and calls overlapping up to it)", got, bound)
	}
}
