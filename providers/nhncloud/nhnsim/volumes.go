package nhnsim

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

func listTypes(c *call) {
	out := make([]any, len(volumeTypes))
	for i, t := range volumeTypes {
		out[i] = typeView(t)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"volume_types": out})
}

func getType(c *call) {
	t, ok := volumeTypeByName(c.id(1))
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Volume type "+c.id(1)+" could not be found.")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"volume_type": typeView(t)})
}

func typeView(t volumeType) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "description": nil, "os-volume-type-access:is_public": true,
		"extra_specs": map[string]string{"volume_backend_name": t.Backend}}
}

type attachmentDetail struct {
	ServerID     string  `json:"server_id"`
	AttachmentID string  `json:"attachment_id"`
	VolumeID     string  `json:"volume_id"`
	Device       string  `json:"device"`
	ID           string  `json:"id"`
	HostName     *string `json:"host_name"`
	AttachedAt   string  `json:"attached_at"`
}

// volumeView is a Cinder v2 volume (nhn.md §3.3).
type volumeView struct {
	ID                 string             `json:"id"`
	Name               *string            `json:"name"`
	Description        *string            `json:"description"`
	Size               int                `json:"size"`
	Status             string             `json:"status"`
	VolumeType         string             `json:"volume_type"`
	AZ                 string             `json:"availability_zone"`
	Bootable           string             `json:"bootable"`
	Encrypted          bool               `json:"encrypted"`
	Multiattach        bool               `json:"multiattach"`
	SnapshotID         *string            `json:"snapshot_id"`
	SourceVolID        *string            `json:"source_volid"`
	ConsistencyGroupID *string            `json:"consistencygroup_id"`
	Metadata           map[string]string  `json:"metadata"`
	UserID             string             `json:"user_id"`
	TenantID           string             `json:"os-vol-tenant-attr:tenant_id"`
	CreatedAt          string             `json:"created_at"`
	UpdatedAt          string             `json:"updated_at"`
	ReplicationStatus  string             `json:"replication_status"`
	Attachments        []attachmentDetail `json:"attachments"`
	Links              []link             `json:"links"`
	ImageMetadata      map[string]string  `json:"volume_image_metadata,omitempty"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (c *call) volumeView(v *volume) volumeView {
	out := volumeView{
		ID: v.ID, Name: optString(v.Name), Description: optString(v.Description), Size: v.Size, Status: v.Status,
		VolumeType: v.Type, AZ: v.AZ, Bootable: strconv.FormatBool(v.Bootable), Metadata: nonNil(v.Metadata),
		UserID: userID, TenantID: c.s.opts.TenantID, CreatedAt: v.Created.UTC().Format(timeMicros),
		UpdatedAt: v.Updated.UTC().Format(timeMicros), ReplicationStatus: "disabled", Attachments: []attachmentDetail{},
		Links: c.links(c.volumeBase(), "volumes/"+v.ID),
	}
	if t, ok := volumeTypeByName(v.Type); ok {
		out.Encrypted = t.encrypted()
	}
	if v.ServerID != "" && v.Status != "reserved" && v.Status != "attaching" {
		out.Attachments = append(out.Attachments, attachmentDetail{ServerID: v.ServerID, AttachmentID: v.ID,
			VolumeID: v.ID, Device: v.Device, ID: v.ID, AttachedAt: v.AttachedAt.UTC().Format(timeMicros)})
	}
	if v.ImageID != "" {
		out.ImageMetadata = map[string]string{"image_id": v.ImageID, "image_name": v.ImageName}
	}
	return out
}

func listVolumes(c *call)       { c.listVolumes(false) }
func listVolumesDetail(c *call) { c.listVolumes(true) }

// listVolumes pages newest first with limit (default 1000), marker and
// offset, linking the next page in volumes_links when this one is full.
func (c *call) listVolumes(detail bool) {
	q := c.r.URL.Query()
	limit, offset := 1000, 0
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeFault(c.w, http.StatusBadRequest, "Invalid input received: "+name+" param must be a non-negative integer")
				return
			}
			*dst = n
		}
	}
	vols := c.s.d.Volumes
	i := len(vols) - 1
	if m := q.Get("marker"); m != "" {
		mv := c.s.volumes[m]
		if mv == nil {
			writeFault(c.w, http.StatusNotFound, "Marker "+m+" could not be found.")
			return
		}
		i = sort.Search(len(vols), func(k int) bool { return vols[k].Seq >= mv.Seq }) - 1
	}
	i -= offset
	page := []any{}
	var last string
	for ; i >= 0 && len(page) < limit; i-- {
		v := vols[i]
		if n := q.Get("name"); n != "" && v.Name != n {
			continue
		}
		if st := q.Get("status"); st != "" && v.Status != st {
			continue
		}
		if detail {
			page = append(page, c.volumeView(v))
		} else {
			page = append(page, map[string]any{"id": v.ID, "name": optString(v.Name), "links": c.links(c.volumeBase(), "volumes/"+v.ID)})
		}
		last = v.ID
	}
	body := map[string]any{"volumes": page}
	if len(page) > 0 && len(page) == limit {
		q.Set("marker", last)
		q.Del("offset")
		path := "/volumes"
		if detail {
			path += "/detail"
		}
		body["volumes_links"] = []link{{c.volumeBase() + "/v2/" + c.tenant + path + "?" + q.Encode(), "next"}}
	}
	writeJSON(c.w, http.StatusOK, body)
}

func (c *call) volume() *volume {
	id := c.id(1)
	v := c.s.volumes[id]
	if v == nil {
		writeFault(c.w, http.StatusNotFound, "Volume "+id+" could not be found.")
	}
	return v
}

func getVolume(c *call) {
	if v := c.volume(); v != nil {
		writeJSON(c.w, http.StatusOK, map[string]any{"volume": c.volumeView(v)})
	}
}

// createVolume: 202 with status creating, then available.
func createVolume(c *call) {
	var req struct {
		Volume *struct {
			Size        int               `json:"size"`
			Name        string            `json:"name"`
			Description string            `json:"description"`
			AZ          string            `json:"availability_zone"`
			VolumeType  string            `json:"volume_type"`
			SnapshotID  string            `json:"snapshot_id"`
			SourceVolID string            `json:"source_volid"`
			ImageRef    string            `json:"imageRef"`
			Metadata    map[string]string `json:"metadata"`
			Encryption  *struct {
				AppKey string `json:"skm_appkey"`
				KeyID  string `json:"skm_key_id"`
			} `json:"nhn_encryption"`
		} `json:"volume"`
	}
	if !c.decode(&req) {
		return
	}
	bad := func(msg string) { writeFault(c.w, http.StatusBadRequest, msg) }
	r := req.Volume
	if r == nil {
		bad("Missing required element 'volume' in request body.")
		return
	}
	if r.Size <= 0 || r.Size > 2000 {
		bad("Invalid input received: Volume size '" + strconv.Itoa(r.Size) + "' must be an integer and greater than 0")
		return
	}
	if r.SnapshotID != "" {
		writeFault(c.w, http.StatusNotFound, "Snapshot "+r.SnapshotID+" could not be found.")
		return
	}
	var src *volume
	if r.SourceVolID != "" {
		if src = c.s.volumes[r.SourceVolID]; src == nil {
			writeFault(c.w, http.StatusNotFound, "Volume "+r.SourceVolID+" could not be found.")
			return
		}
	}
	var img *image
	if r.ImageRef != "" {
		if img = c.s.images[r.ImageRef]; img == nil || img.Status != "active" {
			bad("Invalid image identifier or unable to access requested image.")
			return
		}
		if r.Size < img.MinDisk {
			bad("Invalid input received: Image minDisk size " + strconv.Itoa(img.MinDisk) + " is larger than the volume size " + strconv.Itoa(r.Size) + ".")
			return
		}
	}
	typ := r.VolumeType
	if typ == "" {
		typ = defaultVolumeType
	}
	vt, ok := volumeTypeByName(typ)
	if !ok {
		writeFault(c.w, http.StatusNotFound, "Volume type with name "+typ+" could not be found.")
		return
	}
	if vt.encrypted() && (r.Encryption == nil || r.Encryption.AppKey == "" || r.Encryption.KeyID == "") {
		bad("Invalid input received: encrypted volume types need nhn_encryption with skm_appkey and skm_key_id.")
		return
	}
	az := r.AZ
	if az == "" {
		az = zones[0]
	} else if !contains(zones, az) {
		bad("Invalid input received: Availability zone '" + az + "' is invalid.")
		return
	}
	if r.Metadata != nil && !validMetadata(r.Metadata) {
		bad("Invalid input received: metadata")
		return
	}
	v := &volume{ID: c.s.d.nextID("volume"), Name: r.Name, Description: r.Description, Size: r.Size, Status: "creating",
		Type: vt.Name, AZ: az, Metadata: cloneMap(r.Metadata), Created: c.now, Updated: c.now}
	v.Seq = c.s.d.Counter
	if img != nil {
		v.Status, v.Bootable, v.ImageID, v.ImageName = "downloading", true, img.ID, img.Name
	}
	if src != nil {
		v.Bootable, v.ImageID, v.ImageName = src.Bootable, src.ImageID, src.ImageName
	}
	c.s.d.Volumes = append(c.s.d.Volumes, v)
	c.s.volumes[v.ID] = v
	c.s.record("volume", v.ID, v.Name, v.Status, c.now)
	// The build faults apply to volumes by name too: stuck in creating, or ending in error.
	b := c.s.inj.Behaviour()
	if !simcore.Matches(b.StuckBuild, v.Name) {
		end := "available"
		if simcore.Matches(b.FailBuild, v.Name) {
			end = "error"
		}
		c.s.d.schedule(step{At: c.now.Add(c.quarter()), Kind: "volume", ID: v.ID, Gen: v.Gen, Status: end})
	}
	c.s.markDirty()
	writeJSON(c.w, http.StatusAccepted, map[string]any{"volume": c.volumeView(v)})
}

func updateVolume(c *call) {
	v := c.volume()
	if v == nil {
		return
	}
	var req struct {
		Volume *struct {
			Name        *string           `json:"name"`
			Description *string           `json:"description"`
			Metadata    map[string]string `json:"metadata"`
		} `json:"volume"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Volume == nil {
		writeFault(c.w, http.StatusBadRequest, "Missing required element 'volume' in request body.")
		return
	}
	if req.Volume.Name != nil {
		v.Name = *req.Volume.Name
	}
	if req.Volume.Description != nil {
		v.Description = *req.Volume.Description
	}
	if req.Volume.Metadata != nil {
		v.Metadata = cloneMap(req.Volume.Metadata)
	}
	v.Updated = c.now
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"volume": c.volumeView(v)})
}

