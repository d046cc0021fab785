package ncloud

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

var _ providers.ServerBatcher = (*Provider)(nil)

// Limits of one createServerInstances call (ncp.md §2.1): serverCreateCount
// 1–20 and serverCreateCount + serverCreateStartNo ≤ 1000.
const (
	maxBatch    = 20
	maxBatchEnd = 1000
)

// memberName is the name NCP gives member k of a batch named group: the
// number padded to three digits (web-011).
func memberName(group string, k int) string { return fmt.Sprintf("%s-%03d", group, k) }

// ServerBatchSize is how many members of s's group one createServerInstances
// call makes. A fixed IP or a public IP (associateWithPublicIp works for a
// single server only) needs a call of its own, and so does a group whose
// member names would break the name rule or a server outside a count group.
func (p *Provider) ServerBatchSize(s *providers.ServerSpec, n int) int {
	if s == nil || s.Index < 1 || s.Network.IP != "" || s.PublicIP || !spec.ValidNCPServerName(memberName(s.Group, s.Index)) {
		return 1
	}
	if !s.BatchCreate && memberName(s.Group, s.Index) != s.Name {
		// NCP names members 1-99 web-001...: the OS hostname would keep that
		// name after fleet's rename, so only batch_create batches them.
		return 1
	}
	return max(1, min(n, maxBatch, maxBatchEnd-s.Index))
}

// BatchMemberName is memberName: NCP numbers a batch from
// serverCreateStartNo, the first member's index, so every member is named
// by its own index, padded.
func (p *Provider) BatchMemberName(s *providers.ServerSpec, first int) string {
	return memberName(s.Group, s.Index)
}

// CreateServers creates consecutive members of a count group with one
// createServerInstances call: serverName is the group, NCP names the
// members GROUP-NNN from serverCreateStartNo, and all carry the group tag
// "fleet:<fleet> server/GROUP-[FIRST-LAST]" (serverOwner reads each one's
// address from its name). One member is a plain create under its own name.
func (p *Provider) CreateServers(ctx context.Context, req providers.CreateServersRequest) (providers.CreateServersResponse, error) {
	ms := req.Servers
	if len(ms) == 0 {
		return providers.CreateServersResponse{}, errors.New("ncloud: create servers: no servers given")
	}
	s := ms[0]
	if len(ms) == 1 {
		// serverCreateCount 1 names the server serverName itself.
		id, err := p.createServer(ctx, providers.Owner{Fleet: req.Fleet, Address: s.Address().String()}, &providers.ServerCreate{Spec: s, ImageID: req.ImageID})
		if err != nil {
			return providers.CreateServersResponse{}, err
		}
		p.poller.tr.Built(id)
		return providers.CreateServersResponse{Created: []providers.CreatedServer{{ID: id, Name: s.Name}}}, nil
	}
	first, last := s.Index, s.Index+len(ms)-1
	o := providers.Owner{Fleet: req.Fleet, Address: providers.GroupTag(s.Group, first, last)}
	if err := p.checkBatch(req, o); err != nil {
		return providers.CreateServersResponse{}, err
	}
	f, err := p.createForm(ctx, s, req.ImageID, o)
	if err != nil {
		return providers.CreateServersResponse{}, err
	}
	f.set("serverName", s.Group).setInt("serverCreateCount", len(ms)).setInt("serverCreateStartNo", first)
	pos := make(map[string]int, len(ms))
	for i, m := range ms {
		pos[memberName(m.Group, m.Index)] = i
	}
	created, err := createAdopting(ctx, p, o.Address, "createServerInstances", f, func(out *serverInstanceList) ([]providers.CreatedServer, error) {
		// Matched by the cloud's names, never by the answer's order (the
		// answer need not carry the description).
		got, missing := collect(ms, out.ServerInstanceList, func(srv serverInstance) (int, bool) {
			i, ok := pos[srv.ServerName]
			return i, ok
		})
		if len(missing) > 0 {
			return nil, fmt.Errorf("ncloud: %s: createServerInstances answered without %s", o.Address, strings.Join(missing, ", "))
		}
		return got, nil
	}, func() ([]providers.CreatedServer, bool, error) { return p.findMembers(ctx, ms, o) })
	if err != nil {
		return providers.CreateServersResponse{}, err
	}
	p.poller.tr.BuiltServers(created)
	return providers.CreateServersResponse{Created: created}, nil
}

// checkBatch refuses a request that is not one batch: members of one group
// with consecutive indexes, within ServerBatchSize, alike but for their
// names (their forms equal once named alike).
func (p *Provider) checkBatch(req providers.CreateServersRequest, o providers.Owner) error {
	ms := req.Servers
	s := ms[0]
	if k := p.ServerBatchSize(s, len(ms)); k < len(ms) {
		return fmt.Errorf("ncloud: %s: %d members cannot be created in one call (at most %d)", o.Address, len(ms), k)
	}
	want, err := serverForm(s, req.ImageID, o, s.Network.SecurityGroups)
	if err != nil {
		return err
	}
	for i, m := range ms[1:] {
		if m.Group != s.Group || m.Index != s.Index+i+1 {
			return fmt.Errorf("ncloud: %s: %s is not member %d of group %s", o.Address, m.Address(), s.Index+i+1, s.Group)
		}
		got, err := serverForm(m, req.ImageID, o, m.Network.SecurityGroups)
		if err != nil {
			return err
		}
		if got.set("serverName", s.Name); got.encode() != want.encode() {
			return fmt.Errorf("ncloud: %s: %s differs from %s beyond its name and cannot share its create call", o.Address, m.Address(), s.Address())
		}
	}
	return nil
}

// findMembers looks for the members of a batch whose create failed
// ambiguously: servers of the VPC that carry the batch's tag, each placed by
// the address its name gives. The serverName filter cannot find them: it
// matches whole names, and the cloud chose them. found is false when none
// exists (the call may be sent again); some but not all is an error naming
// the missing ones.
func (p *Provider) findMembers(ctx context.Context, ms []*providers.ServerSpec, o providers.Owner) ([]providers.CreatedServer, bool, error) {
	list, err := p.c.servers(ctx, filters(func(f *form) { f.set("vpcNo", ms[0].Network.VPC) }))
	if err != nil {
		return nil, false, err
	}
	pos := make(map[string]int, len(ms))
	for i, m := range ms {
		pos[m.Address().String()] = i
	}
	got, missing := collect(ms, list, func(srv serverInstance) (int, bool) {
		if _, tag, ok := parseTag(srv.ServerDescription); !ok || tag != o {
			return 0, false
		}
		_, owner, _ := serverOwner(srv)
		i, ok := pos[owner.Address]
		return i, ok
	})
	switch len(missing) {
	case 0:
		return got, true, nil
	case len(ms):
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("%d of %d members exist; missing %s", len(ms)-len(missing), len(ms), strings.Join(missing, ", "))
}

// collect puts the servers that are members (member gives the position) in
// request order, the first one found for each, and names the members none
// of them is.
func collect(ms []*providers.ServerSpec, list []serverInstance, member func(serverInstance) (int, bool)) ([]providers.CreatedServer, []string) {
	out := make([]providers.CreatedServer, len(ms))
	for _, srv := range list {
		if i, ok := member(srv); ok && out[i].ID == "" {
			out[i] = providers.CreatedServer{ID: srv.ServerInstanceNo, Name: srv.ServerName}
		}
	}
	var missing []string
	for i, c := range out {
		if c.ID == "" {
			missing = append(missing, ms[i].Address().String())
		}
	}
	return out, missing
}
