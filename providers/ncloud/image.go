package ncloud

import (
	"context"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

// createImage makes a member server image (seed 003) of a stopped or
// running server; its description carries the owner tag.
func (p *Provider) createImage(ctx context.Context, o providers.Owner, im *providers.ImageCreate) (string, error) {
	f := newForm().
		set("serverInstanceNo", im.ServerID).
		set("memberServerImageName", im.Name).
		set("memberServerImageDescription", tagDescription("", o))
	return createOnce(ctx, p, o, "createMemberServerImageInstance", f, func(out *memberServerImageList) string {
		if len(out.MemberServerImageInstanceList) == 0 {
			return ""
		}
		return out.MemberServerImageInstanceList[0].MemberServerImageInstanceNo
	}, func() (string, error) {
		list, err := p.c.images(ctx, filters(func(f *form) { f.set("memberServerImageName", im.Name) }))
		if err != nil {
			return "", err
		}
		for _, m := range list {
			if _, got, ok := parseTag(m.MemberServerImageDescription); ok && got == o {
				return m.MemberServerImageInstanceNo, nil
			}
		}
		return "", nil
	})
}

func (p *Provider) deleteImage(ctx context.Context, id, addr string) error {
	var out memberServerImageList
	if err := p.c.call(ctx, "getMemberServerImageInstanceDetail", newForm().set("memberServerImageInstanceNo", id), &out); err != nil {
		return withAddress(err, addr)
	}
	if find(out.MemberServerImageInstanceList, id, imageID) == nil {
		return notFound(addrs.KindImage, id, addr)
	}
	f := newForm().list("memberServerImageInstanceNoList", []string{id})
	return withAddress(p.c.call(ctx, "deleteMemberServerImageInstances", f, nil), addr)
}
