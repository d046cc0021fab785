package nhnsim

import (
	"net/http"
	"time"
)

type attachmentView struct {
	Device   string `json:"device"`
	ID       string `json:"id"`
	ServerID string `json:"serverId"`
	VolumeID string `json:"volumeId"`
}

func listAttachments(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	out := make([]attachmentView, 0, len(v.Volumes))
	for _, id := range v.Volumes {
		if vol := c.s.volumes[id]; vol != nil {
			out = append(out, attachmentView{vol.Device, vol.ID, v.ID, vol.ID})
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"volumeAttachments": out})
}

func getAttachment(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	vid := c.id(3)
	vol := c.s.volumes[vid]
	if vol == nil || vol.ServerID != v.ID {
		writeFault(c.w, http.StatusNotFound, "Instance "+v.ID+" is not attached to volume "+vid+".")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"volumeAttachment": attachmentView{vol.Device, vol.ID, v.ID, vol.ID}})
}

var attachStates = []string{"active", "paused", "stopped", "resized", "soft-delete", "shelved", "shelved_offloaded"}

// attachVolume: 200, then the volume goes reserved → attaching → in-use.
func attachVolume(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	var req struct {
		VolumeAttachment *struct {
			VolumeID string `json:"volumeId"`
			Device   string `json:"device"`
		} `json:"volumeAttachment"`
	}
	if !c.decode(&req) {
		return
	}
	if req.VolumeAttachment == nil || req.VolumeAttachment.VolumeID == "" {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute volumeId.")
		return
	}
	vid := req.VolumeAttachment.VolumeID
	vol := c.s.volumes[vid]
	if vol == nil {
		writeFault(c.w, http.StatusNotFound, "Volume "+vid+" could not be found.")
		return
	}
	// The legacy /v2 path has no microversion 2.20, so shelved servers refuse.
	states := attachStates[:5]
	if !c.allowed(v, "attach_volume", states, nil, false) {
		return
	}
	if vol.Status != "available" {
		writeFault(c.w, http.StatusBadRequest, "Invalid volume: volume '"+vid+"' status must be 'available'. Currently in '"+vol.Status+"'")
		return
	}
	if vol.AZ != v.AZ {
		writeFault(c.w, http.StatusBadRequest, "Server and volumes are not in the same availability zone.")
		return
	}
	vol.ServerID, vol.Device, vol.AttachedAt = v.ID, c.nextDevice(v), c.now
	v.Volumes = append(v.Volumes, vol.ID)
	v.Updated = c.now
	c.s.setVolume(vol, "reserved", c.now)
	q := c.quarter()
	c.s.d.schedule(step{At: c.now.Add(q / 2), Kind: "volume", ID: vol.ID, Gen: vol.Gen, Status: "attaching"})
	c.s.d.schedule(step{At: c.now.Add(q), Kind: "volume", ID: vol.ID, Gen: vol.Gen, Status: "in-use"})
	c.s.markDirty()
	writeJSON(c.w, http.StatusOK, map[string]any{"volumeAttachment": attachmentView{vol.Device, vol.ID, v.ID, vol.ID}})
}

// nextDevice is the first free /dev/vdX of a server.
func (c *call) nextDevice(v *server) string {
	used := map[string]bool{}
	for _, id := range v.Volumes {
		if vol := c.s.volumes[id]; vol != nil {
			used[vol.Device] = true
		}
	}
	for k := 0; ; k++ {
		if d := deviceName(k); !used[d] {
			return d
		}
	}
}

// detachVolume: 202, then detaching → available, when the volume leaves
// the server.
func detachVolume(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	vid := c.id(3)
	vol := c.s.volumes[vid]
	if vol == nil || vol.ServerID != v.ID {
		writeFault(c.w, http.StatusNotFound, "Instance "+v.ID+" is not attached to volume "+vid+".")
		return
	}
	if len(v.Volumes) > 0 && v.Volumes[0] == vid && vol.Bootable && vol.Device == "/dev/vda" {
		writeFault(c.w, http.StatusBadRequest, "Cannot detach a root device volume")
		return
	}
	if !c.allowed(v, "detach_volume", attachStates[:5], nil, false) {
		return
	}
	if vol.Status != "in-use" {
		writeFault(c.w, http.StatusBadRequest, "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
		return
	}
	// Nova keeps the attachment (its block device mapping) until the
	// detach completes: applyVolumeStep drops it on detaching → available.
	v.Updated = c.now
	c.s.setVolume(vol, "detaching", c.now)
	c.s.d.schedule(step{At: c.now.Add(c.quarter()), Kind: "volume", ID: vol.ID, Gen: vol.Gen, Status: "available"})
	c.s.markDirty()
	noContent(c.w, http.StatusAccepted)
}

// finishDetach ends a detach: the volume drops its attachment, as Cinder
// shows an available volume with "attachments": [], and the server stops
// listing it.
func (s *Sim) finishDetach(vol *volume) {
	if v := s.servers[vol.ServerID]; v != nil {
		for i, id := range v.Volumes {
			if id == vol.ID {
				v.Volumes = append(v.Volumes[:i:i], v.Volumes[i+1:]...)
				break
			}
		}
		v.Updated = vol.Updated
	}
	vol.ServerID, vol.Device, vol.AttachedAt, vol.DeleteOnTerm = "", "", time.Time{}, false
}
