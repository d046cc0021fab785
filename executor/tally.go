package executor

import (
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/planner"
)

// Tally counts what an apply did: successful actions by type, and the
// actions that did not succeed by outcome.
type Tally struct {
	Succeeded   map[planner.ActionType]int `json:"succeeded,omitempty"`
	Failed      int                        `json:"failed,omitempty"`
	Interrupted int                        `json:"interrupted,omitempty"` // cancelled while running
	Skipped     int                        `json:"skipped,omitempty"`     // an upstream action failed
	NotStarted  int                        `json:"not_started,omitempty"` // a rollout stopped, or the apply was cancelled
}

// verbs lists the action types in the order the tally names them, with the
// words the progress lines and the tally use for each.
var verbs = []struct {
	typ     planner.ActionType
	ing     string // Creating...
	noun    string // Creation complete
	past    string // 3 created
	stillAs string // Still creating...
}{
	{planner.Wait, "Waiting", "Wait", "settled", "waiting"},
	{planner.Create, "Creating", "Creation", "created", "creating"},
	{planner.Adopt, "Adopting", "Adoption", "adopted", "adopting"},
	{planner.Rename, "Renaming", "Rename", "renamed", "renaming"},
	{planner.Resize, "Resizing", "Resize", "resized", "resizing"},
	{planner.Start, "Starting", "Start", "started", "starting"},
	{planner.Stop, "Stopping", "Stop", "stopped", "stopping"},
	{planner.Shelve, "Shelving", "Shelve", "shelved", "shelving"},
	{planner.Unshelve, "Unshelving", "Unshelve", "unshelved", "unshelving"},
	{planner.Attach, "Attaching", "Attachment", "attached", "attaching"},
	{planner.Detach, "Detaching", "Detachment", "detached", "detaching"},
	{planner.Update, "Updating", "Update", "updated", "updating"},
	{planner.Reboot, "Rebooting", "Reboot", "rebooted", "rebooting"},
	{planner.Check, "Checking", "Check", "checked", "checking"},
	{planner.MakeImg, "Creating image", "Image creation", "imaged", "creating image"},
	{planner.Delete, "Deleting", "Deletion", "deleted", "deleting"},
}

func verbFor(t planner.ActionType) (ing, noun, still string) {
	for _, v := range verbs {
		if v.typ == t {
			return v.ing, v.noun, v.stillAs
		}
	}
	return "Applying " + string(t), "Action " + string(t), "applying " + string(t)
}

// known reports whether the executor knows how to run actions of type t.
func known(t planner.ActionType) bool {
	for _, v := range verbs {
		if v.typ == t {
			return true
		}
	}
	return false
}

// OK reports whether every action succeeded.
func (t Tally) OK() bool {
	return t.Failed == 0 && t.Interrupted == 0 && t.Skipped == 0 && t.NotStarted == 0
}

// String is the closing line of an apply: "Apply complete: 3 created, 1
// resized, 2 attached." when everything succeeded, "Apply: 12 created, 1
// failed, 3 skipped." otherwise. Zero counts are left out.
func (t Tally) String() string {
	return t.Summary("Apply")
}

// Summary is String for the operation named op ("Destroy", "Reboot"):
// "Destroy complete: 2 deleted.".
func (t Tally) Summary(op string) string {
	var parts []string
	for _, v := range verbs {
		if n := t.Succeeded[v.typ]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.past))
		}
	}
	for _, o := range []struct {
		n    int
		word string
	}{{t.Failed, "failed"}, {t.Interrupted, "interrupted"}, {t.Skipped, "skipped"}, {t.NotStarted, "not started"}} {
		if o.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", o.n, o.word))
		}
	}
	prefix := op + ":"
	if t.OK() {
		prefix = op + " complete:"
	}
	if len(parts) == 0 {
		return prefix + " no changes."
	}
	return prefix + " " + strings.Join(parts, ", ") + "."
}

func (t *Tally) add(o outcome, typ planner.ActionType) {
	switch o {
	case outSucceeded:
		if t.Succeeded == nil {
			t.Succeeded = map[planner.ActionType]int{}
		}
		t.Succeeded[typ]++
	case outFailed:
		t.Failed++
	case outInterrupted:
		t.Interrupted++
	case outSkipped:
		t.Skipped++
	case outNotStarted:
		t.NotStarted++
	}
}
