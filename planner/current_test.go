package planner

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
)

// An owned record whose tag names no address of its kind is left alone
// with a warning that quotes the tag as the cloud has it; a well-formed
// one missing from the state is adopted.
func TestAdoptReadsTheOwnerTag(t *testing.T) {
	for name, tc := range map[string]struct {
		tag   string
		adopt bool
	}{
		"server address":        {tag: "server/db", adopt: true},
		"too many segments":     {tag: "server/db/x"},
		"another kind":          {tag: "volume/db/data"},
		"no address at all":     {tag: "db"},
		"empty name after kind": {tag: "server/"},
	} {
		t.Run(name, func(t *testing.T) {
			f := webAndDB(nil, nil)
			st, inv := world(f)
			st.Remove(addrs.Server("db"))
			nhn := inv["nhn"]
			for i := range nhn.Servers {
				if nhn.Servers[i].Owner.Address == "server/db" {
					nhn.Servers[i].Owner.Address = tc.tag
				}
			}
			p, diags := Build(Input{Fleet: f, State: st, Inventory: inv})
			_, adopted := actionByID(p, "adopt server/db")
			if adopted != tc.adopt {
				t.Errorf("adopted %v, want %v: %v", adopted, tc.adopt, actionIDs(p))
			}
			warned := false
			for _, d := range diags {
				warned = warned || d.Address == tc.tag && strings.Contains(d.Summary, "malformed owner address") &&
					strings.Contains(d.Detail, `"`+tc.tag+`"`)
			}
			if warned == tc.adopt {
				t.Errorf("warned of a malformed tag %v, want %v: %v", warned, !tc.adopt, diags)
			}
		})
	}
}
