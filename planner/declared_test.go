package planner

import (
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// TestAdoptKeepsIntentDeclared: a crash after the cloud made db but before
// the state recorded it leaves the create's intent, which carries what the
// state would have recorded. The adopted server keeps it, so a user_data
// change made since is still a replace, never ignored.
func TestAdoptKeepsIntentDeclared(t *testing.T) {
	for name, tc := range map[string]struct {
		userData    string
		wantReplace bool
	}{
		"unchanged": {userData: "#cloud-config a"},
		"changed":   {userData: "#cloud-config b", wantReplace: true},
	} {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, func(s *spec.Server) { s.Volumes = nil; s.UserData = tc.userData })
			st, inv := world(f)
			st.Remove(addrs.Server("db"))
			declared := map[string]string{"user_data": UserDataDigest("#cloud-config a")}
			st.Intents = []state.Intent{{Action: "create server/db", Address: addrs.Server("db"), Provider: "nhn", Op: "create", Started: started, Declared: declared}}
			p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
			noErrors(t, diags)
			ad := p.Actions[position(t, p, "adopt server/db")]
			if ad.Declared["user_data"] != declared["user_data"] {
				t.Errorf("adopt records %v, want the intent's %v", ad.Declared, declared)
			}
			_, replaced := actionByID(p, "delete server/db (replaced)")
			if replaced != tc.wantReplace {
				t.Errorf("replace planned %v, want %v: %v", replaced, tc.wantReplace, actionIDs(p))
			}
		})
	}
}
