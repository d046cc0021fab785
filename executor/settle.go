package executor

import (
	"errors"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// settle runs a wait action: it waits, without any call, for a resource an
// earlier run (or someone else) left in transition to settle, and records
// what it then is. A server or volume settles when no operation is in
// progress, whatever its power state (the actions after it bring it to the
// declared one); an image when it is ready. One that vanishes meanwhile
// has settled too.
func (s *step) settle() (string, error) {
	if s.ctx.Err() != nil {
		return "", errHalted
	}
	target := providers.TargetIdle
	if s.a.Kind == addrs.KindImage {
		target = providers.TargetAvailable
	}
	s.begin()
	seen, err := s.wait(providers.WaitRequest{Kind: s.a.Kind, ID: s.a.CloudID, Target: target})
	if errors.Is(err, providers.ErrNotFound) {
		// It was being deleted (an interrupted delete): it has settled as
		// gone. The delete after it, if any, finds it so and forgets it.
		return s.a.CloudID, nil
	}
	if err != nil {
		return s.a.CloudID, fmt.Errorf("wait for %s to settle: %w", s.a.Address, err)
	}
	return s.a.CloudID, s.commit(s.refresh(seen, nil))
}
