package ncloudsim

import "testing"

// TestPublicIPLifecycle follows one address through allocate, associate,
// disassociate and delete, with the refusals clients meet on the way.
func TestPublicIPLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.running("pip-1")
	pip := func(no string) map[string]any {
		t.Helper()
		return h.call("getPublicIpInstanceDetail", "publicIpInstanceNo", no).list(t, "publicIpInstanceList")[0]
	}
	server := func() map[string]any {
		t.Helper()
		return h.call("getServerInstanceDetail", "serverInstanceNo", srv).list(t, "serverInstanceList")[0]
	}
	opOf := func(m map[string]any) string { return m["publicIpInstanceOperation"].(map[string]any)["code"].(string) }

	no := h.call("createPublicIpInstance", "publicIpDescription", "fleet:f server/pip-1").
		list(t, "publicIpInstanceList")[0]["publicIpInstanceNo"].(string)
	if p := pip(no); p["serverInstanceNo"] != "" || opOf(p) != "NULL" || p["publicIpDescription"] != "fleet:f server/pip-1" {
		t.Fatalf("allocated: %v", p)
	}
	h.call("associatePublicIpWithServerInstance", "publicIpInstanceNo", no, "serverInstanceNo", srv).ok(t)
	if p := pip(no); p["serverInstanceNo"] != srv || opOf(p) != "SET" {
		t.Fatalf("associating: %v", p)
	}
	h.call("disassociatePublicIpFromServerInstance", "publicIpInstanceNo", no).refused(t, codeInvalid) // busy
	h.advance(fPublicIP + 0.01)
	if s := server(); s["publicIpInstanceNo"] != no || s["publicIp"] != pip(no)["publicIp"] {
		t.Fatalf("server after associate: %v %v", s["publicIpInstanceNo"], s["publicIp"])
	}
	h.call("deletePublicIpInstance", "publicIpInstanceNo", no).refused(t, codeInvalid) // still associated
	other := h.call("createPublicIpInstance").list(t, "publicIpInstanceList")[0]["publicIpInstanceNo"].(string)
	h.call("associatePublicIpWithServerInstance", "publicIpInstanceNo", other, "serverInstanceNo", srv).refused(t, codeInvalid)
	if got := len(h.call("getPublicIpInstanceList", "isAssociated", "false").list(t, "publicIpInstanceList")); got != 1 {
		t.Fatalf("unassociated addresses: %d, want 1", got)
	}
	h.call("deletePublicIpInstance", "publicIpInstanceNo", other).ok(t)

	h.call("disassociatePublicIpFromServerInstance", "publicIpInstanceNo", no, "serverInstanceNo", srv).ok(t)
	h.advance(fPublicIP + 0.01)
	if s := server(); s["publicIp"] != "" {
		t.Fatalf("server still shows %v", s["publicIp"])
	}
	h.call("associatePublicIpWithServerInstance", "publicIpInstanceNo", no, "serverInstanceNo", srv).ok(t)
	h.advance(fPublicIP + 0.01)

	// Terminating the server leaves its address allocated, disassociated.
	h.call("stopServerInstances", "serverInstanceNoList.1", srv).ok(t)
	h.advance(fStop + 0.01)
	h.call("terminateServerInstances", "serverInstanceNoList.1", srv).ok(t)
	h.advance(fTerminate + 0.01)
	if p := pip(no); p["serverInstanceNo"] != "" {
		t.Fatalf("after termination: %v", p)
	}
	h.call("deletePublicIpInstance", "publicIpInstanceNo", no).ok(t)
	h.call("getPublicIpInstanceDetail", "publicIpInstanceNo", no).refused(t, codeInvalid)
}

// TestAssociateWithPublicIpMakesAnInstance: a server created with
// associateWithPublicIp gets a listed public IP instance without
// description.
func TestAssociateWithPublicIpMakesAnInstance(t *testing.T) {
	h := newHarness(t, nil)
	srv := h.running("pip-2", "associateWithPublicIp", "true")
	l := h.call("getPublicIpInstanceList").list(t, "publicIpInstanceList")
	if len(l) != 1 || l[0]["serverInstanceNo"] != srv || l[0]["publicIpDescription"] != "" {
		t.Fatalf("public IPs: %v", l)
	}
}

// TestPublicIPTransitionSurvivesReload: an associate in progress when the
// simulator restarts still ends.
func TestPublicIPTransitionSurvivesReload(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(o *Options) { o.Dir = dir })
	srv := h.running("pip-3")
	no := h.call("createPublicIpInstance").list(t, "publicIpInstanceList")[0]["publicIpInstanceNo"].(string)
	h.call("associatePublicIpWithServerInstance", "publicIpInstanceNo", no, "serverInstanceNo", srv).ok(t)
	again, err := New(Options{Dir: dir, Clock: h.clock, AuthClock: h.clock, Behaviour: h.sim.Injector().Behaviour()})
	if err != nil {
		t.Fatal(err)
	}
	h.sim = again
	h.srv.Config.Handler = again
	h.advance(fPublicIP + 0.01)
	p := h.call("getPublicIpInstanceDetail", "publicIpInstanceNo", no).list(t, "publicIpInstanceList")[0]
	if op := p["publicIpInstanceOperation"].(map[string]any)["code"]; op != "NULL" || p["serverInstanceNo"] != srv {
		t.Fatalf("after reload: op %v server %v", op, p["serverInstanceNo"])
	}
}
