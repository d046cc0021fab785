package nhncloud

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// However many servers are waited on, the poller lists servers once per
// interval and settles every waiter from that one list.
func TestPollerOneListPerInterval(t *testing.T) {
	const n = 25
	f := newFake(t)
	var lists atomic.Int32
	f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") != "1000" {
			t.Errorf("list without limit=1000: %s", r.URL.RawQuery)
		}
		status, task := "BUILD", "spawning"
		if lists.Add(1) >= 3 {
			status, task = "ACTIVE", ""
		}
		var b strings.Builder
		b.WriteString(`{"servers": [`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(serverJSON("s"+string(rune('a'+i)), "web", status, task, flavorM2C4M8, nil))
		}
		b.WriteString("]}")
		reply(w, http.StatusOK, b.String())
	}))
	p := f.provider(t, func(c *Config) { c.PollInterval = 50 * time.Millisecond })
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(n)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			_, err := p.Wait(context.Background(), providers.WaitRequest{Kind: addrs.KindServer, ID: "s" + string(rune('a'+i)), Address: "server/web", Target: providers.TargetRunning})
			errs <- err
		}()
	}
	ready.Wait()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("wait: %v", err)
		}
	}
	if got := lists.Load(); got != 3 {
		t.Errorf("%d server lists for %d waiters, want 3 (one per interval until they ran)", got, n)
	}
	if c := f.count("GET " + computePath("/servers/detail")); c != 3 {
		t.Errorf("%d list calls, want 3", c)
	}
}

func TestWaitServer(t *testing.T) {
	owned := map[string]string{"fleet": "shop", "fleet-address": "server/web-1"}
	srv := func(status, task, flavor string) string {
		return `{"servers": [` + serverJSON("s1", "web-1", status, task, flavor, owned) + `]}`
	}
	failedBuild := `{"servers": [` + strings.Replace(serverJSON("s1", "web-1", "ERROR", "", flavorM2C4M8, owned), `"metadata"`,
		`"fault": {"code": 500, "message": "No valid host was found. There are not enough hosts available."}, "metadata"`, 1) + `]}`
	tests := map[string]struct {
		target    providers.Target
		typ       string
		lists     []string // successive servers/detail answers
		confirm   int      // status answered to confirmResize
		wantErr   error
		wantMsg   string
		confirms  int
		wantPower spec.Power
	}{
		"running after build": {
			target: providers.TargetRunning, lists: []string{srv("BUILD", "spawning", flavorM2C4M8), srv("ACTIVE", "", flavorM2C4M8)}, wantPower: "running",
		},
		"build fails with the fault message": {
			target: providers.TargetRunning, lists: []string{srv("BUILD", "spawning", flavorM2C4M8), failedBuild},
			wantErr: providers.ErrFailed, wantMsg: "No valid host was found",
		},
		"stop waits for task_state to clear": {
			target: providers.TargetStopped, lists: []string{srv("ACTIVE", "powering-off", flavorM2C4M8), srv("SHUTOFF", "", flavorM2C4M8)}, wantPower: "stopped",
		},
		"shelve": {
			target: providers.TargetShelved, lists: []string{srv("ACTIVE", "shelving", flavorM2C4M8), srv("SHELVED_OFFLOADED", "", flavorM2C4M8)}, wantPower: "shelved",
		},
		"resize auto-confirmed, VERIFY_RESIZE never seen": {
			target: providers.TargetRunning, typ: "m2.c8m16", wantPower: "running",
			lists: []string{srv("ACTIVE", "", flavorM2C4M8), srv("RESIZE", "resize_migrating", flavorM2C4M8), srv("ACTIVE", "", flavorM2C8M16)},
		},
		"resize held in VERIFY_RESIZE is confirmed": {
			target: providers.TargetRunning, typ: "m2.c8m16", confirm: http.StatusNoContent, confirms: 1, wantPower: "running",
			lists: []string{srv("RESIZE", "resize_prep", flavorM2C4M8), srv("VERIFY_RESIZE", "", flavorM2C8M16), srv("ACTIVE", "", flavorM2C8M16)},
		},
		"confirm beaten by the cloud's auto-confirm": {
			target: providers.TargetRunning, typ: "m2.c8m16", confirm: http.StatusConflict, confirms: 1, wantPower: "running",
			lists: []string{srv("VERIFY_RESIZE", "", flavorM2C8M16), srv("ACTIVE", "", flavorM2C8M16)},
		},
		"resize of a stopped server ends stopped": {
			target: providers.TargetStopped, typ: "m2.c8m16", wantPower: "stopped",
			lists: []string{srv("RESIZE", "resize_finish", flavorM2C8M16), srv("SHUTOFF", "", flavorM2C8M16)},
		},
		"gone after deleting": {
			target: providers.TargetGone, lists: []string{srv("ACTIVE", "deleting", flavorM2C4M8), `{"servers": []}`},
		},
		"missing server": {
			target: providers.TargetRunning, lists: []string{`{"servers": []}`}, wantErr: providers.ErrNotFound,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			replies := make([]func(http.ResponseWriter, *http.Request), len(tc.lists))
			for i, l := range tc.lists {
				replies[i] = answer(http.StatusOK, l)
			}
			f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", sequence(replies...)))
			if tc.confirm != 0 {
				f.handle("POST "+computePath("/servers/s1/action"), `{"confirmResize": null}`, tc.confirm,
					map[bool]string{true: `{"conflictingRequest": {"code": 409, "message": "Cannot 'confirmResize' instance s1 while it is in vm_state active"}}`}[tc.confirm == 409])
			}
			p := f.provider(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			res, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: "s1", Address: "server/web-1", Target: tc.target, Type: tc.typ})
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("wait: %v", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			case tc.wantMsg != "" && !strings.Contains(err.Error(), tc.wantMsg):
				t.Errorf("err = %v, want the fault message %q", err, tc.wantMsg)
			}
			if tc.wantPower != "" && (res.Server == nil || res.Server.Power != tc.wantPower) {
				t.Errorf("wait returned %+v, want power %s", res.Server, tc.wantPower)
			}
			if tc.typ != "" && tc.wantErr == nil && res.Server.Type != tc.typ {
				t.Errorf("type = %q, want %q", res.Server.Type, tc.typ)
			}
			if got := f.count("POST " + computePath("/servers/s1/action")); got != tc.confirms {
				t.Errorf("%d confirmResize calls, want %d", got, tc.confirms)
			}
		})
	}
}

