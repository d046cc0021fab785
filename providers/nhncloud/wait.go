package nhncloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// Wait blocks until the resource reaches req.Target. It does not poll by
// itself: it joins the provider's shared poller, which lists each kind in
// flight once per interval and wakes every waiter from that one list.
func (p *Provider) Wait(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
	q := waitReq{WaitRequest: req}
	if req.Kind == addrs.KindServer {
		// The servers it returns name their flavor; ids need the cache.
		if err := p.ensureFlavors(ctx); err != nil {
			return providers.WaitResponse{}, err
		}
	}
	if req.Kind == addrs.KindServer && req.Type != "" {
		id, err := p.flavorID(ctx, req.Type, req.Address)
		if err != nil {
			return providers.WaitResponse{}, err
		}
		q.flavorID = id
	}
	switch req.Kind {
	case addrs.KindServer, addrs.KindVolume, addrs.KindImage:
	default:
		return providers.WaitResponse{}, fmt.Errorf("%s: nhncloud: cannot wait for a %q", req.Address, req.Kind)
	}
	res, err := p.poll.Wait(ctx, q)
	var se *backoff.StoppedError
	if errors.As(err, &se) || errors.Is(err, backoff.ErrClosed) {
		return res, fmt.Errorf("%s: nhncloud: waiting for %s to be %s: %w", req.Address, req.Kind, req.Target, err)
	}
	return res, err
}

type waitReq struct {
	providers.WaitRequest
	flavorID string // resize: the flavor the server must have
}

type waiter = backoff.Waiter[waitReq, providers.WaitResponse]

// newPoller makes the provider's one polling loop (backoff.Poller), with
// the outage policy both clients share.
func newPoller(p *Provider, interval time.Duration) *backoff.Poller[waitReq, providers.WaitResponse] {
	return backoff.NewPoller(interval, backoff.Outage(interval), p.round).
		Learn(func(q waitReq) (string, time.Time) { return p.transitions.Of(q.WaitRequest) }, nil)
}

// round lists each kind someone waits for, once, and settles the waiters.
// A list that fails with what can be waited through (5xx, 429, no answer)
// is an outage: it settles nobody and is returned, so the poller tries
// again; any other failure fails that kind's waiters.
func (p *Provider) round(ctx context.Context, ws []*waiter) error {
	byKind := map[addrs.Kind][]*waiter{}
	for _, w := range ws {
		byKind[w.Req.Kind] = append(byKind[w.Req.Kind], w)
	}
	var down error // the outage's error, if a list failed with one
	failAll := func(ws []*waiter, err error) {
		if outage(err) {
			down = err
			return
		}
		for _, w := range ws {
			w.Finish(providers.WaitResponse{}, listFailed(w, err))
		}
	}
	if ws := byKind[addrs.KindServer]; len(ws) > 0 {
		list, err := p.listServers(ctx, servers.ListOpts{Limit: pageSize})
		if err != nil {
			failAll(ws, err)
		} else {
			m := map[string]wireServer{}
			for _, s := range list {
				m[s.ID] = s
			}
			confirmed := map[string]error{}
			for _, w := range ws {
				s, ok := m[w.Req.ID]
				if ok && s.Status == "VERIFY_RESIZE" && w.Req.Target != providers.TargetGone {
					if _, sent := confirmed[s.ID]; !sent {
						confirmed[s.ID] = p.confirmResize(ctx, s, w)
					}
					if cerr := confirmed[s.ID]; cerr != nil {
						w.Finish(providers.WaitResponse{}, cerr)
						continue
					}
				}
				if done, resp, werr := p.serverReached(w, s, ok); done {
					w.Finish(resp, werr)
				}
			}
		}
	}
	if ws := byKind[addrs.KindVolume]; len(ws) > 0 {
		list, err := p.listVolumes(ctx)
		if err != nil {
			failAll(ws, err)
		} else {
			m := map[string]wireVolume{}
			for _, v := range list {
				m[v.ID] = v
			}
			for _, w := range ws {
				v, ok := m[w.Req.ID]
				if done, resp, werr := volumeReached(w, v, ok); done {
					w.Finish(resp, werr)
				}
			}
		}
	}
	if ws := byKind[addrs.KindImage]; len(ws) > 0 {
		list, err := p.listImages(ctx)
		if err != nil {
			failAll(ws, err)
		} else {
			m := map[string]images.Image{}
			for _, im := range list {
				m[im.ID] = im
			}
			for _, w := range ws {
				im, ok := m[w.Req.ID]
				if done, resp, werr := imageReached(w, im, ok); done {
					w.Finish(resp, werr)
				}
			}
		}
	}
	return down
}

