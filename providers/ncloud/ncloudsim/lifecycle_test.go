package ncloudsim

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/providers/simcore"
	"github.com/google/go-cmp/cmp"
)

// step is one point on the fake clock: advance by `after` build times, then
// the server must show `want`.
type step struct {
	after float64
	want  string
}

func walk(t *testing.T, h *harness, no string, steps []step) {
	t.Helper()
	for i, s := range steps {
		h.advance(s.after)
		if got := h.state(no); got != s.want {
			t.Fatalf("step %d (+%.2f build): got %s, want %s", i, s.after, got, s.want)
		}
	}
}

func TestServerTransitions(t *testing.T) {
	tests := map[string]struct {
		setup  func(h *harness) string // returns the server number
		action string                  // the call under test; "" = none
		steps  []step
	}{
		"create: INIT, CREAT, RUN with a SETUP window": {
			setup: func(h *harness) string { return h.createServer("web") },
			steps: []step{
				{0, "INIT/NULL/init"}, {fInit - 0.01, "INIT/NULL/init"}, {0.02, "CREAT/NULL/creating"},
				{fCreat, "RUN/SETUP/setting up"}, {fSetup, "RUN/NULL/running"},
			},
		},
		"stop: RUN/SHTDN then NSTOP": {
			setup: func(h *harness) string { return h.running("web") }, action: "stopServerInstances",
			steps: []step{{0, "RUN/SHTDN/shutting down"}, {fStop - 0.05, "RUN/SHTDN/shutting down"}, {0.1, "NSTOP/NULL/stopped"}},
		},
		"start: NSTOP/START then RUN": {
			setup: func(h *harness) string { return h.stopped("web") }, action: "startServerInstances",
			steps: []step{{0, "NSTOP/START/booting"}, {fStart, "RUN/NULL/running"}},
		},
		"reboot: RUN/RESTA then RUN": {
			setup: func(h *harness) string { return h.running("web") }, action: "rebootServerInstances",
			steps: []step{{0, "RUN/RESTA/rebooting"}, {fReboot, "RUN/NULL/running"}},
		},
		"terminate: NSTOP/TERMT then gone": {
			setup: func(h *harness) string { return h.stopped("web") }, action: "terminateServerInstances",
			steps: []step{{0, "NSTOP/TERMT/terminating"}, {fTerminate, "gone"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			no := tc.setup(h)
			if tc.action != "" {
				h.call(tc.action, "serverInstanceNoList.1", no).ok(t)
			}
			walk(t, h, no, tc.steps)
		})
	}
}

func TestChangeSpec(t *testing.T) {
	h := newHarness(t, nil)
	no := h.stopped("web")
	h.call("changeServerInstanceSpec", "serverInstanceNo", no, "serverSpecCode", "s4-g2-s50").ok(t)
	walk(t, h, no, []step{{0, "NSTOP/CHNG/changingSpec"}})
	srv := h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	if srv["cpuCount"] != 2.0 {
		t.Errorf("cpuCount during CHNG = %v, want the old 2", srv["cpuCount"])
	}
	walk(t, h, no, []step{{fChange, "NSTOP/NULL/stopped"}})
	srv = h.call("getServerInstanceDetail", "serverInstanceNo", no).list(t, "serverInstanceList")[0]
	got := []any{srv["cpuCount"], srv["memorySize"], srv["serverSpecCode"], srv["serverProductCode"]}
	want := []any{4.0, float64(16 * gb), "s4-g2-s50", "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("after CHNG (-want +got):\n%s", d)
	}
	// by product code, the other spelling
	h.call("changeServerInstanceSpec", "serverInstanceNo", no, "serverProductCode", "SVR.VSVR.STAND.C002.M008.NET.SSD.B050.G002").ok(t)
	walk(t, h, no, []step{{fChange, "NSTOP/NULL/stopped"}})
}

// TestRefusals: actions that do not fit the state are refused and change nothing.
func TestRefusals(t *testing.T) {
	tests := map[string]struct {
		setup func(h *harness) string
		op    string
		kv    func(no string) []string
		code  string
	}{
		"start a running server":  {setup: runningServer, op: "startServerInstances", kv: nolist, code: codeInvalid},
		"stop a stopped server":   {setup: stoppedServer, op: "stopServerInstances", kv: nolist, code: codeInvalid},
		"reboot a stopped server": {setup: stoppedServer, op: "rebootServerInstances", kv: nolist, code: codeInvalid},
		"terminate a running one": {setup: runningServer, op: "terminateServerInstances", kv: nolist, code: codeInvalid},
		"stop during SETUP":       {setup: func(h *harness) string { no := h.createServer("web"); h.advance(fInit + fCreat + 0.01); return no }, op: "stopServerInstances", kv: nolist, code: codeInProgress},
		"stop while INIT":         {setup: func(h *harness) string { return h.createServer("web") }, op: "stopServerInstances", kv: nolist, code: codeInvalid},
		"start while stopping": {setup: func(h *harness) string {
			no := h.running("web")
			h.call("stopServerInstances", "serverInstanceNoList.1", no)
			return no
		}, op: "startServerInstances", kv: nolist, code: codeInProgress},
		"terminate a protected":    {setup: func(h *harness) string { return h.stopped("web", "isProtectServerTermination", "true") }, op: "terminateServerInstances", kv: nolist, code: codeInvalid},
		"unknown server":           {setup: func(h *harness) string { return "99999999" }, op: "stopServerInstances", kv: nolist, code: codeInvalid},
		"no server list":           {setup: runningServer, op: "stopServerInstances", kv: func(string) []string { return nil }, code: codeInvalid},
		"change spec of a running": {setup: runningServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "s4-g2-s50"), code: codeInvalid},
		"change spec across type":  {setup: stoppedServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "c2-g2-s50"), code: codeInvalid},
		"change spec across disk":  {setup: stoppedServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "s4-g2-h50"), code: codeInvalid},
		"change spec across gen":   {setup: stoppedServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "s2-g3"), code: codeInvalid},
		"change spec to unknown":   {setup: stoppedServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "s3-g9"), code: codeNoProduct},
		"change spec both codes": {setup: stoppedServer, op: "changeServerInstanceSpec", kv: func(no string) []string {
			return []string{"serverInstanceNo", no, "serverSpecCode", "s4-g2-s50", "serverProductCode", "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"}
		}, code: codeInvalid},
		"change spec to same": {setup: stoppedServer, op: "changeServerInstanceSpec", kv: withSpec("serverSpecCode", "s2-g2-s50"), code: codeInvalid},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			no := tc.setup(h)
			before := ""
			if no != "99999999" {
				before = h.state(no)
			}
			h.call(tc.op, tc.kv(no)...).refused(t, tc.code)
			if no != "99999999" {
				if after := h.state(no); after != before {
					t.Errorf("refused call changed the server: %s → %s", before, after)
				}
			}
		})
	}
}

