package nhnsim

import (
	"encoding/json"
	"net/http"
	"time"
)

// serverAction serves POST /servers/{id}/action (nhn.md §2.6, §4.3, §4.4).
func serverAction(c *call) {
	v := c.server()
	if v == nil {
		return
	}
	var body map[string]json.RawMessage
	if !c.decode(&body) || len(body) != 1 {
		writeFault(c.w, http.StatusBadRequest, "There is no such action: "+actionKey(c.body))
		return
	}
	for name, arg := range body {
		act, ok := actions[name]
		if !ok {
			writeFault(c.w, http.StatusBadRequest, "There is no such action: "+name)
			return
		}
		act(c, v, arg)
	}
}

type action func(c *call, v *server, arg json.RawMessage)

// actions are the server actions of the NHN guide, plus revertResize.
var actions = map[string]action{
	"os-stop":             actStop,
	"os-start":            actStart,
	"reboot":              actReboot,
	"shelve":              actShelve,
	"unshelve":            actUnshelve,
	"resize":              actResize,
	"confirmResize":       actConfirmResize,
	"revertResize":        actRevertResize,
	"createImage":         actCreateImage,
	"addSecurityGroup":    actAddSecurityGroup,
	"removeSecurityGroup": actRemoveSecurityGroup,
}

// allowed checks Nova's check_instance_state: vm_state first, then
// task_state (nil tasks = it must be idle), then launched_at. It answers
// 409 with Nova's message when the action does not fit.
func (c *call) allowed(v *server, method string, vmStates []string, tasks []string, mustHaveLaunched bool) bool {
	conflict := func(attr, state string) bool {
		writeFault(c.w, http.StatusConflict, "Cannot '"+method+"' instance "+v.ID+" while it is in "+attr+" "+state)
		return false
	}
	if !contains(vmStates, v.VMState) {
		return conflict("vm_state", v.VMState)
	}
	if tasks == nil && v.TaskState != "" || tasks != nil && !contains(tasks, v.TaskState) {
		task := v.TaskState
		if task == "" {
			task = "None"
		}
		return conflict("task_state", task)
	}
	if mustHaveLaunched && v.Launched.IsZero() {
		return conflict("launched_at", "None")
	}
	return true
}

// then schedules the end of an action d from now.
func (c *call) then(v *server, d time.Duration, st step) {
	st.At, st.Kind, st.ID, st.Gen = c.now.Add(d), "server", v.ID, v.Gen
	c.s.d.schedule(st)
	c.s.markDirty()
}

func (c *call) quarter() time.Duration { return c.s.inj.Behaviour().Scaled(0.25) }

func actStop(c *call, v *server, _ json.RawMessage) {
	if !c.allowed(v, "stop", []string{"active", "error"}, nil, true) {
		return
	}
	c.s.setServer(v, v.VMState, "powering-off", v.Power, c.now)
	c.then(v, c.quarter(), step{VMState: "stopped", Power: 4})
	noContent(c.w, http.StatusAccepted)
}

func actStart(c *call, v *server, _ json.RawMessage) {
	if !c.allowed(v, "start", []string{"stopped"}, nil, true) {
		return
	}
	c.s.setServer(v, v.VMState, "powering-on", v.Power, c.now)
	c.then(v, c.quarter(), step{VMState: "active", Power: 1})
	noContent(c.w, http.StatusAccepted)
}

func actReboot(c *call, v *server, arg json.RawMessage) {
	var req struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(arg, &req) != nil || (req.Type != "SOFT" && req.Type != "HARD") {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute type.")
		return
	}
	if req.Type == "SOFT" {
		if !c.allowed(v, "reboot", []string{"active"}, nil, true) {
			return
		}
		c.s.setServer(v, v.VMState, "rebooting", v.Power, c.now)
	} else {
		hardTasks := []string{"", "rebooting", "reboot_pending", "reboot_started", "rebooting_hard",
			"reboot_pending_hard", "reboot_started_hard", "resuming", "unpausing", "suspending"}
		if !c.allowed(v, "reboot", []string{"active", "stopped", "paused", "suspended", "error"}, hardTasks, true) {
			return
		}
		c.s.setServer(v, v.VMState, "rebooting_hard", v.Power, c.now)
	}
	c.then(v, c.quarter(), step{VMState: "active", Power: 1})
	noContent(c.w, http.StatusAccepted)
}

func actShelve(c *call, v *server, _ json.RawMessage) {
	// NHN (seed 002): "The instance's status must be ACTIVE"; stock Nova also allows stopped.
	if !c.allowed(v, "shelve", []string{"active"}, nil, true) {
		return
	}
	c.s.setServer(v, v.VMState, "shelving", v.Power, c.now)
	c.then(v, c.quarter(), step{VMState: v.VMState, TaskState: "shelving_offloading", Power: 4})
	// Once offloaded Nova records no power state.
	c.then(v, 2*c.quarter(), step{VMState: "shelved_offloaded", Power: 0})
	c.s.setRootStatus(v, "reserved", c.now.Add(2*c.quarter()))
	noContent(c.w, http.StatusAccepted)
}

