package ncloudsim

import "time"

// ReleaseImage publishes a new release of a server image under the same
// name, as NCP does when it refreshes an OS image: a new serverImageNo,
// created now (after every earlier release: createDate is what tells
// releases apart), the same product code, platform and disk.
// getServerImageList then lists every release under the one name: its
// serverImageName filter answers a list (ncp.md §2.1), and nothing in
// ../shared/api says names are unique, so the simulator lets them repeat.
// It returns the new number, or "" when no server image has that name.
func (s *Sim) ReleaseImage(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last *image
	for _, img := range s.serverImages() {
		if img.Name == name && !img.Retired && (last == nil || !img.created().Before(last.created())) {
			last = img
		}
	}
	if last == nil {
		return ""
	}
	now := s.clock.Now().Truncate(time.Second)
	if !now.After(last.created()) {
		now = last.created().Add(time.Second)
	}
	img := *last
	img.No, img.Created = s.d.nextID(), now
	s.d.Releases = append(s.d.Releases, &img)
	// Flush or the next call's save writes it.
	s.saving.dirty = s.path != ""
	return img.No
}

// serverImages is the catalog, then every release, oldest first.
func (s *Sim) serverImages() []*image {
	out := make([]*image, 0, len(images)+len(s.d.Releases))
	for i := range images {
		out = append(out, &images[i])
	}
	return append(out, s.d.Releases...)
}

// imageByNo finds a server image of the catalog or a release by its number.
func (s *Sim) imageByNo(no string) *image {
	if img := catalogImageByNo(no); img != nil {
		return img
	}
	for _, img := range s.d.Releases {
		if img.No == no {
			return img
		}
	}
	return nil
}

// created is when the image was published: the catalog's all at once.
func (img *image) created() time.Time {
	if img.Created.IsZero() {
		return catalogTime
	}
	return img.Created
}

func (img *image) createDate() string { return ncpDate(img.created()) }
