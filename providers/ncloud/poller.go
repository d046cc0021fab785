package ncloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// poller watches everything in flight (backoff.Poller): each round it
// lists the servers, volumes and images being waited on, one filtered list
// call per kind however many waiters there are, and settles each waiter
// whose resource reached its target, failed or vanished.
type poller struct {
	c  *client
	bp *backoff.Poller[waitReq, providers.WaitResponse]
	tr providers.Transitions // what each wait waits for, for bp to learn its pace
}

type waitReq struct {
	providers.WaitRequest
	full bool // the caller wants the server's IP and ACGs too
}

type waiter = backoff.Waiter[waitReq, providers.WaitResponse]

func newPoller(c *client, interval time.Duration) *poller {
	p := &poller{c: c}
	p.bp = backoff.NewPoller(interval, backoff.Outage(interval), p.round).
		Learn(func(q waitReq) (string, time.Time) { return p.tr.Of(q.WaitRequest) }, nil)
	return p
}

// Wait blocks until the resource reaches req.Target (see poller). Login
// keys have no status: create and delete take effect at once.
func (p *Provider) Wait(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
	switch req.Kind {
	case addrs.KindServer, addrs.KindVolume, addrs.KindImage:
	case addrs.KindKeypair:
		return providers.WaitResponse{}, nil
	default:
		return providers.WaitResponse{}, fmt.Errorf("ncloud: wait for %s: unknown kind %q", req.Address, req.Kind)
	}
	if !validTarget(req) {
		return providers.WaitResponse{}, fmt.Errorf("ncloud: %s: a %s cannot reach %q on NCP: %w", req.Address, req.Kind, req.Target, providers.ErrConflict)
	}
	return p.poller.wait(ctx, req, true)
}

func validTarget(req providers.WaitRequest) bool {
	switch req.Kind {
	case addrs.KindServer:
		return slices.Contains([]providers.Target{providers.TargetRunning, providers.TargetStopped, providers.TargetIdle, providers.TargetGone}, req.Target)
	case addrs.KindVolume:
		return slices.Contains([]providers.Target{providers.TargetAttached, providers.TargetAvailable, providers.TargetIdle, providers.TargetGone}, req.Target)
	case addrs.KindImage:
		return slices.Contains([]providers.Target{providers.TargetAvailable, providers.TargetIdle, providers.TargetGone}, req.Target)
	}
	return false
}

// wait registers one waiter. full asks for the server's interface details,
// which waits inside composite operations do without.
func (p *poller) wait(ctx context.Context, req providers.WaitRequest, full bool) (providers.WaitResponse, error) {
	res, err := p.bp.Wait(ctx, waitReq{req, full})
	var se *backoff.StoppedError
	if errors.As(err, &se) || errors.Is(err, backoff.ErrClosed) {
		return res, fmt.Errorf("%s: ncloud: waiting for %s to be %s: %w", req.Address, req.Kind, req.Target, err)
	}
	return res, err
}

// round lists each kind someone waits for, once. It returns the error of
// a list that fails in a way worth waiting through (an outage, not an
// answer about the resources; the round's one attempt is not retried by
// the client): the poller keeps those waiters for the next round.
func (p *poller) round(ctx context.Context, ws []*waiter) error {
	byKind := map[addrs.Kind][]*waiter{}
	for _, w := range ws {
		byKind[w.Req.Kind] = append(byKind[w.Req.Kind], w)
	}
	var outage error
	for _, kind := range []addrs.Kind{addrs.KindServer, addrs.KindVolume, addrs.KindImage} {
		if ws := byKind[kind]; len(ws) > 0 {
			if err := p.roundKind(ctx, kind, ws); err != nil {
				outage = err
			}
		}
	}
	return outage
}

// roundKind lists one kind once and settles the waiters it can.
func (p *poller) roundKind(ctx context.Context, kind addrs.Kind, ws []*waiter) error {
	ids := make([]string, 0, len(ws))
	for _, w := range ws {
		ids = append(ids, w.Req.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var (
		check   func(*waiter) (providers.WaitResponse, bool, error)
		servers map[string]*serverInstance
		err     error
	)
	switch kind {
	case addrs.KindServer:
		var list []serverInstance
		list, err = p.c.servers(ctx, filters(func(f *form) { f.list("serverInstanceNoList", ids) }))
		servers = byID(list, serverID)
		check = func(w *waiter) (providers.WaitResponse, bool, error) {
			return checkServer(w.Req.WaitRequest, servers[w.Req.ID])
		}
	case addrs.KindVolume:
		var list []blockStorageInstance
		list, err = p.c.volumes(ctx, filters(func(f *form) { f.list("blockStorageInstanceNoList", ids) }))
		vols := byID(list, volumeID)
		check = func(w *waiter) (providers.WaitResponse, bool, error) {
			return checkVolume(w.Req.WaitRequest, vols[w.Req.ID])
		}
	case addrs.KindImage:
		var list []memberServerImage
		list, err = p.c.images(ctx, filters(func(f *form) { f.list("memberServerImageInstanceNoList", ids) }))
		images := byID(list, imageID)
		check = func(w *waiter) (providers.WaitResponse, bool, error) {
			return checkImage(w.Req.WaitRequest, images[w.Req.ID])
		}
	}
	var ae *providers.APIError
	if errors.As(err, &ae) && ae.Retryable {
		p.c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "ncloud poll failed; retrying next round", slog.String("error", err.Error()))
		return err
	}
	type outcome struct {
		w   *waiter
		res providers.WaitResponse
		err error
	}
	var outs []outcome
	for _, w := range ws {
		o := outcome{w: w}
		if err != nil {
			o.err = withAddress(err, w.Req.Address)
		} else {
			var done bool
			if o.res, done, o.err = check(w); !done && o.err == nil {
				continue
			}
		}
		outs = append(outs, o)
	}
	// Servers that arrived get their private IP and ACGs, which the server
	// object lacks, from one interface list for all of them.
	var arrived []*providers.Server
	for _, o := range outs {
		if o.w.Req.full && o.err == nil && o.res.Server != nil {
			arrived = append(arrived, o.res.Server)
		}
	}
	if len(arrived) > 0 {
		p.addInterfaces(backoff.Retrying(ctx), arrived, servers)
	}
	for _, o := range outs {
		o.w.Finish(o.res, o.err)
	}
	return nil
}

// addInterfaces fills IP and SecurityGroups of srvs with one filtered
// interface list. They are extras: a failure leaves them empty, since the
// wait itself has succeeded and Inventory reports them anyway.
func (p *poller) addInterfaces(ctx context.Context, srvs []*providers.Server, listed map[string]*serverInstance) {
	var nos []string
	for _, s := range srvs {
		if w := listed[s.ID]; w != nil {
			nos = append(nos, w.NetworkInterfaceNoList...)
		}
	}
	if len(nos) == 0 {
		return
	}
	slices.Sort(nos)
	nics, err := p.c.interfaces(ctx, slices.Compact(nos))
	if err != nil {
		p.c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "ncloud interface lookup failed", slog.String("error", err.Error()))
		return
	}
	for _, s := range srvs {
		if w := listed[s.ID]; w != nil {
			setInterface(s, nicOf(*w, nics))
		}
	}
}

