package ncloud

import (
	"context"
	"fmt"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// A server's public address on NCP is a public IP instance: allocated
// (createPublicIpInstance, with fleet's owner tag in publicIpDescription),
// then associated with the server; disassociated, then deleted, since NCP
// refuses to delete an associated address. Terminating a server does not
// release its address (cb-spider PR #1811), so deleteServer releases it
// first. An address a run allocated but never associated is found by its
// tag and adopted or released: it never leaks. See ncloudsim/publicips.go
// for the sources.

type publicIPInstance struct {
	PublicIPInstanceNo  string     `json:"publicIpInstanceNo"`
	PublicIP            string     `json:"publicIp"`
	PublicIPDescription string     `json:"publicIpDescription"`
	ServerInstanceNo    string     `json:"serverInstanceNo"`
	Status              commonCode `json:"publicIpInstanceStatus"`
	Operation           commonCode `json:"publicIpInstanceOperation"`
}

type publicIPInstanceList struct {
	TotalRows            int                `json:"totalRows"`
	PublicIPInstanceList []publicIPInstance `json:"publicIpInstanceList"`
}

func (c *client) publicIPs(ctx context.Context, build func() *form) ([]publicIPInstance, error) {
	return listAll(ctx, c, "getPublicIpInstanceList", build, func(l *publicIPInstanceList) ([]publicIPInstance, int) {
		return l.PublicIPInstanceList, l.TotalRows
	})
}

// pendingPublicIPs maps server addresses to the owned public IPs allocated
// for them and associated with nothing, for the inventory: one paged list
// of the unassociated addresses.
func (p *Provider) pendingPublicIPs(ctx context.Context, fleet string) (map[string]string, error) {
	list, err := p.c.publicIPs(ctx, filters(func(f *form) { f.setBool("isAssociated", false) }))
	if err != nil {
		return nil, err
	}
	return pendingFor(list, fleet), nil
}

// pendingFor picks from unassociated addresses those fleet's tag names, by
// server address (the lowest number when a crash left several).
func pendingFor(list []publicIPInstance, fleet string) map[string]string {
	out := map[string]string{}
	for _, ip := range list {
		if _, o, ok := parseTag(ip.PublicIPDescription); ok && o.Fleet == fleet && ip.ServerInstanceNo == "" {
			if cur, seen := out[o.Address]; !seen || ip.PublicIPInstanceNo < cur {
				out[o.Address] = ip.PublicIPInstanceNo
			}
		}
	}
	return out
}

// publicIP turns a server's public IP on or off and returns the address
// associated afterwards.
func (p *Provider) publicIP(ctx context.Context, id, addr string, ch providers.PublicIPChange) (string, error) {
	s, err := p.server(ctx, id, addr)
	if err != nil {
		return "", err
	}
	pending, err := p.c.publicIPs(ctx, filters(func(f *form) { f.setBool("isAssociated", false) }))
	if err != nil {
		return "", withAddress(err, addr)
	}
	var mine []publicIPInstance
	for _, ip := range pending {
		if _, o, ok := parseTag(ip.PublicIPDescription); ok && o == ch.Owner && ip.ServerInstanceNo == "" {
			mine = append(mine, ip)
		}
	}
	if !ch.On {
		if s.PublicIPInstanceNo != "" {
			if err := p.releasePublicIP(ctx, s.PublicIPInstanceNo, ch.Owner.Fleet, addr); err != nil {
				return "", err
			}
		}
		for _, ip := range mine {
			if err := p.deletePublicIP(ctx, ip.PublicIPInstanceNo, addr); err != nil {
				return "", err
			}
		}
		return "", nil
	}
	if s.PublicIP != "" {
		return s.PublicIP, nil
	}
	var no string
	if len(mine) > 0 {
		no = mine[0].PublicIPInstanceNo // allocated by a run that stopped before associating it
	} else {
		var out publicIPInstanceList
		f := newForm().set("publicIpDescription", tagDescription("", ch.Owner))
		if err := p.c.call(ctx, "createPublicIpInstance", f, &out); err != nil {
			return "", withAddress(err, addr)
		}
		if len(out.PublicIPInstanceList) != 1 {
			return "", fmt.Errorf("ncloud: %s: createPublicIpInstance answered %d instances, want 1", addr, len(out.PublicIPInstanceList))
		}
		no = out.PublicIPInstanceList[0].PublicIPInstanceNo
	}
	f := newForm().set("publicIpInstanceNo", no).set("serverInstanceNo", id)
	if err := p.c.call(ctx, "associatePublicIpWithServerInstance", f, nil); err != nil {
		return "", withAddress(err, addr)
	}
	ip, err := p.waitPublicIP(ctx, no, addr, func(ip publicIPInstance) bool { return ip.ServerInstanceNo == id })
	return ip.PublicIP, err
}

// releasePublicIP takes a public IP off its server: disassociated, then
// deleted when this fleet allocated it (its tag) or the server's create did
// (associateWithPublicIp leaves no description); an address someone else
// allocated with a description of their own is only disassociated.
func (p *Provider) releasePublicIP(ctx context.Context, no, fleet, addr string) error {
	ip, err := p.waitPublicIP(ctx, no, addr, nil)
	if err != nil {
		return err
	}
	if ip.ServerInstanceNo != "" {
		f := newForm().set("publicIpInstanceNo", no).set("serverInstanceNo", ip.ServerInstanceNo)
		if err := p.c.call(ctx, "disassociatePublicIpFromServerInstance", f, nil); err != nil {
			return withAddress(err, addr)
		}
		if ip, err = p.waitPublicIP(ctx, no, addr, func(ip publicIPInstance) bool { return ip.ServerInstanceNo == "" }); err != nil {
			return err
		}
	}
	_, o, tagged := parseTag(ip.PublicIPDescription)
	if (tagged && o.Fleet == fleet) || ip.PublicIPDescription == "" {
		return p.deletePublicIP(ctx, no, addr)
	}
	return nil
}

func (p *Provider) deletePublicIP(ctx context.Context, no, addr string) error {
	return withAddress(p.c.call(ctx, "deletePublicIpInstance", newForm().set("publicIpInstanceNo", no), nil), addr)
}

// waitPublicIP reads a public IP until its operation is idle and done (nil:
// idle is enough) holds. Associations take seconds, so this polls the
// instance itself at the poll interval rather than joining the poller.
func (p *Provider) waitPublicIP(ctx context.Context, no, addr string, done func(publicIPInstance) bool) (publicIPInstance, error) {
	for {
		var out publicIPInstanceList
		if err := p.c.call(ctx, "getPublicIpInstanceDetail", newForm().set("publicIpInstanceNo", no), &out); err != nil {
			return publicIPInstance{}, withAddress(err, addr)
		}
		if len(out.PublicIPInstanceList) == 0 {
			return publicIPInstance{}, fmt.Errorf("ncloud: %s: public IP instance %s: %w", addr, no, providers.ErrNotFound)
		}
		ip := out.PublicIPInstanceList[0]
		if (ip.Operation.Code == "NULL" || ip.Operation.Code == "") && (done == nil || done(ip)) {
			return ip, nil
		}
		if err := backoff.Sleep(ctx, p.c.cfg.PollInterval); err != nil {
			return ip, err
		}
	}
}

// releaseServerPublicIPs releases what a server being deleted holds: its
// associated address and any owned one left pending for its address.
func (p *Provider) releaseServerPublicIPs(ctx context.Context, s serverInstance, addr string) error {
	_, owner, ok := serverOwner(s)
	if s.PublicIPInstanceNo != "" {
		if err := p.releasePublicIP(ctx, s.PublicIPInstanceNo, owner.Fleet, addr); err != nil {
			return err
		}
	}
	if !ok {
		return nil
	}
	// The servers a destroy deletes at once share one list (lists.pending).
	pending, _, err := p.lists.pending.Do(ctx, owner.Fleet)
	if err != nil {
		return withAddress(err, addr)
	}
	if no := pending[owner.Address]; no != "" {
		return p.deletePublicIP(ctx, no, addr)
	}
	return nil
}
