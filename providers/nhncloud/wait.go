package nhncloud

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/fleet-iac/fleet/providers"
)

// Wait blocks until the resource reaches req.Target. It does not poll by
// itself: it joins the provider's shared poller, which lists each kind in
// flight once per interval and wakes every waiter from that one list.
func (p *Provider) Wait(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
	w := &waiter{req: req, done: make(chan waitResult, 1)}
	if req.Kind == providers.KindServer {
		// The servers it returns name their flavor; ids need the cache.
		if err := p.ensureFlavors(ctx); err != nil {
			return providers.WaitResponse{}, err
		}
	}
	if req.Kind == providers.KindServer && req.Type != "" {
		id, err := p.flavorID(ctx, req.Type, req.Address)
		if err != nil {
			return providers.WaitResponse{}, err
		}
		w.flavorID = id
	}
	switch req.Kind {
	case providers.KindServer, providers.KindVolume, providers.KindImage:
	default:
		return providers.WaitResponse{}, fmt.Errorf("%s: nhncloud: cannot wait for a %q", req.Address, req.Kind)
	}
	p.poll.add(w)
	select {
	case r := <-w.done:
		return r.resp, r.err
	case <-ctx.Done():
		p.poll.remove(w)
		return providers.WaitResponse{}, fmt.Errorf("%s: nhncloud: waiting for %s: %w", req.Address, req.Target, ctx.Err())
	}
}

type waitResult struct {
	resp providers.WaitResponse
	err  error
}

type waiter struct {
	req      providers.WaitRequest
	flavorID string // resize: the flavor the server must have
	done     chan waitResult
}

// poller is the one polling goroutine of a provider. It runs only while
// someone waits.
type poller struct {
	p        *Provider
	interval time.Duration

	ctx    context.Context // ends on Close, cancelling a list in flight
	cancel context.CancelFunc

	mu      sync.Mutex
	waiters map[*waiter]bool
	running bool
	quit    chan struct{}
	closed  bool
}

func newPoller(p *Provider, interval time.Duration) *poller {
	ctx, cancel := context.WithCancel(context.Background())
	return &poller{p: p, interval: interval, ctx: ctx, cancel: cancel, waiters: map[*waiter]bool{}, quit: make(chan struct{})}
}

func (pl *poller) add(w *waiter) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.closed {
		w.done <- waitResult{err: fmt.Errorf("%s: nhncloud: provider closed", w.req.Address)}
		return
	}
	pl.waiters[w] = true
	if !pl.running {
		pl.running = true
		go pl.loop()
	}
}

func (pl *poller) remove(w *waiter) {
	pl.mu.Lock()
	delete(pl.waiters, w)
	pl.mu.Unlock()
}

func (pl *poller) stop() {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if !pl.closed {
		pl.closed = true
		close(pl.quit)
		pl.cancel()
	}
}

func (pl *poller) loop() {
	t := time.NewTicker(pl.interval)
	defer t.Stop()
	for {
		select {
		case <-pl.quit:
			pl.mu.Lock()
			for w := range pl.waiters {
				w.done <- waitResult{err: fmt.Errorf("%s: nhncloud: provider closed", w.req.Address)}
			}
			pl.waiters, pl.running = map[*waiter]bool{}, false
			pl.mu.Unlock()
			return
		case <-t.C:
		}
		pl.tick(pl.ctx)
		pl.mu.Lock()
		if len(pl.waiters) == 0 {
			pl.running = false
			pl.mu.Unlock()
			return
		}
		pl.mu.Unlock()
	}
}

// tick lists each kind someone waits for, once, and settles the waiters.
func (pl *poller) tick(ctx context.Context) {
	pl.mu.Lock()
	byKind := map[providers.Kind][]*waiter{}
	for w := range pl.waiters {
		byKind[w.req.Kind] = append(byKind[w.req.Kind], w)
	}
	pl.mu.Unlock()
	if ws := byKind[providers.KindServer]; len(ws) > 0 {
		list, err := pl.p.listServers(ctx, servers.ListOpts{Limit: pageSize})
		m := map[string]wireServer{}
		for _, s := range list {
			m[s.ID] = s
		}
		confirmed := map[string]error{}
		for _, w := range ws {
			if err != nil {
				pl.finish(w, providers.WaitResponse{}, listFailed(w, err))
				continue
			}
			s, ok := m[w.req.ID]
			if ok && s.Status == "VERIFY_RESIZE" && w.req.Target != providers.TargetGone {
				if _, sent := confirmed[s.ID]; !sent {
					confirmed[s.ID] = pl.p.confirmResize(ctx, s, w)
				}
				if cerr := confirmed[s.ID]; cerr != nil {
					pl.finish(w, providers.WaitResponse{}, cerr)
					continue
				}
			}
			if done, resp, werr := pl.p.serverReached(w, s, ok); done {
				pl.finish(w, resp, werr)
			}
		}
	}
	if ws := byKind[providers.KindVolume]; len(ws) > 0 {
		list, err := pl.p.listVolumes(ctx)
		m := map[string]wireVolume{}
		for _, v := range list {
			m[v.ID] = v
		}
		for _, w := range ws {
			if err != nil {
				pl.finish(w, providers.WaitResponse{}, listFailed(w, err))
				continue
			}
			v, ok := m[w.req.ID]
			if done, resp, werr := volumeReached(w, v, ok); done {
				pl.finish(w, resp, werr)
			}
		}
	}
	if ws := byKind[providers.KindImage]; len(ws) > 0 {
		list, err := pl.p.listImages(ctx)
		m := map[string]images.Image{}
		for _, im := range list {
			m[im.ID] = im
		}
		for _, w := range ws {
			if err != nil {
				pl.finish(w, providers.WaitResponse{}, listFailed(w, err))
				continue
			}
			im, ok := m[w.req.ID]
			if done, resp, werr := imageReached(w, im, ok); done {
				pl.finish(w, resp, werr)
			}
		}
	}
}

