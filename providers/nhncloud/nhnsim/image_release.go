package nhnsim

import (
	"fmt"
	"maps"
	"time"
)

// ReleaseImage publishes a new release of a public image under the same
// name, as NHN does when it refreshes an OS image: a new id, created now
// (after every earlier release: Glance's created_at is what tells releases
// apart), the same properties. Glance identifies images by id only and
// does not require names to be unique (OpenStack Image API v2 reference;
// not in ../shared/api), so a list shows every release under the one name.
// It returns the new id, or "" when no image has that name.
func (s *Sim) ReleaseImage(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last *image
	n := 0
	for _, im := range s.d.Images {
		if im.Name == name {
			n++
			if last == nil || im.Created.After(last.Created) {
				last = im
			}
		}
	}
	if last == nil {
		return ""
	}
	now := s.clock.Now().UTC().Truncate(time.Second)
	if !now.After(last.Created) {
		now = last.Created.Add(time.Second)
	}
	im := *last
	im.ID = uuidFrom(fmt.Sprintf("nhnsim/image-release/%s/%d", name, n))
	im.Props = maps.Clone(last.Props)
	im.Tags = append([]string(nil), last.Tags...)
	im.Created, im.Updated = now, now
	s.d.Images = append(s.d.Images, &im)
	s.images[im.ID] = &im
	s.markDirty()
	return im.ID
}
