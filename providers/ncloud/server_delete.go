package ncloud

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// deleteServer terminates a server the way NCP requires: never when
// protected; its public IP released; stopped first; its additional (SVRBS) volumes detached; its
// operation back to NULL after the detach (SETUP, PR #383); then terminate.
func (p *Provider) deleteServer(ctx context.Context, id, addr string) error {
	s, err := p.settled(ctx, id, addr)
	if err != nil {
		return err
	}
	if s.IsProtectServerTermination {
		return conflict(addr, "server %s has termination protection on; set protect: false first", id)
	}
	// Termination would leave the public IP allocated (and billed).
	if err := p.releaseServerPublicIPs(ctx, s, addr); err != nil {
		return err
	}
	if s.Status.Code == "RUN" {
		if err := p.serverAction(ctx, "stopServerInstances", id, addr); err != nil {
			return err
		}
		if err := p.waitServer(ctx, id, addr, providers.TargetStopped, ""); err != nil {
			return err
		}
	}
	vols, _, err := p.lists.volumes.Do(ctx, id)
	if err != nil {
		return withAddress(err, addr)
	}
	var detach []string
	for _, v := range vols {
		if v.BlockStorageType.Code == "SVRBS" && v.ServerInstanceNo == id && v.Status.Code == "ATTAC" {
			detach = append(detach, v.BlockStorageInstanceNo)
		}
	}
	if len(detach) > 0 {
		f := newForm().list("blockStorageInstanceNoList", detach)
		if err := p.c.call(ctx, "detachBlockStorageInstances", f, nil); err != nil {
			return withAddress(err, addr)
		}
		g, gctx := errgroup.WithContext(ctx)
		for _, vid := range detach {
			g.Go(func() error {
				_, err := p.poller.wait(gctx, providers.WaitRequest{Kind: addrs.KindVolume, ID: vid, Address: addr, Target: providers.TargetAvailable}, false)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if err := p.waitServer(ctx, id, addr, providers.TargetIdle, ""); err != nil {
			return err
		}
	}
	return p.serverAction(ctx, "terminateServerInstances", id, addr)
}