func serverID(s *serverInstance) string       { return s.ServerInstanceNo }
func volumeID(v *blockStorageInstance) string { return v.BlockStorageInstanceNo }
func imageID(m *memberServerImage) string     { return m.MemberServerImageInstanceNo }

func find[T any](list []T, id string, idOf func(*T) string) *T {
	for i := range list {
		if idOf(&list[i]) == id {
			return &list[i]
		}
	}
	return nil
}

// byID indexes one list answer by id, so that settling n waiters costs n
// lookups rather than n scans of the list.
func byID[T any](list []T, idOf func(*T) string) map[string]*T {
	m := make(map[string]*T, len(list))
	for i := range list {
		m[idOf(&list[i])] = &list[i]
	}
	return m
}

// gone settles a wait whose resource is not listed.
func gone(req providers.WaitRequest) (providers.WaitResponse, bool, error) {
	if req.Target == providers.TargetGone {
		return providers.WaitResponse{}, true, nil
	}
	return providers.WaitResponse{}, true, notFound(req.Kind, req.ID, req.Address)
}

func failed(req providers.WaitRequest, status string) error {
	return fmt.Errorf("ncloud: %s: %s %s is in failure state %s: %w", req.Address, req.Kind, req.ID, status, providers.ErrFailed)
}

// checkServer maps the server codes to targets (shared/api/ncp.md §3):
// running is RUN with no operation, stopped is NSTOP with no operation.
func checkServer(req providers.WaitRequest, s *serverInstance) (providers.WaitResponse, bool, error) {
	if s == nil {
		return gone(req)
	}
	desc, o, _ := serverOwner(*s)
	srv := toServer(*s, o, desc, nil, nil)
	res := providers.WaitResponse{Server: &srv}
	if req.Target == providers.TargetGone {
		return res, false, nil
	}
	if srv.Failed {
		return res, true, failed(req, s.Status.Code)
	}
	typeOK := req.Type == "" || req.Type == s.ServerSpecCode || req.Type == s.ServerProductCode
	switch req.Target {
	case providers.TargetRunning:
		return res, srv.Power == "running" && typeOK, nil
	case providers.TargetStopped:
		return res, srv.Power == "stopped" && typeOK, nil
	}
	return res, !srv.Busy && typeOK, nil // TargetIdle
}

func checkVolume(req providers.WaitRequest, v *blockStorageInstance) (providers.WaitResponse, bool, error) {
	if v == nil {
		return gone(req)
	}
	_, o, _ := parseTag(v.BlockStorageDescription)
	vol := toVolume(*v, o)
	res := providers.WaitResponse{Volume: &vol}
	if req.Target == providers.TargetGone {
		return res, false, nil
	}
	if v.Status.Code == "DT_FL" {
		return res, true, failed(req, v.Status.Code)
	}
	if vol.Busy {
		return res, false, nil
	}
	switch req.Target {
	case providers.TargetAttached:
		return res, v.Status.Code == "ATTAC" && (req.ServerID == "" || v.ServerInstanceNo == req.ServerID), nil
	case providers.TargetAvailable:
		return res, v.Status.Code == "CREAT", nil
	}
	return res, v.Status.Code == "CREAT" || v.Status.Code == "ATTAC", nil // TargetIdle
}

func checkImage(req providers.WaitRequest, m *memberServerImage) (providers.WaitResponse, bool, error) {
	if m == nil {
		return gone(req)
	}
	_, o, _ := parseTag(m.MemberServerImageDescription)
	im := toImage(*m, o)
	res := providers.WaitResponse{Image: &im}
	if req.Target == providers.TargetGone {
		return res, false, nil
	}
	if m.Status.Code == "CREFL" {
		return res, true, failed(req, m.Status.Code)
	}
	return res, im.Ready, nil
}