func actUnshelve(c *call, v *server, arg json.RawMessage) {
	var req struct {
		AZ *string `json:"availability_zone"`
	}
	if len(arg) > 0 && string(arg) != "null" && json.Unmarshal(arg, &req) != nil {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute unshelve.")
		return
	}
	if req.AZ != nil && !contains(zones, *req.AZ) {
		writeFault(c.w, http.StatusBadRequest, "The requested availability zone is not available")
		return
	}
	if !c.allowed(v, "unshelve", []string{"shelved", "shelved_offloaded"}, nil, true) {
		return
	}
	if req.AZ != nil {
		v.AZ = *req.AZ
	}
	c.s.setServer(v, v.VMState, "unshelving", v.Power, c.now)
	c.then(v, 2*c.quarter(), step{VMState: "active", Power: 1})
	c.s.setRootStatus(v, "in-use", c.now.Add(2*c.quarter()))
	noContent(c.w, http.StatusAccepted)
}

// setRootStatus schedules a status for a server's root volume: NHN
// shows the root of a terminated (shelved) server as reserved.
func (s *Sim) setRootStatus(v *server, status string, at time.Time) {
	if len(v.Volumes) == 0 {
		return
	}
	if vol := s.volumes[v.Volumes[0]]; vol != nil && vol.Bootable && vol.Device == deviceName(0) {
		s.d.schedule(step{At: at, Kind: "volume", ID: vol.ID, Gen: vol.Gen, Status: status})
	}
}

func actResize(c *call, v *server, arg json.RawMessage) {
	var req struct {
		FlavorRef string `json:"flavorRef"`
	}
	if json.Unmarshal(arg, &req) != nil || req.FlavorRef == "" {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute flavorRef.")
		return
	}
	to, ok := flavorByID(req.FlavorRef)
	if !ok {
		writeFault(c.w, http.StatusBadRequest, "Unable to locate requested flavor.")
		return
	}
	if !c.allowed(v, "resize", []string{"active", "stopped"}, nil, true) {
		return
	}
	if to.ID == v.FlavorID {
		writeFault(c.w, http.StatusBadRequest, "When resizing, instances must change flavor!")
		return
	}
	from, _ := flavorByID(v.FlavorID)
	if from.localDisk() || to.localDisk() {
		writeFault(c.w, http.StatusBadRequest, "U2 flavors cannot be changed, and no flavor can be changed to U2.")
		return
	}
	pre, power := v.VMState, v.Power
	v.OldFlavorID, v.PreResizeVM = v.FlavorID, pre
	c.s.setServer(v, pre, "resize_prep", power, c.now)
	q := c.quarter()
	c.then(v, q, step{VMState: pre, TaskState: "resize_migrating", Power: power})
	c.then(v, 2*q, step{VMState: pre, TaskState: "resize_migrated", Power: power})
	c.then(v, 3*q, step{VMState: pre, TaskState: "resize_finish", Power: power, Flavor: to.ID})
	finalPower := 4
	if pre == "active" {
		finalPower = 1
	}
	window := c.s.opts.ResizeConfirmWindow
	if window == 0 {
		window = c.s.inj.Behaviour().Build()
	}
	if window < 0 {
		c.then(v, 4*q, step{VMState: pre, Power: finalPower, Flavor: to.ID})
	} else {
		c.then(v, 4*q, step{VMState: "resized", Power: finalPower, Flavor: to.ID})
		// NHN confirms by itself: VERIFY_RESIZE "is automatically changed to ACTIVE".
		c.then(v, 4*q+window, step{VMState: pre, Power: finalPower, Flavor: to.ID})
	}
	noContent(c.w, http.StatusAccepted)
}

func actConfirmResize(c *call, v *server, _ json.RawMessage) {
	if !c.allowed(v, "confirmResize", []string{"resized"}, nil, true) {
		return
	}
	v.OldFlavorID = ""
	c.s.setServer(v, v.PreResizeVM, "", v.Power, c.now)
	c.s.markDirty()
	noContent(c.w, http.StatusNoContent)
}

func actRevertResize(c *call, v *server, _ json.RawMessage) {
	if !c.allowed(v, "revertResize", []string{"resized"}, nil, true) {
		return
	}
	power := 4
	if v.PreResizeVM == "active" {
		power = 1
	}
	c.s.setServer(v, v.VMState, "resize_reverting", v.Power, c.now)
	c.then(v, 2*c.quarter(), step{VMState: v.PreResizeVM, Power: power, Flavor: v.OldFlavorID})
	noContent(c.w, http.StatusAccepted)
}

