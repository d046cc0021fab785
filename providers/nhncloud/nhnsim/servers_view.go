package nhnsim

import (
	"time"
)

// idLinks is the {"id", "links"} object of a server's image and flavor.
type idLinks struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
}

type address struct {
	MAC     string `json:"OS-EXT-IPS-MAC:mac_addr"`
	Version int    `json:"version"`
	Addr    string `json:"addr"`
	Type    string `json:"OS-EXT-IPS:type"`
}

type nameRef struct {
	Name string `json:"name"`
}

type idRef struct {
	ID string `json:"id"`
}

type faultView struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details string `json:"details"`
	Created string `json:"created"`
}

// serverView is the full server object of nhn.md §2.2, in field order.
type serverView struct {
	Status          string               `json:"status"`
	Updated         string               `json:"updated"`
	HostID          string               `json:"hostId"`
	Addresses       map[string][]address `json:"addresses"`
	Links           []link               `json:"links"`
	KeyName         string               `json:"key_name"`
	Image           any                  `json:"image"`
	TaskState       *string              `json:"OS-EXT-STS:task_state"`
	VMState         string               `json:"OS-EXT-STS:vm_state"`
	LaunchedAt      *string              `json:"OS-SRV-USG:launched_at"`
	Flavor          idLinks              `json:"flavor"`
	ID              string               `json:"id"`
	SecurityGroups  []nameRef            `json:"security_groups"`
	TerminatedAt    *string              `json:"OS-SRV-USG:terminated_at"`
	AZ              string               `json:"OS-EXT-AZ:availability_zone"`
	UserID          string               `json:"user_id"`
	Name            string               `json:"name"`
	Created         string               `json:"created"`
	TenantID        string               `json:"tenant_id"`
	DiskConfig      string               `json:"OS-DCF:diskConfig"`
	VolumesAttached []idRef              `json:"os-extended-volumes:volumes_attached"`
	AccessIPv4      string               `json:"accessIPv4"`
	AccessIPv6      string               `json:"accessIPv6"`
	Progress        int                  `json:"progress"`
	PowerState      int                  `json:"OS-EXT-STS:power_state"`
	ConfigDrive     string               `json:"config_drive"`
	Metadata        map[string]string    `json:"metadata"`
	EphemeralDisk   int                  `json:"NHN-EXT-ATTR:ephemeral_disk_size"`
	Protect         bool                 `json:"NHN-EXT-ATTR:protect"`
	Fault           *faultView           `json:"fault,omitempty"`
}

func optTime(t time.Time, layout string) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(layout)
	return &s
}

func (c *call) serverView(v *server) serverView {
	out := serverView{
		Status:     v.status(),
		Updated:    v.Updated.UTC().Format(timeZ),
		HostID:     v.HostID,
		Addresses:  map[string][]address{},
		Links:      c.links(c.computeBase(), "servers/"+v.ID),
		KeyName:    v.KeyName,
		VMState:    v.VMState,
		LaunchedAt: optTime(v.Launched, timeMicros),
		Flavor: idLinks{ID: v.FlavorID, Links: []link{
			{c.computeBase() + "/" + c.tenant + "/flavors/" + v.FlavorID, "bookmark"}}},
		ID:              v.ID,
		SecurityGroups:  make([]nameRef, len(v.SecGroups)),
		TerminatedAt:    optTime(v.Terminated, timeMicros),
		AZ:              v.AZ,
		UserID:          v.UserID,
		Name:            v.Name,
		Created:         v.Created.UTC().Format(timeZ),
		TenantID:        c.s.opts.TenantID,
		DiskConfig:      "MANUAL",
		VolumesAttached: make([]idRef, len(v.Volumes)),
		PowerState:      v.Power,
		Metadata:        v.Metadata,
	}
	if v.TaskState != "" {
		ts := v.TaskState
		out.TaskState = &ts
	}
	// NHN shows an image object even for volume-backed servers (the seed's example).
	out.Image = idLinks{ID: v.ImageID, Links: []link{
		{c.computeBase() + "/" + c.tenant + "/images/" + v.ImageID, "bookmark"}}}
	for i, n := range v.NICs {
		out.Addresses[n.Network] = append(out.Addresses[n.Network], address{n.MAC, 4, n.Addr, "fixed"})
		// Nova lists a port's floating IP after its fixed one, under the
		// same network.
		if fip := c.s.floatingOf(v.ID, i); fip != "" {
			out.Addresses[n.Network] = append(out.Addresses[n.Network], address{n.MAC, 4, fip, "floating"})
		}
	}
	for i, g := range v.SecGroups {
		out.SecurityGroups[i] = nameRef{g}
	}
	for i, id := range v.Volumes {
		out.VolumesAttached[i] = idRef{id}
	}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	if v.Fault != nil {
		out.Fault = &faultView{v.Fault.Code, v.Fault.Message, v.Fault.Details, v.Fault.Created.UTC().Format(timeZ)}
	}
	return out
}

// serverRef is the short form of GET /servers.
type serverRef struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
	Name  string `json:"name"`
}
