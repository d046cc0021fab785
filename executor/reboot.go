package executor

import (
	"context"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// reboot restarts the server and waits until it runs again; the state
// records it as the wait last saw it.
func (s *step) reboot() (string, error) {
	id, err := s.targetID()
	if err != nil {
		return "", err
	}
	err = s.call("update", func(ctx context.Context) error {
		_, err := s.prov.Update(ctx, providers.UpdateRequest{Kind: addrs.KindServer, ID: id, Address: s.a.Address.String(),
			Change: providers.Reboot{Hard: s.a.Reboot.Hard}})
		return err
	})
	if err != nil {
		return id, err
	}
	seen, err := s.wait(providers.WaitRequest{Kind: addrs.KindServer, ID: id, Target: providers.TargetRunning})
	if err != nil {
		return id, fmt.Errorf("wait for %s to be running again: %w", s.a.Address, err)
	}
	return id, s.finish(s.refresh(seen, func(r *state.Resource) {
		if r.Server != nil {
			r.Server.Busy = false
		}
	}))
}
