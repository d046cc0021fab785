package ncloudsim

import (
	"slices"
	"strings"
)

// Member server images (ncp.md §2.3, seed 003): made from a stopped or
// running XEN server, INIT/CREAT "creating" → CREAT; deleted via TERMT.

func (s *Sim) memberImage(c *call, no string) *memberImage {
	m := s.d.Images[no]
	if m == nil || m.Region != c.region.Code {
		return nil
	}
	return m
}

func imageList(list []*memberImage, total int, mutated bool) result {
	views := make([]memberImageJSON, len(list))
	for i, m := range list {
		views[i] = memberImageView(m)
	}
	return result{fields: object{{"totalRows", total}, {"memberServerImageInstanceList", views}}, mutated: mutated}
}

func createMemberServerImageInstance(s *Sim, c *call) (result, error) {
	srv, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	name := c.p.str("memberServerImageName")
	if name != "" {
		if err := validName("memberServerImageName", name); err != nil {
			return result{}, err
		}
	}
	desc := c.p.str("memberServerImageDescription")
	if len(desc) > 1000 {
		return result{}, invalidParam("memberServerImageDescription", "must be at most 1000 bytes")
	}
	sp := specByCode(srv.Spec)
	if sp.Hypervisor != "XEN" {
		return result{}, wrongState("KVM-based server images are not supported; server instance %s is KVM", srv.No)
	}
	if srv.op(c.now) != "NULL" {
		return result{}, inProgress()
	}
	if srv.Status != "RUN" && srv.Status != "NSTOP" {
		return result{}, wrongState("server instance %s is %s; an image needs a stopped or running server", srv.No, srv.Status)
	}
	m := &memberImage{No: s.d.nextID(), Region: c.region.Code, Name: name, Description: desc, Server: srv.No,
		ImageProduct: srv.ImageProduct, ImageNo: srv.ImageNo, Spec: srv.Spec, Created: c.now}
	if m.Name == "" {
		m.Name = "image-" + m.No
	}
	// The image carries every volume of the server, boot disk first: that
	// is what memberServerImageBlockStorageTotalRows/TotalSize count (seed
	// 003: one 50 GB volume for a server without added storage), and a
	// server created from the image gets them all back (createServerInstances).
	for _, v := range s.idx.volumesOf(srv.No) {
		if v.Type == "BASIC" {
			m.Disks = append([]imageDisk{diskOfVolume(v)}, m.Disks...)
		} else {
			m.Disks = append(m.Disks, diskOfVolume(v))
		}
		m.Volumes++
		m.TotalBytes += v.SizeGB * gb
	}
	s.d.Images[m.No] = m
	s.setImage(m, c.now, "INIT", "CREAT", s.dur(fImage))
	return imageList([]*memberImage{m}, 1, true), nil
}

func diskOfVolume(v *volume) imageDisk {
	return imageDisk{SizeGB: v.SizeGB, DiskDetail: v.DiskDetail, VolumeType: v.VolumeType, Encrypted: v.Encrypted}
}

func getMemberServerImageInstanceList(s *Sim, c *call) (result, error) {
	p := c.p
	offset, size, err := p.paging()
	if err != nil {
		return result{}, err
	}
	only, err := p.list("memberServerImageInstanceNoList")
	if err != nil {
		return result{}, err
	}
	platforms, err := p.list("platformTypeCodeList")
	if err != nil {
		return result{}, err
	}
	name, status := p.str("memberServerImageName"), p.str("memberServerImageInstanceStatusCode")
	var all []*memberImage
	for _, m := range s.d.Images {
		if m.Region != c.region.Code || (name != "" && m.Name != name) || (status != "" && m.Status != status) {
			continue
		}
		if len(only) > 0 && !slices.Contains(only, m.No) {
			continue
		}
		if len(platforms) > 0 {
			img := s.imageByNo(m.ImageNo)
			if img == nil || !slices.Contains(platforms, img.Platform.Code) {
				continue
			}
		}
		all = append(all, m)
	}
	byName := p.str("sortedBy") == "memberServerImageName"
	desc := p.str("sortingOrder") == "DESC"
	sortImages(all, byName, desc)
	lo, hi := page(len(all), offset, size)
	return imageList(all[lo:hi], len(all), false), nil
}

func getMemberServerImageInstanceDetail(s *Sim, c *call) (result, error) {
	no := c.p.str("memberServerImageInstanceNo")
	if no == "" {
		return result{}, invalidParam("memberServerImageInstanceNo", "is required")
	}
	if m := s.memberImage(c, no); m != nil {
		return imageList([]*memberImage{m}, 1, false), nil
	}
	return imageList(nil, 0, false), nil
}

func deleteMemberServerImageInstances(s *Sim, c *call) (result, error) {
	ids, err := c.p.list("memberServerImageInstanceNoList")
	if err != nil {
		return result{}, err
	}
	if len(ids) == 0 {
		return result{}, invalidParam("memberServerImageInstanceNoList", "is required")
	}
	var list []*memberImage
	for _, id := range ids {
		m := s.memberImage(c, id)
		if m == nil {
			return result{}, invalidParam("memberServerImageInstanceNoList", "member server image %s not found in region %s", id, c.region.Code)
		}
		if m.Status != "CREAT" || m.Op != "NULL" {
			return result{}, wrongState("member server image %s is %s", id, memberImageView(m).MemberServerImageInstanceStatusName)
		}
		list = append(list, m)
	}
	for _, m := range list {
		s.setImage(m, c.now, "CREAT", "TERMT", s.dur(fImageDel))
	}
	return imageList(list, len(list), true), nil
}

// sortImages orders images by number, or by name then number.
func sortImages(all []*memberImage, byName, desc bool) {
	slices.SortFunc(all, func(a, b *memberImage) int {
		r := idCompare(a.No, b.No)
		if byName && a.Name != b.Name {
			r = strings.Compare(a.Name, b.Name)
		}
		if desc {
			r = -r
		}
		return r
	})
}
