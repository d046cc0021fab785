package nhncloud

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/fleet-iac/fleet/providers"
)

var _ providers.ServerBatcher = (*Provider)(nil)

const (
	maxBatch     = 10  // NHN's max_count ceiling (nhn.md §2.3)
	maxMetaValue = 255 // NHN's limit on a metadata value, which the group tag must fit
)

// ServerBatchSize says how many members one POST /servers may create. A
// fixed IP cannot be shared (NHN wants max_count 1 then); fleet's NHN roots
// are always built from an image, never from an existing volume, so that
// rule of nhn.md never applies. The raw names NHN gives (GROUP-1 ...) are
// never longer than the declared ones, so Windows' 15-character limit
// rejects a batch only where it would reject its members one by one.
//
// A batch starting at member first > 1 takes at most first-1 members: its
// raw names GROUP-1 ... GROUP-K then all stand for members before first,
// whose declared names they can never be taken for (providers.MemberAddress).
func (p *Provider) ServerBatchSize(s *providers.ServerSpec, n int) int {
	if s.Index < 1 || s.Name != fmt.Sprintf("%s-%d", s.Group, s.Index) || s.Network.IP != "" {
		return 1
	}
	if !s.BatchCreate && s.Index > 1 {
		// A later batch is named GROUP-1..k again: the OS hostname would
		// keep that name after fleet's rename, so only batch_create does it.
		return 1
	}
	k := min(n, maxBatch)
	if s.Index > 1 {
		k = min(k, s.Index-1)
	}
	if k < 2 || len(providers.GroupTag(s.Group, s.Index, s.Index+k-1)) > maxMetaValue {
		return 1
	}
	return k
}

// BatchMemberName is GROUP-K: NHN numbers every batch from 1, so member s
// of a batch from first is named by its place in the batch.
func (p *Provider) BatchMemberName(s *providers.ServerSpec, first int) string {
	return fmt.Sprintf("%s-%d", s.Group, s.Index-first+1)
}

// CreateServers creates the members in one POST /servers (max_count, the
// group name, the group tag) and finds them with one list by reservation
// id. After an ambiguous failure it looks the members up by their group
// tag instead: any found are adopted, and the call is sent again only when
// none exist. A single member is created as Create does it.
func (p *Provider) CreateServers(ctx context.Context, req providers.CreateServersRequest) (providers.CreateServersResponse, error) {
	var resp providers.CreateServersResponse
	if len(req.Servers) == 0 {
		return resp, fmt.Errorf("nhncloud: batch create of no servers")
	}
	s0 := req.Servers[0]
	if len(req.Servers) == 1 {
		owner := providers.Owner{Fleet: req.Fleet, Address: s0.Address().String()}
		res, err := p.createServer(ctx, owner, &providers.ServerCreate{Spec: s0, ImageID: req.ImageID})
		if err != nil {
			return resp, err
		}
		resp.Created = []providers.CreatedServer{{ID: res.ID, Name: s0.Name}}
		p.transitions.BuiltServers(resp.Created)
		return resp, nil
	}
	first, last := s0.Index, s0.Index+len(req.Servers)-1
	owner := providers.Owner{Fleet: req.Fleet, Address: providers.GroupTag(s0.Group, first, last)}
	for i, s := range req.Servers {
		if s.Group != s0.Group || s.Index != first+i {
			return resp, fmt.Errorf("%s: nhncloud: %s is not member %d of group %s", owner.Address, s.Name, first+i, s0.Group)
		}
	}
	if size := p.ServerBatchSize(s0, len(req.Servers)); size != len(req.Servers) {
		return resp, fmt.Errorf("%s: nhncloud: %d members cannot share one create (at most %d)", owner.Address, len(req.Servers), size)
	}
	opts, err := p.serverOpts(ctx, s0, owner, req.ImageID)
	if err != nil {
		return resp, err
	}
	opts.Name, opts.Min, opts.Max, opts.ReturnReservationID = s0.Group, len(req.Servers), len(req.Servers), true

	var reservation string
	var found []wireServer
	err = p.settle(ctx, "POST /servers", owner.Address,
		func() error {
			var body struct {
				ReservationID string `json:"reservation_id"`
			}
			r := servers.Create(ctx, p.compute, opts, nil)
			if r.Err != nil {
				return r.Err
			}
			if err := r.ExtractIntoStructPtr(&body, ""); err != nil {
				return err
			}
			if body.ReservationID == "" {
				return fmt.Errorf("the answer carries no reservation_id")
			}
			reservation = body.ReservationID
			return nil
		},
		func() (bool, error) {
			list, err := p.findMembers(ctx, s0.Group, owner)
			if len(list) > 0 {
				p.cfg.Logger.Debug("nhncloud adopted after failed batch create", "address", owner.Address, "servers", len(list))
			}
			found = list
			return len(list) > 0, err
		})
	if err != nil {
		return resp, err
	}
	if reservation != "" {
		if found, err = p.listServers(ctx, reservationQuery(reservation)); err != nil {
			return resp, fmt.Errorf("%s: %w", owner.Address, err)
		}
	}
	resp, err = matchMembers(req, owner, found)
	if err == nil {
		p.transitions.BuiltServers(resp.Created)
	}
	return resp, err
}

// matchMembers pairs each requested member with the server whose name and
// group tag give its address, never by list order.
func matchMembers(req providers.CreateServersRequest, tag providers.Owner, list []wireServer) (providers.CreateServersResponse, error) {
	byAddress := map[string]wireServer{}
	for _, s := range list {
		if o, ok := serverOwner(s.Name, s.Metadata); ok && o.Fleet == req.Fleet {
			if _, dup := byAddress[o.Address]; !dup {
				byAddress[o.Address] = s
			}
		}
	}
	var resp providers.CreateServersResponse
	var missing []string
	for _, m := range req.Servers {
		s, ok := byAddress[m.Address().String()]
		if !ok {
			missing = append(missing, m.Name)
			continue
		}
		resp.Created = append(resp.Created, providers.CreatedServer{ID: s.ID, Name: s.Name})
	}
	if len(missing) > 0 {
		return providers.CreateServersResponse{}, fmt.Errorf("%s: nhncloud: the batch create made no server for %s", tag.Address, strings.Join(missing, ", "))
	}
	return resp, nil
}

// findMembers lists the servers carrying the batch's group tag exactly,
// whatever they are named by now: raw or declared.
func (p *Provider) findMembers(ctx context.Context, group string, tag providers.Owner) ([]wireServer, error) {
	list, err := p.listServers(ctx, servers.ListOpts{Name: "^" + regexp.QuoteMeta(group) + "-[0-9]+$", Limit: pageSize})
	if err != nil {
		return nil, err
	}
	var out []wireServer
	for _, s := range list {
		if o, ok := ownerOf(s.Metadata); ok && o == tag {
			out = append(out, s)
		}
	}
	return out, nil
}

// reservationQuery lists the servers of one create call: gophercloud's
// ListOpts has no reservation_id (nhn.md §2.1).
type reservationQuery string

func (r reservationQuery) ToServerListQuery() (string, error) {
	q := url.Values{"reservation_id": {string(r)}, "limit": {strconv.Itoa(pageSize)}}
	return "?" + q.Encode(), nil
}
