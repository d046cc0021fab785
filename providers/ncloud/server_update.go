package ncloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// server reads one server; a missing server is ErrNotFound. Servers read
// at the same moment are read with one list call.
func (p *Provider) server(ctx context.Context, id, addr string) (serverInstance, error) {
	s, ok, err := p.lists.reads.Do(ctx, id)
	if err != nil {
		return serverInstance{}, withAddress(err, addr)
	}
	if !ok {
		return serverInstance{}, notFound(addrs.KindServer, id, addr)
	}
	return s, nil
}

// settled reads a server, first waiting for any operation in progress to
// end: NCP refuses control calls meanwhile (1100031).
func (p *Provider) settled(ctx context.Context, id, addr string) (serverInstance, error) {
	s, err := p.server(ctx, id, addr)
	if err != nil || !serverBusy(s) {
		return s, err
	}
	if _, err := p.poller.wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: addr, Target: providers.TargetIdle}, false); err != nil {
		return s, err
	}
	return p.server(ctx, id, addr)
}

func (p *Provider) waitServer(ctx context.Context, id, addr string, target providers.Target, typ string) error {
	_, err := p.poller.wait(ctx, providers.WaitRequest{Kind: addrs.KindServer, ID: id, Address: addr, Target: target, Type: typ}, false)
	return err
}

// serverAction stops, starts, reboots or terminates a server (or detaches
// or deletes a volume); those asking at the same moment share one call.
func (p *Provider) serverAction(ctx context.Context, op, id, addr string) error {
	res, _, err := p.lists.action(op).Do(ctx, id)
	if err == nil {
		err = res
	}
	return withAddress(err, addr)
}

func (p *Provider) updateServer(ctx context.Context, req providers.UpdateRequest) error {
	id, addr := req.ID, req.Address
	switch c := req.Change.(type) {
	case providers.Resize:
		return p.resize(ctx, id, addr, c.Type)
	case providers.PowerChange:
		return p.power(ctx, id, addr, c.To)
	case providers.Reboot:
		return p.reboot(ctx, id, addr)
	case providers.Protect:
		s, err := p.server(ctx, id, addr)
		if err != nil || s.IsProtectServerTermination == c.On {
			return err
		}
		f := newForm().set("serverInstanceNo", id).setBool("isProtectServerTermination", c.On)
		return withAddress(p.c.call(ctx, "setProtectServerTermination", f, nil), addr)
	case providers.Rename:
		return p.rename(ctx, id, addr, c)
	case providers.SecurityGroups:
		if _, err := p.server(ctx, id, addr); err != nil {
			return err
		}
		return conflict(addr, "the ACGs of a server's network interface cannot be changed through the server API; replace the server")
	case providers.Metadata:
		return conflict(addr, "NCP servers have no metadata; use description or init_script")
	}
	return fmt.Errorf("ncloud: %s: update names no change", addr)
}

// rename changes a server's name. The description cannot be edited, so the
// owner tag keeps the old address; the name carries the new one (see
// serverOwner). A batch member getting its declared name (NameOnly) skips
// the read that spares renaming to the current name: it would double the
// calls of a batch's renames.
func (p *Provider) rename(ctx context.Context, id, addr string, r providers.Rename) error {
	if !r.NameOnly {
		s, err := p.server(ctx, id, addr)
		if err != nil || s.ServerName == r.Name {
			return err
		}
	}
	if want := addrs.Server(r.Name).String(); r.Owner.Address != "" && r.Owner.Address != want {
		return fmt.Errorf("ncloud: %s: rename to %q must keep the address %s, got %s", addr, r.Name, want, r.Owner.Address)
	}
	f := newForm().set("serverInstanceNo", id).set("serverName", r.Name)
	return withAddress(p.c.call(ctx, "changeServerInstanceName", f, nil), addr)
}

// power starts or stops a server. A server already there is left alone;
// one in the middle of an operation is waited for first.
func (p *Provider) power(ctx context.Context, id, addr string, to spec.Power) error {
	if to != spec.PowerRunning && to != spec.PowerStopped {
		return conflict(addr, "power %q is not available on NCP (running or stopped only)", to)
	}
	s, err := p.settled(ctx, id, addr)
	if err != nil {
		return err
	}
	switch {
	case serverPower(s) == to:
		return nil
	case to == spec.PowerRunning && s.Status.Code == "NSTOP":
		return p.serverAction(ctx, "startServerInstances", id, addr)
	case to == spec.PowerStopped && s.Status.Code == "RUN":
		return p.serverAction(ctx, "stopServerInstances", id, addr)
	}
	return conflict(addr, "server %s is %s and cannot be made %s", id, s.Status.Code, to)
}

// reboot restarts a running server (RUN → RUN/RESTA → RUN); NCP reboots
// only running servers.
func (p *Provider) reboot(ctx context.Context, id, addr string) error {
	s, err := p.settled(ctx, id, addr)
	if err != nil {
		return err
	}
	if s.Status.Code != "RUN" {
		return conflict(addr, "server %s is %s: only a running server can be rebooted", id, s.Status.Code)
	}
	return p.serverAction(ctx, "rebootServerInstances", id, addr)
}

// resize changes the spec of a server, which NCP allows only when it is
// stopped: a running server is stopped, changed (CHNG → NULL) and started
// again; the caller waits for it to run with the new type.
func (p *Provider) resize(ctx context.Context, id, addr, typ string) error {
	s, err := p.settled(ctx, id, addr)
	if err != nil || typ == s.ServerSpecCode || typ == s.ServerProductCode {
		return err
	}
	wasRunning := s.Status.Code == "RUN"
	switch s.Status.Code {
	case "RUN":
		if err := p.serverAction(ctx, "stopServerInstances", id, addr); err != nil {
			return err
		}
		if err := p.waitServer(ctx, id, addr, providers.TargetStopped, ""); err != nil {
			return err
		}
	case "NSTOP":
	default:
		return conflict(addr, "server %s is %s and cannot be resized", id, s.Status.Code)
	}
	f := newForm().set("serverInstanceNo", id)
	if strings.HasPrefix(typ, "SVR.") {
		f.set("serverProductCode", typ)
	} else {
		f.set("serverSpecCode", typ)
	}
	if err := p.c.call(ctx, "changeServerInstanceSpec", f, nil); err != nil {
		return withAddress(err, addr)
	}
	if err := p.waitServer(ctx, id, addr, providers.TargetStopped, typ); err != nil {
		return err
	}
	if wasRunning {
		return p.serverAction(ctx, "startServerInstances", id, addr)
	}
	return nil
}