func (pl *poller) finish(w *waiter, resp providers.WaitResponse, err error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.waiters[w] {
		delete(pl.waiters, w)
		w.done <- waitResult{resp: resp, err: err}
	}
}

// confirmResize confirms a resize the cloud holds in VERIFY_RESIZE. NHN
// usually confirms by itself (nhn.md §0.5), so a 409 from a server that
// already carries the new flavor means the cloud was first: success. An
// ambiguous failure is left to the next poll, which confirms again if the
// server still waits in VERIFY_RESIZE.
func (p *Provider) confirmResize(ctx context.Context, s wireServer, w *waiter) error {
	err := servers.ConfirmResize(ctx, p.compute, s.ID).ExtractErr()
	if err == nil || ambiguous(err) && ctx.Err() == nil {
		return nil
	}
	if isStatus(err, http.StatusConflict) && (w.flavorID == "" || s.Flavor.ID == w.flavorID) {
		return nil
	}
	return apiError("POST /servers/{id}/action confirmResize", w.req.Address, err)
}

// listFailed names the waiter's resource on a failed poll: the list call
// itself concerns no address.
func listFailed(w *waiter, err error) error {
	return fmt.Errorf("%s: nhncloud: waiting for %s: %w", w.req.Address, w.req.Target, err)
}

func notFound(w *waiter) error {
	return fmt.Errorf("%s: nhncloud: %s %s: %w", w.req.Address, w.req.Kind, w.req.ID, providers.ErrNotFound)
}

func failed(w *waiter, status, msg string) error {
	if msg == "" {
		msg = "no fault reported"
	}
	return fmt.Errorf("%s: nhncloud: %s %s is %s: %s: %w", w.req.Address, w.req.Kind, w.req.ID, status, msg, providers.ErrFailed)
}

// serverReached decides completion from status, task_state and, for a
// resize, the flavor id: status alone does not show an action in progress.
func (p *Provider) serverReached(w *waiter, s wireServer, found bool) (bool, providers.WaitResponse, error) {
	if !found || s.Status == "DELETED" {
		if w.req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	srv := p.toServer(s, nil)
	resp := providers.WaitResponse{Server: &srv}
	if w.req.Target == providers.TargetGone {
		return false, resp, nil
	}
	if s.Status == "ERROR" {
		msg := ""
		if s.Fault != nil {
			msg = s.Fault.Message
		}
		return true, resp, failed(w, s.Status, msg)
	}
	if s.task() != "" || (w.flavorID != "" && s.Flavor.ID != w.flavorID) {
		return false, resp, nil
	}
	var ok bool
	switch w.req.Target {
	case providers.TargetRunning:
		ok = s.Status == "ACTIVE"
	case providers.TargetStopped:
		ok = s.Status == "SHUTOFF"
	case providers.TargetShelved:
		ok = s.Status == "SHELVED_OFFLOADED"
	case providers.TargetIdle:
		ok = !s.busy()
	default:
		return true, resp, fmt.Errorf("%s: nhncloud: a server cannot reach %q", w.req.Address, w.req.Target)
	}
	return ok, resp, nil
}

func volumeReached(w *waiter, v wireVolume, found bool) (bool, providers.WaitResponse, error) {
	if !found {
		if w.req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	vol := v.toVolume()
	resp := providers.WaitResponse{Volume: &vol}
	if strings.HasPrefix(v.Status, "error") {
		return true, resp, failed(w, v.Status, "")
	}
	switch w.req.Target {
	case providers.TargetGone:
		return false, resp, nil
	case providers.TargetAvailable:
		return v.Status == "available", resp, nil
	case providers.TargetAttached:
		return v.Status == "in-use" && v.serverID() == w.req.ServerID, resp, nil
	case providers.TargetIdle:
		return !volumeBusy[v.Status], resp, nil
	}
	return true, resp, fmt.Errorf("%s: nhncloud: a volume cannot reach %q", w.req.Address, w.req.Target)
}

func imageReached(w *waiter, im images.Image, found bool) (bool, providers.WaitResponse, error) {
	if !found || im.Status == images.ImageStatusDeleted {
		if w.req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	img := toImage(im)
	resp := providers.WaitResponse{Image: &img}
	if im.Status == images.ImageStatusKilled {
		return true, resp, failed(w, string(im.Status), "")
	}
	switch w.req.Target {
	case providers.TargetGone:
		return false, resp, nil
	case providers.TargetAvailable, providers.TargetIdle:
		return img.Ready, resp, nil
	}
	return true, resp, fmt.Errorf("%s: nhncloud: an image cannot reach %q", w.req.Address, w.req.Target)
}
