package ncloudsim

import "slices"

// volume finds a volume of the call's region; like servers, one of another
// region is not found (ncp.md §6, bug #576).
func (s *Sim) volume(c *call, no string) *volume {
	v := s.d.Volumes[no]
	if v == nil || v.Region != c.region.Code {
		return nil
	}
	return v
}

func volumeList(list []*volume, total int, mutated bool) result {
	views := make([]volumeJSON, len(list))
	for i, v := range list {
		views[i] = volumeView(v)
	}
	return result{fields: object{{"totalRows", total}, {"blockStorageInstanceList", views}}, mutated: mutated}
}

// attachable checks that a server can take one more volume now. The SETUP
// window after a build or a detach does not block it (only stop and
// terminate are documented to wait for it); a real operation does.
func (s *Sim) attachable(c *call, srv *server) error {
	if srv.Op != "NULL" {
		return inProgress()
	}
	if srv.Status != "RUN" && srv.Status != "NSTOP" {
		return wrongState("server instance %s is %s; storage needs a running or stopped server", srv.No, srv.Status)
	}
	n := len(s.idx.volumesOf(srv.No))
	if sp := specByCode(srv.Spec); n >= sp.MaxVolumes {
		return wrongState("server instance %s already has %d volumes, the most spec %s takes", srv.No, n, sp.Code)
	}
	return nil
}

// createBlockStorageInstance: with serverInstanceNo (XEN) the volume is
// attached to it; with zoneCode only (KVM) it is created detached.
func createBlockStorageInstance(s *Sim, c *call) (result, error) {
	p := c.p
	size, err := p.integer("blockStorageSize", 0)
	if err != nil {
		return result{}, err
	}
	protect, err := p.boolean("isReturnProtection", false)
	if err != nil {
		return result{}, err
	}
	v := &volume{Type: "SVRBS", SizeGB: size, Description: p.str("blockStorageDescription"),
		Protect: protect, Snapshot: p.str("blockStorageSnapshotInstanceNo")}
	zoneCode := p.str("zoneCode")
	if no := p.str("serverInstanceNo"); no != "" {
		srv := s.server(c, no)
		if srv == nil {
			return result{}, invalidParam("serverInstanceNo", "server instance %s not found in region %s", no, c.region.Code)
		}
		if zoneCode != "" && zoneCode != srv.Zone {
			return result{}, invalidParam("zoneCode", "server instance %s is in zone %s", no, srv.Zone)
		}
		if err := s.attachable(c, srv); err != nil {
			return result{}, err
		}
		v.Server, v.Zone, v.Hypervisor = srv.No, srv.Zone, specByCode(srv.Spec).Hypervisor
	} else {
		if zoneCode == "" {
			return result{}, invalidParam("serverInstanceNo", "give serverInstanceNo (XEN) or zoneCode (KVM)")
		}
		if !c.region.hasZone(zoneCode) {
			return result{}, invalidParam("zoneCode", "zone %s not found in region %s", zoneCode, c.region.Code)
		}
		v.Zone, v.Hypervisor = zoneCode, "KVM"
	}
	if err := checkSize(v.Hypervisor, size); err != nil {
		return result{}, err
	}
	vt, detail := p.str("blockStorageVolumeTypeCode"), p.str("blockStorageDiskDetailTypeCode")
	switch v.Hypervisor {
	case "XEN":
		if vt == "" {
			vt = detail
		}
		if vt == "" {
			vt = "SSD"
		}
		if vt != "SSD" && vt != "HDD" {
			return result{}, invalidParam("blockStorageVolumeTypeCode", "XEN volumes are SSD or HDD, got %q", vt)
		}
	default:
		if vt == "" && v.Server == "" {
			return result{}, invalidParam("blockStorageVolumeTypeCode", "is required for KVM")
		}
		if vt == "" {
			vt = "CB1"
		}
		if !slices.Contains([]string{"FB1", "CB1", "FB2", "CB2"}, vt) {
			return result{}, invalidParam("blockStorageVolumeTypeCode", "KVM volumes are FB1, CB1, FB2 or CB2, got %q", vt)
		}
	}
	v.VolumeType, v.DiskDetail = vt, diskOf(vt)
	v.Name = p.str("blockStorageName")
	if v.Name != "" {
		if err := validName("blockStorageName", v.Name); err != nil {
			return result{}, err
		}
	}
	s.addVolume(c, v)
	return volumeList([]*volume{v}, 1, true), nil
}

