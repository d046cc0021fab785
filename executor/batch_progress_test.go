package executor

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/style"
)

// TestBatchStillRunningNamesTheMembersLeft: while a batch create waits for
// a member whose build does not end, its still-running reports name that
// member (the text line and the JSON event), not only the batch's address.
func TestBatchStillRunningNamesTheMembersLeft(t *testing.T) {
	prov := &fakeBatcher{fakeProvider: &fakeProvider{}, max: 5}
	release := make(chan struct{})
	prov.WaitF = func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		if req.Address == "server/web-4" {
			<-release
		}
		return providers.WaitResponse{}, nil
	}
	rec := &recorder{}
	var text, js bytes.Buffer
	obs := observers{rec, NewTextObserver(&text, style.Style{}), NewJSONObserver(&js)}
	time.AfterFunc(300*time.Millisecond, func() { close(release) })
	res, err := Apply(context.Background(), Options{Plan: countPlan(t, prov, 1, 5, nil), Providers: map[string]providers.Provider{"p": prov},
		Backend: &memBackend{}, State: &state.State{}, Parallelism: 2, Observer: obs, SlowAfter: 20 * time.Millisecond})
	if err != nil || !res.Tally.OK() {
		t.Fatalf("apply: %v %s %v", err, res.Tally, res.Failed)
	}
	var last Event
	for _, ev := range rec.of(ActionStillRunning) {
		if ev.ActionID == "create server/web-[1-5]" {
			last = ev
		}
	}
	if !slices.Equal(last.Left, []string{"server/web-4"}) {
		t.Fatalf("last still-running report of the batch leaves %q, want server/web-4 alone", last.Left)
	}
	if !strings.Contains(text.String(), "server/web-[1-5]: Still creating... [0s elapsed] 1 left: server/web-4\n") {
		t.Errorf("no text line names web-4 as left:\n%s", text.String())
	}
	if !strings.Contains(js.String(), `"left":["server/web-4"]`) {
		t.Errorf("no JSON event names web-4 as left:\n%s", js.String())
	}
}

// observers passes every event to each of its observers in turn.
type observers []Observer

func (o observers) Observe(ev Event) {
	for _, x := range o {
		x.Observe(ev)
	}
}

func TestLeftOf(t *testing.T) {
	tests := map[string]struct {
		left []string
		want string
	}{
		"none":      {nil, ""},
		"one":       {[]string{"server/web-4"}, " 1 left: server/web-4"},
		"three":     {[]string{"server/web-1", "server/web-2", "server/web-3"}, " 3 left: server/web-1, server/web-2, server/web-3"},
		"many, cut": {[]string{"server/web-1", "server/web-2", "server/web-3", "server/web-4"}, " 4 left: server/web-1, server/web-2, server/web-3, …"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := leftOf(tc.left); got != tc.want {
				t.Errorf("leftOf(%q) = %q, want %q", tc.left, got, tc.want)
			}
		})
	}
}