// deleteVolume: 202, deleting, then gone; 400 unless available or error.
func deleteVolume(c *call) {
	v := c.volume()
	if v == nil {
		return
	}
	if v.Status != "available" && v.Status != "error" && v.Status != "error_restoring" && v.Status != "error_extending" {
		writeFault(c.w, http.StatusBadRequest, "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.")
		return
	}
	c.s.setVolume(v, "deleting", c.now)
	c.s.d.schedule(step{At: c.now.Add(c.quarter()), Kind: "volume", ID: v.ID, Gen: v.Gen, Status: "deleted"})
	c.s.markDirty()
	noContent(c.w, http.StatusAccepted)
}

// volumeAction serves os-extend and os-volume_upload_image.
func volumeAction(c *call) {
	v := c.volume()
	if v == nil {
		return
	}
	var body map[string]json.RawMessage
	if !c.decode(&body) || len(body) != 1 {
		writeFault(c.w, http.StatusBadRequest, "Invalid request body")
		return
	}
	switch {
	case body["os-extend"] != nil:
		var req struct {
			NewSize int `json:"new_size"`
		}
		if json.Unmarshal(body["os-extend"], &req) != nil || req.NewSize <= 0 {
			writeFault(c.w, http.StatusBadRequest, "Invalid input received: new_size must be a positive integer")
			return
		}
		if v.Status != "available" {
			writeFault(c.w, http.StatusBadRequest, "Invalid volume: Volume "+v.ID+" status must be 'available' to extend, currently "+v.Status+".")
			return
		}
		if req.NewSize <= v.Size {
			writeFault(c.w, http.StatusBadRequest, "Invalid input received: New size for extend must be greater than current size. (current: "+strconv.Itoa(v.Size)+", extended: "+strconv.Itoa(req.NewSize)+").")
			return
		}
		v.Size = req.NewSize
		c.s.setVolume(v, "extending", c.now)
		c.s.d.schedule(step{At: c.now.Add(c.quarter()), Kind: "volume", ID: v.ID, Gen: v.Gen, Status: "available"})
		c.s.markDirty()
		noContent(c.w, http.StatusAccepted)
	case body["os-volume_upload_image"] != nil:
		var req struct {
			ImageName string `json:"image_name"`
		}
		if json.Unmarshal(body["os-volume_upload_image"], &req) != nil || req.ImageName == "" {
			writeFault(c.w, http.StatusBadRequest, "Invalid input received: image_name is required")
			return
		}
		if v.Status != "available" && v.Status != "in-use" {
			writeFault(c.w, http.StatusBadRequest, "Invalid volume: Volume status must be available/in-use.")
			return
		}
		img := c.s.newImage(req.ImageName, v.ImageID, nil, c.now)
		img.MinDisk, img.Size = v.Size, int64(v.Size)<<30
		back := v.Status
		c.s.setVolume(v, "uploading", c.now)
		q := c.quarter()
		c.s.d.schedule(step{At: c.now.Add(q), Kind: "image", ID: img.ID, Status: "saving"})
		c.s.d.schedule(step{At: c.now.Add(2 * q), Kind: "image", ID: img.ID, Status: "active"})
		c.s.d.schedule(step{At: c.now.Add(2 * q), Kind: "volume", ID: v.ID, Gen: v.Gen, Status: back})
		c.s.markDirty()
		writeJSON(c.w, http.StatusAccepted, map[string]any{"os-volume_upload_image": map[string]any{
			"id": v.ID, "updated_at": c.now.Format(timeMicros), "status": "uploading", "display_description": nil,
			"size": v.Size, "volume_type": map[string]any{"name": v.Type}, "image_id": img.ID,
			"container_format": "bare", "disk_format": "qcow2", "image_name": img.Name}})
	default:
		writeFault(c.w, http.StatusBadRequest, "There is no such action: "+actionKey(c.body))
	}
}

// setVolume moves a volume to a status, superseding its scheduled steps.
func (s *Sim) setVolume(v *volume, status string, at time.Time) {
	v.Gen++
	if v.Status != status {
		v.Status = status
		s.record("volume", v.ID, v.Name, status, at)
	}
	v.Updated = at
}

func (s *Sim) applyVolumeStep(st step) {
	v := s.volumes[st.ID]
	if v == nil || v.Gen != st.Gen {
		return
	}
	if st.Status == "deleted" {
		s.removeVolume(v, st.At)
		return
	}
	detached := v.Status == "detaching" && st.Status == "available"
	if v.Status != st.Status {
		v.Status = st.Status
		s.record("volume", v.ID, v.Name, st.Status, st.At)
	}
	v.Updated = st.At
	if detached {
		s.finishDetach(v)
	}
}

func (s *Sim) removeVolume(v *volume, at time.Time) {
	delete(s.volumes, v.ID)
	k := sort.Search(len(s.d.Volumes), func(k int) bool { return s.d.Volumes[k].Seq >= v.Seq })
	s.d.Volumes = append(s.d.Volumes[:k], s.d.Volumes[k+1:]...)
	s.record("volume", v.ID, v.Name, "deleted", at)
}
