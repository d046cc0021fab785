package ncloud

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestServerActionListRefusedGoesOneByOne: NCP refuses a whole list when
// one of its servers cannot take the action; each server is then sent
// alone, so the others are stopped and the refused one gets its own error.
func TestServerActionListRefusedGoesOneByOne(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceList", ok("getServerInstanceList", serverList(
		serverJSON("1", "web-1", "fleet:shop server/web-1", "RUN", "NULL"),
		serverJSON("2", "web-2", "fleet:shop server/web-2", "RUN", "NULL"))))
	refused := `{"responseError": {"returnCode": "25013", "returnMessage": "The server instance 2 cannot be stopped."}}`
	f.on("stopServerInstances", answer(400, refused), func(v url.Values) (int, string) {
		if v.Get("serverInstanceNoList.1") == "2" {
			return 400, refused
		}
		return ok("stopServerInstances", serverList())(v)
	}, func(v url.Values) (int, string) {
		if v.Get("serverInstanceNoList.1") == "2" {
			return 400, refused
		}
		return ok("stopServerInstances", serverList())(v)
	})
	p := f.provider(nil)
	errs := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range []string{"1", "2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.Update(context.Background(), providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: "server/web-" + id, Change: providers.PowerChange{To: spec.PowerStopped}})
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	var ae *providers.APIError
	if errs["1"] != nil || !errors.As(errs["2"], &ae) || ae.Code != "25013" || ae.Address != "server/web-2" {
		t.Errorf("errors = %v; want web-1 stopped and web-2 refused with code 25013 naming its address", errs)
	}
	if n := f.count("stopServerInstances"); n != 3 {
		t.Errorf("%d stop calls, want 3: the list, then each server alone", n)
	}
	if n := f.count("getServerInstanceList"); n != 1 {
		t.Errorf("%d server reads, want 1 list for both", n)
	}
}
