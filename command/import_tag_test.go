package command

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// An import that stops while tagging says the same run finishes it; an
// interrupt says so without the raw text of the cancelled call.
func TestTagStopped(t *testing.T) {
	cause := errors.New(`server/web-1: nhncloud GET /servers/{id}: Get "http://x/servers/1": context canceled`)
	ctx, cancel := context.WithCancel(context.Background())
	if got := tagStopped(ctx, 2, cause).Error(); !strings.Contains(got, "tagging stopped after 2 resource(s): server/web-1: nhncloud") {
		t.Errorf("failed call: %q", got)
	}
	cancel()
	got := tagStopped(ctx, 2, cause)
	if !strings.Contains(got.Error(), "interrupted while tagging, after 2 resource(s)") || strings.Contains(got.Error(), "http://") {
		t.Errorf("interrupt: %q", got)
	}
	if ue, ok := got.(*userErr); !ok || !strings.Contains(ue.detail, "Run the same command again") {
		t.Errorf("interrupt gives no fix: %#v", got)
	}
}
