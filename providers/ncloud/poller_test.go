package ncloud

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// TestPollerSharesCalls: N servers waited on at once cost one list call
// per interval, not one per server.
func TestPollerSharesCalls(t *testing.T) {
	const (
		n        = 40
		interval = 50 * time.Millisecond
		building = 4 // rounds before the servers run
	)
	f := newFake(t)
	var rounds atomic.Int32
	var maxIDs atomic.Int32
	f.on("getServerInstanceList", func(form url.Values) (int, string) {
		status := "INIT"
		if rounds.Add(1) > building {
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
		if int32(len(items)) > maxIDs.Load() {
			maxIDs.Store(int32(len(items)))
		}
		return ok("getServerInstanceList", serverList(items...))(form)
	})
	f.on("getNetworkInterfaceList", ok("getNetworkInterfaceList", nicList))
	p := f.provider(nil)
	p.poller = newPoller(p.c, interval)
	start := time.Now()
	var g errgroup.Group
	var ready sync.WaitGroup
	ready.Add(n)
	for i := range n {
		g.Go(func() error {
			ready.Done()
			res, err := p.Wait(context.Background(), providers.WaitRequest{Kind: addrs.KindServer, ID: fmt.Sprint(i + 1), Address: fmt.Sprintf("server/web-%d", i+1), Target: providers.TargetRunning})
			if err == nil && (res.Server == nil || res.Server.Power != "running" || res.Server.IP != "10.0.1.11") {
				err = fmt.Errorf("wait returned %+v", res.Server)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	calls := f.count("getServerInstanceList")
	if n := f.count("getNetworkInterfaceList"); n != 1 {
		t.Errorf("%d interface lookups, want 1 for the servers that arrived together", n)
	}
	if limit := int(elapsed/interval) + 1; calls > limit {
		t.Errorf("%d waiters made %d list calls in %v, want at most %d (one per interval)", n, calls, elapsed, limit)
	}
	if calls < building+1 {
		t.Errorf("only %d calls: the servers ran after %d rounds", calls, building+1)
	}
	if maxIDs.Load() != n {
		t.Errorf("largest round listed %d servers, want all %d in one call", maxIDs.Load(), n)
	}
	// Waits that come one after another keep to the interval too.
	before, t0 := f.count("getServerInstanceList"), time.Now()
	for i := range 3 {
		if _, err := p.Wait(context.Background(), providers.WaitRequest{Kind: addrs.KindServer, ID: fmt.Sprint(i + 1), Target: providers.TargetRunning}); err != nil {
			t.Fatal(err)
		}
	}
	if made, limit := f.count("getServerInstanceList")-before, int(time.Since(t0)/interval)+1; made > limit {
		t.Errorf("3 sequential waits made %d calls in %v, want at most %d", made, time.Since(t0), limit)
	}
}

const nicList = `"totalRows": 1, "networkInterfaceList": [{"networkInterfaceNo": "930", "instanceNo": "1", "ip": "10.0.1.11", "deviceName": "eth0", "accessControlGroupNoList": ["43"]}]`

// errAnswer stands for "the cloud's own error" in a test table.
var errAnswer = errors.New("the cloud's error")

func TestWaitOutcomes(t *testing.T) {
	tests := map[string]struct {
		req     providers.WaitRequest
		answers []responder
		op      string
		wantErr error
	}{
		"build fails": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetRunning},
			[]responder{listed("1", "INIT", "NULL", ""), listed("1", "FSTOP", "NULL", "")}, "getServerInstanceList", providers.ErrFailed},
		"server vanished": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetRunning},
			[]responder{ok("getServerInstanceList", serverList())}, "getServerInstanceList", providers.ErrNotFound},
		"server gone": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetGone},
			[]responder{listed("1", "NSTOP", "TERMT", ""), ok("getServerInstanceList", serverList())}, "getServerInstanceList", nil},
		"stopped with the new type": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetStopped, Type: "s4-g2-s50"},
			[]responder{listed("1", "NSTOP", "NULL", ""), listed("1", "NSTOP", "NULL", "s4-g2-s50")}, "getServerInstanceList", nil},
		"volume attached": {providers.WaitRequest{Kind: addrs.KindVolume, Target: providers.TargetAttached, ServerID: "1"},
			[]responder{ok("getBlockStorageInstanceList", volumeList(volumeJSON("1", "1", "SVRBS", "", "INIT", "ATTAC", 10))), ok("getBlockStorageInstanceList", volumeList(volumeJSON("1", "1", "SVRBS", "", "ATTAC", "NULL", 10)))},
			"getBlockStorageInstanceList", nil},
		"image failed": {providers.WaitRequest{Kind: addrs.KindImage, Target: providers.TargetAvailable},
			[]responder{ok("getMemberServerImageInstanceList", `"totalRows": 1, "memberServerImageInstanceList": [{"memberServerImageInstanceNo": "1", "memberServerImageInstanceStatus": {"code": "CREFL"}}]`)},
			"getMemberServerImageInstanceList", providers.ErrFailed},
		"outage outlasting the retries": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetRunning},
			[]responder{answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`), answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`),
				answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`), answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`),
				answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`), listed("1", "RUN", "NULL", "")}, "getServerInstanceList", nil},
		"permission denied ends the wait": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetRunning},
			[]responder{answer(401, `{"error":{"errorCode":"210","message":"Permission Denied"}}`)}, "getServerInstanceList", errAnswer},
		"shelve is not NCP": {providers.WaitRequest{Kind: addrs.KindServer, Target: providers.TargetShelved}, nil, "", providers.ErrConflict},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("getNetworkInterfaceList", ok("getNetworkInterfaceList", nicList))
			if tc.op != "" {
				f.on(tc.op, tc.answers...)
			}
			tc.req.ID, tc.req.Address = "1", "server/web-1"
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := f.provider(nil).Wait(ctx, tc.req)
			var ae *providers.APIError
			switch {
			case tc.wantErr == errAnswer:
				if !errors.As(err, &ae) || ae.Address != "server/web-1" {
					t.Fatalf("Wait err = %v, want the cloud's answer naming the address", err)
				}
			case (tc.wantErr == nil && err != nil) || !errors.Is(err, tc.wantErr):
				t.Fatalf("Wait err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "server/web-1") {
				t.Errorf("error %q does not name the address", err)
			}
		})
	}
}

func TestWaitCancelled(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", listed("1", "INIT", "NULL", ""))
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	_, err := f.provider(nil).Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: "1", Address: "server/web-1", Target: providers.TargetRunning})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}