func runningServer(h *harness) string { return h.running("web") }
func stoppedServer(h *harness) string { return h.stopped("web") }
func nolist(no string) []string       { return []string{"serverInstanceNoList.1", no} }
func withSpec(k, v string) func(string) []string {
	return func(no string) []string { return []string{"serverInstanceNo", no, k, v} }
}

// TestRefusedBatchChangesNothing: one bad server in the list refuses the whole call.
func TestRefusedBatchChangesNothing(t *testing.T) {
	h := newHarness(t, nil)
	a, b := h.running("web-a"), h.stopped("web-b")
	h.call("stopServerInstances", "serverInstanceNoList.1", a, "serverInstanceNoList.2", b).refused(t, codeInvalid)
	if got := h.state(a); got != "RUN/NULL/running" {
		t.Errorf("server a: %s, want untouched", got)
	}
}

// TestTerminateWithStorage follows TF's delete (ncp.md §5.2): 10501 while
// SVRBS is attached; after a detach the op is SETUP and terminate gets
// 1100031 (PR #383); once it is NULL the terminate goes through.
func TestTerminateWithStorage(t *testing.T) {
	h := newHarness(t, nil)
	no := h.stopped("db-1", "blockStorageMappingList.1.order", "1", "blockStorageMappingList.1.blockStorageSize", "100",
		"blockStorageMappingList.1.blockStorageName", "db-data")
	vols := h.call("getBlockStorageInstanceList", "serverInstanceNo", no, "blockStorageTypeCodeList.1", "SVRBS").list(t, "blockStorageInstanceList")
	if len(vols) != 1 || vols[0]["blockStorageName"] != "db-data" || vols[0]["blockStorageSize"] != float64(100*gb) {
		t.Fatalf("mapped volume: %s", jsonString(vols))
	}
	vol := vols[0]["blockStorageInstanceNo"].(string)
	if got := h.volumeState(vol); got != "ATTAC/NULL/attached" {
		t.Fatalf("volume %s", got)
	}
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).refused(t, codeHasStorage)
	h.call("detachBlockStorageInstances", "blockStorageInstanceNoList.1", vol).ok(t)
	if got := h.volumeState(vol); got != "ATTAC/DETAC/detaching" {
		t.Errorf("volume after detach call: %s", got)
	}
	if got := h.state(no); got != "NSTOP/SETUP/setting up" {
		t.Errorf("server after detach call: %s", got)
	}
	h.advance(fVolDetach)
	if got := h.volumeState(vol); got != "CREAT/NULL/detached" {
		t.Errorf("volume after detach: %s", got)
	}
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).refused(t, codeInProgress)
	h.advance(fSetup)
	if got := h.state(no); got != "NSTOP/NULL/stopped" {
		t.Errorf("server after the window: %s", got)
	}
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).ok(t)
	h.advance(fTerminate)
	if got := h.state(no); got != "gone" {
		t.Errorf("server: %s", got)
	}
	if got := h.volumeState(vol); got != "CREAT/NULL/detached" {
		t.Errorf("the detached volume outlives the server: %s", got)
	}
	h.call("deleteBlockStorageInstances", "blockStorageInstanceNoList.1", vol).ok(t)
	if got := h.volumeState(vol); got != "CREAT/TERMT/terminating" {
		t.Errorf("volume deleting: %s", got)
	}
	h.advance(fVolDelete)
	if got := h.volumeState(vol); got != "gone" {
		t.Errorf("volume: %s", got)
	}
}

