package executor

import (
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/planner"
)

func TestTallyString(t *testing.T) {
	tests := map[string]struct {
		tally Tally
		want  string
	}{
		"nothing":  {Tally{}, "Apply complete: no changes."},
		"complete": {Tally{Succeeded: map[planner.ActionType]int{planner.Attach: 2, planner.Create: 3, planner.Resize: 1}}, "Apply complete: 3 created, 1 resized, 2 attached."},
		"failed": {
			Tally{Succeeded: map[planner.ActionType]int{planner.Create: 12}, Failed: 1, Skipped: 3},
			"Apply: 12 created, 1 failed, 3 skipped.",
		},
		"rollout stopped": {
			Tally{Succeeded: map[planner.ActionType]int{planner.Stop: 2, planner.Start: 2, planner.Resize: 2}, Failed: 1, NotStarted: 4},
			"Apply: 2 resized, 2 started, 2 stopped, 1 failed, 4 not started.",
		},
		"interrupted": {Tally{Interrupted: 2, NotStarted: 98}, "Apply: 2 interrupted, 98 not started."},
		"every type": {
			Tally{Succeeded: map[planner.ActionType]int{planner.Create: 1, planner.Adopt: 1, planner.Rename: 1, planner.Resize: 1,
				planner.Start: 1, planner.Stop: 1, planner.Shelve: 1, planner.Unshelve: 1, planner.Attach: 1, planner.Detach: 1,
				planner.Update: 1, planner.MakeImg: 1, planner.Delete: 1}},
			"Apply complete: 1 created, 1 adopted, 1 renamed, 1 resized, 1 started, 1 stopped, 1 shelved, 1 unshelved, 1 attached, 1 detached, 1 updated, 1 imaged, 1 deleted.",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.tally.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTallySummaryNamesTheOperation(t *testing.T) {
	tests := map[string]struct {
		op    string
		tally Tally
		want  string
	}{
		"destroy complete": {"Destroy", Tally{Succeeded: map[planner.ActionType]int{planner.Stop: 2, planner.Delete: 2}}, "Destroy complete: 2 stopped, 2 deleted."},
		"destroy failed":   {"Destroy", Tally{Succeeded: map[planner.ActionType]int{planner.Delete: 1}, Failed: 1}, "Destroy: 1 deleted, 1 failed."},
		"reboot nothing":   {"Reboot", Tally{}, "Reboot complete: no changes."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.tally.Summary(tt.op); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestJSONSummaryNamesTheOperation: apply_finished's summary reads as the
// CLI's closing line does for destroy and reboot too.
func TestJSONSummaryNamesTheOperation(t *testing.T) {
	tests := map[string]struct {
		op   string
		want string
	}{
		"apply, unnamed": {"", `"summary":"Apply complete: 1 deleted."`},
		"destroy":        {"Destroy", `"summary":"Destroy complete: 1 deleted."`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			o := NewJSONObserver(&b)
			o.Operation = tt.op
			o.Observe(Event{Kind: ApplyFinished, Tally: &Tally{Succeeded: map[planner.ActionType]int{planner.Delete: 1}}})
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("got %s, want %s in it", b.String(), tt.want)
			}
		})
	}
}
