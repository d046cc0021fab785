package executor

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// TestEveryTypeHasOneParamGroup: every action type the executor runs has
// exactly one entry in the planner's table of parameter groups.
func TestEveryTypeHasOneParamGroup(t *testing.T) {
	for _, v := range verbs {
		if _, ok := planner.ParamsOf(v.typ); !ok {
			t.Errorf("action type %s has no parameter group in planner.ParamsOf", v.typ)
		}
	}
}

// TestCheckActionParamGroups: an action carries exactly the parameter group
// its type needs; none, two, or the wrong one is refused before any call.
func TestCheckActionParamGroups(t *testing.T) {
	srv := func(typ planner.ActionType) planner.Action {
		return planner.Action{ID: string(typ) + " server/a", Type: typ, Kind: addrs.KindServer, Address: addrs.Server("a"), Provider: "p", CloudID: "1"}
	}
	with := func(a planner.Action, edit func(*planner.Action)) planner.Action {
		edit(&a)
		return a
	}
	on := true
	create := &planner.CreateParams{Server: &providers.ServerSpec{Name: "a"}}
	tests := map[string]struct {
		a    planner.Action
		want string // "" when accepted
	}{
		"create with its group":     {with(srv(planner.Create), func(a *planner.Action) { a.Create = create }), ""},
		"resize with its group":     {with(srv(planner.Resize), func(a *planner.Action) { a.Resize = &planner.ResizeParams{NewType: "s4"} }), ""},
		"update with its group":     {with(srv(planner.Update), func(a *planner.Action) { a.Update = &planner.UpdateParams{Protect: &on} }), ""},
		"rename with its group":     {with(srv(planner.Rename), func(a *planner.Action) { a.Rename = &planner.RenameParams{NewName: "b", NewAddress: addrs.Server("b")} }), ""},
		"reboot with its group":     {with(srv(planner.Reboot), func(a *planner.Action) { a.Reboot = &planner.RebootParams{} }), ""},
		"check with its group":      {with(srv(planner.Check), func(a *planner.Action) { a.Check = &planner.CheckSpec{Command: "true"} }), ""},
		"stop with none":            {srv(planner.Stop), ""},
		"delete with none":          {srv(planner.Delete), ""},
		"create with none":          {srv(planner.Create), "create without its create parameters"},
		"update with none":          {srv(planner.Update), "update without its update parameters"},
		"reboot with none":          {srv(planner.Reboot), "reboot without its reboot parameters"},
		"check with none":           {srv(planner.Check), "check without its check parameters"},
		"adopt with none":           {srv(planner.Adopt), "adopt without its adopted parameters"},
		"resize with the wrong one": {with(srv(planner.Resize), func(a *planner.Action) { a.Update = &planner.UpdateParams{Protect: &on} }), "resize with update parameters, want resize"},
		"stop with one":             {with(srv(planner.Stop), func(a *planner.Action) { a.Resize = &planner.ResizeParams{NewType: "s4"} }), "stop with resize parameters, want none"},
		"create with two": {with(srv(planner.Create), func(a *planner.Action) {
			a.Create, a.Resize = create, &planner.ResizeParams{NewType: "s4"}
		}), "create with 2 parameter groups (create, resize), want only create"},
		"image with two": {planner.Action{ID: "image image/i", Type: planner.MakeImg, Kind: addrs.KindImage, Address: addrs.Image("i"), Provider: "p",
			MakeImage: &planner.ImageParams{Image: &spec.Image{Name: "i", From: "a"}}, Create: create}, "image with 2 parameter groups (create, make_image), want only make_image"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := checkAction(&tt.a)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}