// volumeFilter is getBlockStorageInstanceList's filters.
type volumeFilter struct {
	zone, status, name, serverName, detail string
	sizeGB                                 int64
	types, volumeTypes, hypervisors, only  []string
}

func (f volumeFilter) match(s *Sim, v *volume) bool {
	switch {
	case f.zone != "" && v.Zone != f.zone,
		f.status != "" && v.Status != f.status,
		f.name != "" && v.Name != f.name,
		f.detail != "" && v.DiskDetail != f.detail,
		f.sizeGB != 0 && v.SizeGB != f.sizeGB,
		len(f.types) > 0 && !slices.Contains(f.types, v.Type),
		len(f.volumeTypes) > 0 && !slices.Contains(f.volumeTypes, v.VolumeType),
		len(f.hypervisors) > 0 && !slices.Contains(f.hypervisors, v.Hypervisor),
		len(f.only) > 0 && !slices.Contains(f.only, v.No):
		return false
	}
	if f.serverName != "" {
		srv := s.d.Servers[v.Server]
		return srv != nil && srv.Name == f.serverName
	}
	return true
}

func getBlockStorageInstanceList(s *Sim, c *call) (result, error) {
	p := c.p
	offset, size, err := p.paging()
	if err != nil {
		return result{}, err
	}
	f := volumeFilter{zone: p.str("zoneCode"), status: p.str("blockStorageInstanceStatusCode"),
		name: p.str("blockStorageName"), serverName: p.str("serverName"), detail: p.str("blockStorageDiskDetailTypeCode")}
	if f.sizeGB, err = p.integer("blockStorageSize", 0); err != nil {
		return result{}, err
	}
	for _, l := range []struct {
		name string
		dst  *[]string
	}{{"blockStorageTypeCodeList", &f.types}, {"blockStorageVolumeTypeCodeList", &f.volumeTypes},
		{"hypervisorTypeCodeList", &f.hypervisors}, {"blockStorageInstanceNoList", &f.only}} {
		if *l.dst, err = p.list(l.name); err != nil {
			return result{}, err
		}
	}
	vols := get(s.idx.volumes, c.region.Code).items
	if no := p.str("serverInstanceNo"); no != "" {
		vols = nil
		if s.server(c, no) != nil {
			vols = s.idx.volumesOf(no)
		}
	}
	var out []*volume
	total := 0
	for _, v := range vols {
		if !f.match(s, v) {
			continue
		}
		if total >= offset && (size == 0 || total < offset+size) {
			out = append(out, v)
		}
		total++
	}
	return volumeList(out, total, false), nil
}

func getBlockStorageInstanceDetail(s *Sim, c *call) (result, error) {
	no := c.p.str("blockStorageInstanceNo")
	if no == "" {
		return result{}, invalidParam("blockStorageInstanceNo", "is required")
	}
	if v := s.volume(c, no); v != nil {
		return volumeList([]*volume{v}, 1, false), nil
	}
	return volumeList(nil, 0, false), nil
}

func (s *Sim) mustVolume(c *call, no, field string) (*volume, error) {
	if no == "" {
		return nil, invalidParam(field, "is required")
	}
	v := s.volume(c, no)
	if v == nil {
		return nil, invalidParam(field, "block storage instance %s not found in region %s", no, c.region.Code)
	}
	return v, nil
}

// attachBlockStorageInstance attaches a detached volume: INIT/ATTAC
// "attaching", then ATTAC (ncp.md §2.2, §3.3).
func attachBlockStorageInstance(s *Sim, c *call) (result, error) {
	v, err := s.mustVolume(c, c.p.str("blockStorageInstanceNo"), "blockStorageInstanceNo")
	if err != nil {
		return result{}, err
	}
	srv, err := s.mustServer(c, "serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	if v.Status != "CREAT" || v.Op != "NULL" {
		return result{}, wrongState("block storage instance %s is not detached", v.No)
	}
	if srv.Zone != v.Zone {
		return result{}, wrongState("block storage instance %s is in zone %s, server instance %s in %s", v.No, v.Zone, srv.No, srv.Zone)
	}
	if h := specByCode(srv.Spec).Hypervisor; h != v.Hypervisor {
		return result{}, wrongState("a %s volume cannot attach to a %s server", v.Hypervisor, h)
	}
	if err := s.attachable(c, srv); err != nil {
		return result{}, err
	}
	s.idx.removeVolume(v)
	v.Server = srv.No
	s.idx.addVolume(v)
	s.setVolume(v, c.now, "INIT", "ATTAC", s.dur(fVolAttach))
	return volumeList([]*volume{v}, 1, true), nil
}