func TestWaitVolume(t *testing.T) {
	vol := func(status, server string) string {
		att := "[]"
		if server != "" {
			att = `[{"server_id": "` + server + `", "attachment_id": "v1", "volume_id": "v1", "device": "/dev/vdb", "id": "v1"}]`
		}
		return `{"volumes": [{"id": "v1", "name": "data", "status": "` + status + `", "size": 20, "volume_type": "General HDD",
		  "availability_zone": "kr-pub-a", "bootable": "false", "metadata": {"fleet": "shop", "fleet-address": "volume/web-1/data"}, "attachments": ` + att + `}]}`
	}
	tests := map[string]struct {
		target  providers.Target
		lists   []string
		wantErr error
	}{
		"available after creating":  {target: providers.TargetAvailable, lists: []string{vol("creating", ""), vol("available", "")}},
		"attached through reserved": {target: providers.TargetAttached, lists: []string{vol("reserved", ""), vol("attaching", ""), vol("in-use", "s1")}},
		"available after detaching": {target: providers.TargetAvailable, lists: []string{vol("detaching", "s1"), vol("available", "")}},
		"extend fails":              {target: providers.TargetAvailable, lists: []string{vol("extending", ""), vol("error_extending", "")}, wantErr: providers.ErrFailed},
		"gone":                      {target: providers.TargetGone, lists: []string{vol("deleting", ""), `{"volumes": []}`}},
		"missing":                   {target: providers.TargetAvailable, lists: []string{`{"volumes": []}`}, wantErr: providers.ErrNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			replies := make([]func(http.ResponseWriter, *http.Request), len(tc.lists))
			for i, l := range tc.lists {
				replies[i] = answer(http.StatusOK, l)
			}
			f.mux.HandleFunc("GET "+volumePath("/volumes/detail"), f.check("", sequence(replies...)))
			p := f.provider(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := p.Wait(ctx, providers.WaitRequest{Kind: addrs.KindVolume, ID: "v1", Address: "volume/web-1/data", Target: tc.target, ServerID: "s1"})
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got, want := f.count("GET "+volumePath("/volumes/detail")), len(tc.lists); got != want {
				t.Errorf("%d lists, want %d", got, want)
			}
		})
	}
}

func TestWaitImage(t *testing.T) {
	img := func(status string) string {
		return `{"images": [{"id": "img-1", "name": "golden", "status": "` + status + `", "visibility": "private", "fleet": "shop", "fleet-address": "image/golden", "instance_uuid": "s1"}]}`
	}
	tests := map[string]struct {
		lists   []string
		wantErr error
	}{
		"active after saving": {lists: []string{img("queued"), img("saving"), img("active")}},
		"killed":              {lists: []string{img("saving"), img("killed")}, wantErr: providers.ErrFailed},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			replies := make([]func(http.ResponseWriter, *http.Request), len(tc.lists))
			for i, l := range tc.lists {
				replies[i] = answer(http.StatusOK, l)
			}
			f.mux.HandleFunc("GET /image/v2/images", f.check("", sequence(replies...)))
			p := f.provider(t)
			res, err := p.Wait(context.Background(), providers.WaitRequest{Kind: addrs.KindImage, ID: "img-1", Address: "image/golden", Target: providers.TargetAvailable})
			if tc.wantErr == nil && (err != nil || !res.Image.Ready || res.Image.SourceServerID != "s1") || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("wait = %+v, %v; want err %v", res.Image, err, tc.wantErr)
			}
		})
	}
}
