package planner

import (
	"slices"
	"testing"
)

// allTypes are the action types, listed by hand so that a new one fails
// TestParamsOfEveryType until the table names its group.
var allTypes = []ActionType{Create, Resize, Start, Stop, Shelve, Unshelve, Attach, Detach, Update, Rename, Delete, MakeImg, Adopt, Wait, Reboot, Check}

// TestParamsOfEveryType: every action type has exactly one entry in the
// table of parameter groups, and no group but NoParams serves two verbs
// save attach and detach.
func TestParamsOfEveryType(t *testing.T) {
	if len(paramsOf) != len(allTypes) {
		t.Errorf("paramsOf has %d entries, want one for each of the %d types", len(paramsOf), len(allTypes))
	}
	for _, typ := range allTypes {
		if _, ok := ParamsOf(typ); !ok {
			t.Errorf("%s has no parameter group", typ)
		}
	}
	if _, ok := ParamsOf("teleport"); ok {
		t.Error("an unknown type has a parameter group")
	}
}

// wantParamGroups checks that every action the planner built carries
// exactly the parameter group its type needs (none for NoParams).
func wantParamGroups(t *testing.T, p *Plan) {
	t.Helper()
	for i := range p.Actions {
		a := &p.Actions[i]
		want, _ := ParamsOf(a.Type)
		var wantGroups []ParamGroup
		if want != NoParams {
			wantGroups = []ParamGroup{want}
		}
		if got := a.ParamGroups(); !slices.Equal(got, wantGroups) {
			t.Errorf("%s carries parameter groups %v, want %v", a.ID, got, wantGroups)
		}
	}
}