// volumesOf reads blockStorageInstanceNoList and checks each volume.
func (s *Sim) volumesOf(c *call, check func(*volume) error) ([]*volume, error) {
	ids, err := c.p.list("blockStorageInstanceNoList")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, invalidParam("blockStorageInstanceNoList", "is required")
	}
	var out []*volume
	for _, id := range ids {
		v, err := s.mustVolume(c, id, "blockStorageInstanceNoList")
		if err != nil {
			return nil, err
		}
		if v.Type != "SVRBS" {
			return nil, wrongState("block storage instance %s is the server's basic storage", v.No)
		}
		if v.Op != "NULL" {
			return nil, wrongState("block storage instance %s is %s", v.No, volumeStatusName(v))
		}
		if err := check(v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// detaching starts a detach; the server's op shows SETUP until a while
// after it ends, so a terminate right away gets 1100031 (PR #383).
func (s *Sim) detaching(c *call, v *volume, extra float64) {
	d := s.dur(fVolDetach)
	if srv := s.d.Servers[v.Server]; srv != nil {
		srv.SetupUntil = c.now.Add(d + s.dur(fSetup))
	}
	if extra > 0 {
		d += s.dur(extra)
	}
	s.setVolume(v, c.now, "ATTAC", "DETAC", d)
}

func detachBlockStorageInstances(s *Sim, c *call) (result, error) {
	vols, err := s.volumesOf(c, func(v *volume) error {
		if v.Status != "ATTAC" {
			return wrongState("block storage instance %s is not attached", v.No)
		}
		if srv := s.d.Servers[v.Server]; srv != nil && srv.op(c.now) != "NULL" {
			return inProgress()
		}
		return nil
	})
	if err != nil {
		return result{}, err
	}
	for _, v := range vols {
		s.detaching(c, v, 0)
	}
	return volumeList(vols, len(vols), true), nil
}

// deleteBlockStorageInstances deletes additional volumes; an attached one
// is detached first (the DOC example answers ATTAC/DETAC "detaching").
func deleteBlockStorageInstances(s *Sim, c *call) (result, error) {
	vols, err := s.volumesOf(c, func(v *volume) error {
		if v.Protect {
			return wrongState("block storage instance %s is protected from return", v.No)
		}
		if v.Status != "ATTAC" && v.Status != "CREAT" {
			return wrongState("block storage instance %s is %s", v.No, volumeStatusName(v))
		}
		if srv := s.d.Servers[v.Server]; v.Status == "ATTAC" && srv != nil && srv.op(c.now) != "NULL" {
			return inProgress()
		}
		return nil
	})
	if err != nil {
		return result{}, err
	}
	for _, v := range vols {
		v.Deleting = true
		if v.Status == "ATTAC" {
			s.detaching(c, v, fVolDelete)
		} else {
			s.setVolume(v, c.now, "CREAT", "TERMT", s.dur(fVolDelete))
		}
	}
	return volumeList(vols, len(vols), true), nil
}

// changeBlockStorageVolumeSize grows a volume (XEN; changeBlockStorageInstance
// is the KVM name of the same call). Sizes only grow.
func changeBlockStorageVolumeSize(s *Sim, c *call) (result, error) {
	v, err := s.mustVolume(c, c.p.str("blockStorageInstanceNo"), "blockStorageInstanceNo")
	if err != nil {
		return result{}, err
	}
	size, err := c.p.integer("blockStorageSize", 0)
	if err != nil {
		return result{}, err
	}
	if err := checkSize(v.Hypervisor, size); err != nil {
		return result{}, err
	}
	if size <= v.SizeGB {
		return result{}, invalidParam("blockStorageSize", "can only grow: %d GB to %d GB", v.SizeGB, size)
	}
	if v.Op != "NULL" || (v.Status != "ATTAC" && v.Status != "CREAT") {
		return result{}, wrongState("block storage instance %s is %s", v.No, volumeStatusName(v))
	}
	v.PendingGB = size
	s.setVolume(v, c.now, v.Status, "CHNG", s.dur(fVolChange))
	return volumeList([]*volume{v}, 1, true), nil
}
