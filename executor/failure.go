package executor

import (
	"errors"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
)

// Failure is one failed action: which action, on what, and why, with the
// cloud's own error code when a cloud's answer was the cause. It is the
// error of the action's ActionFailed event too, so the text and JSON
// progress and the CLI render it from these fields (errors.As) instead of
// reading them back out of a message.
type Failure struct {
	ActionID string
	Address  addrs.Address
	Type     planner.ActionType
	Code     string // the cloud's code (providers.APIError.Code), "" when no cloud answer caused it
	Err      error  // the cause, as the step returned it
}

// newFailure is a's failure with cause err.
func newFailure(a *planner.Action, err error) Failure {
	f := Failure{ActionID: a.ID, Address: a.Address, Type: a.Type, Err: err}
	var ae *providers.APIError
	if errors.As(err, &ae) {
		f.Code = ae.Code
	}
	return f
}

// Error names the address once, first: "server/web-1: rollout check
// failed: ...".
func (f Failure) Error() string {
	msg := f.cause()
	if strings.HasPrefix(msg, f.Address.String()+" ") {
		return msg // "server/web-1 did not become running within 1h ..."
	}
	return f.Address.String() + ": " + msg
}

// Reason is the cause without the address in front: what follows
// "server/web-1: Creation failed after 3s: " in a progress line.
func (f Failure) Reason() string {
	return f.cause()
}

// cause is the cause's text without a leading "ADDRESS: ": providers and
// the executor's own steps name the address an error concerns first, which
// a Failure already carries as a field. This is the one place that knows
// that convention.
func (f Failure) cause() string {
	if f.Err == nil {
		return "failed"
	}
	return strings.TrimPrefix(f.Err.Error(), f.Address.String()+": ")
}

func (f Failure) Unwrap() error { return f.Err }
