package nhncloud

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fleet-iac/fleet/providers"
)

// emptyInventory registers empty list answers for Inventory.
func (f *fake) emptyInventory() {
	f.handle("GET "+computePath("/servers/detail"), "", http.StatusOK, `{"servers": []}`)
	f.handle("GET "+volumePath("/volumes/detail"), "", http.StatusOK, `{"volumes": []}`)
	f.handle("GET "+computePath("/os-keypairs"), "", http.StatusOK, `{"keypairs": []}`)
	f.handle("GET /image/v2/images", "", http.StatusOK, `{"images": []}`)
}

// FLEET_LOG=debug logs each call, and neither the API password nor any
// token ever reaches the log or an error, through re-authentication too.
func TestLogsCarryNoSecrets(t *testing.T) {
	f := newFake(t)
	f.emptyInventory()
	var expired atomic.Bool
	expired.Store(true)
	f.mux.HandleFunc("GET "+computePath("/os-availability-zone"), func(w http.ResponseWriter, r *http.Request) {
		if expired.CompareAndSwap(true, false) { // the first token has expired: gophercloud re-authenticates once
			reply(w, http.StatusUnauthorized, `{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}`)
			return
		}
		f.check("", func(w http.ResponseWriter, r *http.Request) {
			reply(w, http.StatusOK, `{"availabilityZoneInfo": [{"zoneName": "kr-pub-b", "zoneState": {"available": true}}, {"zoneName": "kr-pub-a", "zoneState": {"available": true}}]}`)
		})(w, r)
	})
	logger, buf := bufferLogger()
	p := f.provider(t, func(c *Config) { c.Logger = logger })
	inv, err := p.Inventory(context.Background(), providers.InventoryRequest{Fleet: "shop", Catalog: true})
	if err != nil {
		t.Fatalf("inventory: %v", err)
	}
	if got := inv.Catalog.Zones; strings.Join(got, ",") != "kr-pub-a,kr-pub-b" {
		t.Errorf("zones = %v", got)
	}
	if n := f.tokenCount(); n != 2 {
		t.Fatalf("%d tokens issued, want 2 (one re-authentication)", n)
	}

	_, badErr := New(context.Background(), func() Config { c := f.config(); c.Password = "wrong-" + fakePassword; c.Logger = logger; return c }())
	if badErr == nil {
		t.Fatal("New with a wrong password succeeded")
	}
	if !strings.Contains(badErr.Error(), "HTTP 401") {
		t.Errorf("bad credentials error = %v, want the 401", badErr)
	}

	log := buf.String()
	for _, want := range []string{"method=POST path=/identity/v2.0/tokens status=200", "method=GET path=/compute/v2/" + fakeTenant + "/servers/detail status=200",
		"status=401", "request_id=req-0b8a", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{fakePassword, token(1), token(2), token(3)} {
		if strings.Contains(log, secret) || strings.Contains(badErr.Error(), secret) {
			t.Errorf("secret %q leaked into the log or error:\n%s\n%v", secret, log, badErr)
		}
	}
}