// outage reports whether a failed list is worth waiting through: the cloud
// answered 5xx or 429, or not at all.
func outage(err error) bool {
	var ae *providers.APIError
	return errors.As(err, &ae) && ae.Retryable || transient(err)
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
	if isStatus(err, http.StatusConflict) && (w.Req.flavorID == "" || s.Flavor.ID == w.Req.flavorID) {
		return nil
	}
	return apiError("POST /servers/{id}/action confirmResize", w.Req.Address, err)
}

// listFailed names the waiter's resource on a failed poll: the list call
// itself concerns no address.
func listFailed(w *waiter, err error) error {
	return fmt.Errorf("%s: nhncloud: waiting for %s: %w", w.Req.Address, w.Req.Target, err)
}

func notFound(w *waiter) error {
	return fmt.Errorf("%s: nhncloud: %s %s: %w", w.Req.Address, w.Req.Kind, w.Req.ID, providers.ErrNotFound)
}

func failed(w *waiter, status, msg string) error {
	if msg == "" {
		msg = "no fault reported"
	}
	return fmt.Errorf("%s: nhncloud: %s %s is %s: %s: %w", w.Req.Address, w.Req.Kind, w.Req.ID, status, msg, providers.ErrFailed)
}

// serverReached decides completion from status, task_state and, for a
// resize, the flavor id: status alone does not show an action in progress.
func (p *Provider) serverReached(w *waiter, s wireServer, found bool) (bool, providers.WaitResponse, error) {
	if !found || s.Status == "DELETED" {
		if w.Req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	srv := p.toServer(s, nil)
	resp := providers.WaitResponse{Server: &srv}
	if w.Req.Target == providers.TargetGone {
		return false, resp, nil
	}
	if s.Status == "ERROR" {
		msg := ""
		if s.Fault != nil {
			msg = s.Fault.Message
		}
		return true, resp, failed(w, s.Status, msg)
	}
	if s.task() != "" || (w.Req.flavorID != "" && s.Flavor.ID != w.Req.flavorID) {
		return false, resp, nil
	}
	var ok bool
	switch w.Req.Target {
	case providers.TargetRunning:
		ok = s.Status == "ACTIVE"
	case providers.TargetStopped:
		ok = s.Status == "SHUTOFF"
	case providers.TargetShelved:
		ok = s.Status == "SHELVED_OFFLOADED"
	case providers.TargetIdle:
		ok = !s.busy()
	default:
		return true, resp, fmt.Errorf("%s: nhncloud: a server cannot reach %q", w.Req.Address, w.Req.Target)
	}
	return ok, resp, nil
}

func volumeReached(w *waiter, v wireVolume, found bool) (bool, providers.WaitResponse, error) {
	if !found {
		if w.Req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	vol := v.toVolume()
	resp := providers.WaitResponse{Volume: &vol}
	if strings.HasPrefix(v.Status, "error") {
		return true, resp, failed(w, v.Status, "")
	}
	switch w.Req.Target {
	case providers.TargetGone:
		return false, resp, nil
	case providers.TargetAvailable:
		return v.Status == "available", resp, nil
	case providers.TargetAttached:
		return v.Status == "in-use" && v.serverID() == w.Req.ServerID, resp, nil
	case providers.TargetIdle:
		return !volumeBusy[v.Status], resp, nil
	}
	return true, resp, fmt.Errorf("%s: nhncloud: a volume cannot reach %q", w.Req.Address, w.Req.Target)
}

func imageReached(w *waiter, im images.Image, found bool) (bool, providers.WaitResponse, error) {
	if !found || im.Status == images.ImageStatusDeleted {
		if w.Req.Target == providers.TargetGone {
			return true, providers.WaitResponse{}, nil
		}
		return true, providers.WaitResponse{}, notFound(w)
	}
	img := toImage(im)
	resp := providers.WaitResponse{Image: &img}
	if im.Status == images.ImageStatusKilled {
		return true, resp, failed(w, string(im.Status), "")
	}
	switch w.Req.Target {
	case providers.TargetGone:
		return false, resp, nil
	case providers.TargetAvailable, providers.TargetIdle:
		return img.Ready, resp, nil
	}
	return true, resp, fmt.Errorf("%s: nhncloud: an image cannot reach %q", w.Req.Address, w.Req.Target)
}