func TestTimeline(t *testing.T) {
	h := newHarness(t, nil)
	no := h.stopped("web")
	h.call("terminateServerInstances", "serverInstanceNoList.1", no).ok(t)
	h.advance(fTerminate)
	h.state(no)
	var got []string
	for _, e := range h.tl.Events() {
		if e.Kind == kindServer {
			got = append(got, e.Name+" "+e.Status+" +"+e.At.Sub(t0).String())
		}
	}
	want := []string{"web INIT +0s", "web CREAT +30s", "web RUN +1m40s", "web NSTOP +2m36s", "web deleted +3m7s"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
}

func TestBuildFaults(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.Behaviour.StuckBuild = []string{"stuck-*"}
		o.Behaviour.FailBuild = []string{"bad-*"}
		o.Behaviour.CreateErrorAfter = []string{"dup-*"}
	})
	stuck := h.createServer("stuck-1")
	bad := h.createServer("bad-1")
	r := h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"vpcNo", "75", "subnetNo", "36", "serverName", "dup-1")
	if r.status != 503 || string(r.body) != `{"error":{"errorCode":"500","message":"Endpoint Error","details":"Endpoint is not available."}}` {
		t.Errorf("create-error-after: %d %s", r.status, r.body)
	}
	h.advance(2)
	if got := h.state(stuck); got != "INIT/NULL/init" {
		t.Errorf("stuck build: %s", got)
	}
	if got := h.state(bad); got != "FSTOP/NULL/failed" {
		t.Errorf("failed build: %s", got)
	}
	dup := h.call("getServerInstanceList", "serverName", "dup-1").list(t, "serverInstanceList")
	if len(dup) != 1 || codeOf(dup[0], "serverInstanceStatus") != "RUN" {
		t.Errorf("the server of the failed create exists and runs: %s", jsonString(dup))
	}
	// a failed build can be cleaned up
	h.call("terminateServerInstances", "serverInstanceNoList.1", bad).ok(t)
}