// actCreateImage snapshots a U2 server. The answer is 202 with a Location
// header and no body; as on Nova's legacy /v2 path there is no
// X-OpenStack-Nova-API-Version header.
func actCreateImage(c *call, v *server, arg json.RawMessage) {
	var req struct {
		Name     string            `json:"name"`
		Metadata map[string]string `json:"metadata"`
	}
	if json.Unmarshal(arg, &req) != nil || req.Name == "" || len(req.Name) > 255 {
		writeFault(c.w, http.StatusBadRequest, "Invalid input for field/attribute name.")
		return
	}
	if fl, _ := flavorByID(v.FlavorID); !fl.localDisk() {
		writeFault(c.w, http.StatusBadRequest, "Only U2 instances can create images with createImage; use the block storage os-volume_upload_image action.")
		return
	}
	if !c.allowed(v, "createImage", []string{"active", "stopped", "paused", "suspended"}, nil, false) {
		return
	}
	img := c.s.newImage(req.Name, v.ImageID, req.Metadata, c.now)
	c.s.setServer(v, v.VMState, "image_snapshot", v.Power, c.now)
	q := c.quarter()
	c.then(v, q, step{VMState: v.VMState, TaskState: "image_pending_upload", Power: v.Power})
	c.then(v, 2*q, step{VMState: v.VMState, TaskState: "image_uploading", Power: v.Power})
	c.then(v, 3*q, step{VMState: v.VMState, Power: v.Power})
	c.s.d.schedule(step{At: c.now.Add(2 * q), Kind: "image", ID: img.ID, Status: "saving"})
	c.s.d.schedule(step{At: c.now.Add(3 * q), Kind: "image", ID: img.ID, Status: "active"})
	// Nova's Location is the Glance URL without a version: {glance}/images/{id}.
	c.w.Header().Set("Location", c.imageBase()+"/images/"+img.ID)
	noContent(c.w, http.StatusAccepted)
}

// newImage registers a private image in state queued; its properties
// follow the source image so servers made from it get the same metadata.
func (s *Sim) newImage(name, from string, meta map[string]string, now time.Time) *image {
	props := map[string]string{}
	minDisk, minRAM := 0, 0
	if src := s.images[from]; src != nil {
		props = cloneMap(src.Props)
		minDisk, minRAM = src.MinDisk, src.MinRAM
	}
	for k, v := range meta {
		props[k] = v
	}
	props["image_name"] = name
	img := &image{ID: s.d.nextID("image"), Name: name, Status: "queued", Visibility: "private",
		MinDisk: minDisk, MinRAM: minRAM, Size: int64(minDisk) << 30, Props: props, Owner: s.opts.TenantID,
		Created: now, Updated: now}
	s.d.Images = append(s.d.Images, img)
	s.images[img.ID] = img
	s.record("image", img.ID, img.Name, img.Status, now)
	s.markDirty()
	return img
}

func secGroupArg(c *call, arg json.RawMessage) (string, bool) {
	var req struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(arg, &req) != nil || req.Name == "" {
		writeFault(c.w, http.StatusBadRequest, "Security group name cannot be empty")
		return "", false
	}
	if !contains(securityGroups, req.Name) {
		writeFault(c.w, http.StatusNotFound, "Security group "+req.Name+" not found for project "+c.s.opts.TenantID+".")
		return "", false
	}
	return req.Name, true
}

// actAddSecurityGroup works in any state (NHN console guide): 202, no body.
func actAddSecurityGroup(c *call, v *server, arg json.RawMessage) {
	name, ok := secGroupArg(c, arg)
	if !ok {
		return
	}
	if contains(v.SecGroups, name) {
		writeFault(c.w, http.StatusBadRequest, "Security group "+name+" is already associated with the instance "+v.ID)
		return
	}
	v.SecGroups = append(v.SecGroups, name)
	v.Updated = c.now
	c.s.markDirty()
	noContent(c.w, http.StatusAccepted)
}

func actRemoveSecurityGroup(c *call, v *server, arg json.RawMessage) {
	name, ok := secGroupArg(c, arg)
	if !ok {
		return
	}
	k := -1
	for i, g := range v.SecGroups {
		if g == name {
			k = i
		}
	}
	if k < 0 {
		writeFault(c.w, http.StatusBadRequest, "Security group "+name+" not associated with the instance "+v.ID)
		return
	}
	v.SecGroups = append(v.SecGroups[:k:k], v.SecGroups[k+1:]...)
	v.Updated = c.now
	c.s.markDirty()
	noContent(c.w, http.StatusAccepted)
}