// TestBatchFaults: build faults match a batch's members by the names the
// cloud gives them, and one member matching CreateErrorAfter fails the whole
// call after every member is made.
func TestBatchFaults(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.Behaviour.CreateErrorAfter = []string{"dup-002"}
		o.Behaviour.FailBuild = []string{"job-00[2]"}
	})
	r := h.call("createServerInstances", "serverImageProductCode", "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
		"vpcNo", "75", "subnetNo", "36", "serverName", "dup", "serverCreateCount", "3", "serverDescription", "fleet:f server/dup-[1-3]")
	if r.status != 503 {
		t.Errorf("create-error-after in a batch: %d %s", r.status, r.body)
	}
	var got []string
	for _, v := range h.call("getServerInstanceList", "sortedBy", "serverName").list(t, "serverInstanceList") {
		got = append(got, v["serverName"].(string)+" "+v["serverDescription"].(string))
	}
	want := []string{"dup-001 fleet:f server/dup-[1-3]", "dup-002 fleet:f server/dup-[1-3]", "dup-003 fleet:f server/dup-[1-3]"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("members of the failed call (-want +got):\n%s", d)
	}
	h.createServer("job", "serverCreateCount", "2", "serverCreateStartNo", "1")
	h.advance(2)
	var states []string
	for _, v := range h.call("getServerInstanceList", "sortedBy", "serverName").list(t, "serverInstanceList") {
		if name := v["serverName"].(string); strings.HasPrefix(name, "job") {
			states = append(states, name+" "+codeOf(v, "serverInstanceStatus"))
		}
	}
	if d := cmp.Diff([]string{"job-001 RUN", "job-002 FSTOP"}, states); d != "" {
		t.Errorf("build faults in a batch (-want +got):\n%s", d)
	}
}

func TestGatewayFaults(t *testing.T) {
	tests := map[string]struct {
		b          simcore.Behaviour
		status     int
		body       string
		retryAfter string
	}{
		"throttle": {simcore.Behaviour{ThrottleRate: 1}, 429, `{"error":{"errorCode":"410","message":"Throttle Limited","details":"Throttle limit exceeded."}}`, "1"},
		"error":    {simcore.Behaviour{ErrorRate: 1}, 503, `{"error":{"errorCode":"500","message":"Endpoint Error","details":"Endpoint is not available."}}`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.sim.Injector().Set(tc.b)
			r := h.call("getServerInstanceList")
			if r.status != tc.status || string(r.body) != tc.body || r.header.Get("Retry-After") != tc.retryAfter {
				t.Errorf("got %d %s Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
			}
			if n := h.sim.Stats().Snapshot().Operations["getServerInstanceList"]; n != 1 {
				t.Errorf("stats count %d, want the refused call counted", n)
			}
		})
	}
	t.Run("rate limit", func(t *testing.T) {
		h := newHarness(t, nil)
		h.sim.Injector().Set(simcore.Behaviour{RateLimit: 1})
		h.call("getRegionList").ok(t)
		r := h.call("getRegionList")
		if r.status != 429 || r.header.Get("Retry-After") == "" ||
			string(r.body) != `{"error":{"errorCode":"420","message":"Rate Limited","details":"Rate limit exceeded."}}` {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
}
