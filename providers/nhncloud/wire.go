package nhncloud

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// wireServer is the part of Nova's server object fleet reads. It is
// decoded with our own tags because gophercloud's Server has no field for
// NHN's protect flag and parses fault and image loosely.
type wireServer struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Status    string              `json:"status"`
	TaskState *string             `json:"OS-EXT-STS:task_state"`
	Zone      string              `json:"OS-EXT-AZ:availability_zone"`
	Image     json.RawMessage     `json:"image"` // {"id": ...}, or "" for volume-backed servers
	Flavor    struct{ ID string } `json:"flavor"`
	Addresses map[string][]struct {
		Addr string `json:"addr"`
		Type string `json:"OS-EXT-IPS:type"`
	} `json:"addresses"`
	Metadata       map[string]string       `json:"metadata"`
	KeyName        string                  `json:"key_name"`
	SecurityGroups []struct{ Name string } `json:"security_groups"`
	Volumes        []struct{ ID string }   `json:"os-extended-volumes:volumes_attached"`
	Fault          *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"fault"`
	Protect bool   `json:"NHN-EXT-ATTR:protect"`
	Created string `json:"created"` // "2020-02-25T01:15:46Z" (nhn.md §2.2)
}

// created reads when the server was made; a value it cannot read is
// unknown (zero) rather than a failed listing: it only tells how long a
// build has taken.
func (s wireServer) created() time.Time {
	t, err := time.Parse(time.RFC3339, s.Created)
	if err != nil {
		return time.Time{}
	}
	return t
}

// protected reports NHN's own flag or fleet's tag.
func (s wireServer) protected() bool { return s.Protect || s.Metadata[metaProtect] == "true" }

func (s wireServer) task() string {
	if s.TaskState == nil {
		return ""
	}
	return *s.TaskState
}

// imageID reads the image reference, which Nova sends as an object for
// image-backed servers and as "" for volume-backed ones.
func (s wireServer) imageID() string {
	var ref struct{ ID string }
	if json.Unmarshal(s.Image, &ref) == nil {
		return ref.ID
	}
	return ""
}

// busyStatuses are statuses that mean an operation is running even when
// task_state is already null.
var busyStatuses = map[string]bool{
	"BUILD": true, "RESIZE": true, "VERIFY_RESIZE": true, "REVERT_RESIZE": true, "REBOOT": true,
	"HARD_REBOOT": true, "REBUILD": true, "MIGRATING": true, "SHELVED": true,
}

func (s wireServer) busy() bool { return s.task() != "" || busyStatuses[s.Status] }

// power maps a settled status to fleet's power states; "" while busy.
func (s wireServer) power() spec.Power {
	if s.busy() {
		return ""
	}
	switch s.Status {
	case "ACTIVE":
		return spec.PowerRunning
	case "SHUTOFF":
		return spec.PowerStopped
	case "SHELVED_OFFLOADED":
		return spec.PowerShelved
	}
	return ""
}

// shownStatus is the status with the task in progress, as NCP's reads
// "RUN/SHTDN": "ACTIVE/powering-off" says more than "ACTIVE".
func (s wireServer) shownStatus() string {
	if t := s.task(); t != "" {
		return s.Status + "/" + t
	}
	return s.Status
}

// settling is the power state a server in transition ends in, read from
// its task, else its status (shared/api/nhn.md §4): "" when it is not in
// transition or the end is not known (a resize ends as it began, and Nova's
// list does not say how that was).
func (s wireServer) settling() spec.Power {
	if !s.busy() {
		return ""
	}
	switch t := s.task(); {
	case t == "powering-off":
		return spec.PowerStopped
	case strings.HasPrefix(t, "shelving"):
		return spec.PowerShelved
	case t == "powering-on" || t == "unshelving" || strings.HasPrefix(t, "reboot"):
		return spec.PowerRunning
	case t == "deleting":
		return ""
	}
	switch s.Status {
	case "BUILD", "REBOOT", "HARD_REBOOT":
		return spec.PowerRunning
	case "SHELVED":
		return spec.PowerShelved
	}
	return ""
}

// wireVolume is the part of Cinder's volume object fleet reads.
type wireVolume struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Status      string            `json:"status"`
	Size        int               `json:"size"`
	VolumeType  string            `json:"volume_type"`
	Zone        string            `json:"availability_zone"`
	Bootable    string            `json:"bootable"`
	Encrypted   bool              `json:"encrypted"`
	Metadata    map[string]string `json:"metadata"`
	ImageMeta   map[string]string `json:"volume_image_metadata"`
	Attachments []struct {
		ServerID string `json:"server_id"`
		Device   string `json:"device"`
	} `json:"attachments"`
}

// volumeBusy lists Cinder statuses of a volume in transition.
var volumeBusy = map[string]bool{
	"creating": true, "attaching": true, "detaching": true, "reserved": true, "deleting": true,
	"extending": true, "downloading": true, "uploading": true, "retyping": true, "backing-up": true,
	"restoring-backup": true, "maintenance": true, "awaiting-transfer": true,
}

func (v wireVolume) serverID() string {
	if len(v.Attachments) == 0 {
		return ""
	}
	return v.Attachments[0].ServerID
}

func (v wireVolume) toVolume() providers.Volume {
	o, _ := ownerOf(v.Metadata)
	return providers.Volume{
		ID: v.ID, Name: v.Name, Owner: o, Size: v.Size, Type: v.VolumeType, Zone: v.Zone,
		ServerID: v.serverID(), Status: v.Status, Busy: volumeBusy[v.Status],
	}
}

// isRootOf reports whether v is the boot disk of server id.
func (v wireVolume) isRootOf(id string) bool {
	for _, a := range v.Attachments {
		if a.ServerID == id && rootDevice(a.Device) {
			return true
		}
	}
	return false
}

// rootDevice reports the device names a boot disk is attached as.
func rootDevice(dev string) bool { return dev == "/dev/vda" || dev == "/dev/sda" }

// toServer converts a server; vols (all volumes of the tenant by id) gives
// the root disk and the image of volume-backed servers, and may be nil.
func (p *Provider) toServer(s wireServer, vols map[string]wireVolume) providers.Server {
	o, _ := serverOwner(s.Name, s.Metadata)
	out := providers.Server{
		ID: s.ID, Name: s.Name, Owner: o, Image: s.imageID(), Type: p.flavorName(s.Flavor.ID),
		Zone: s.Zone, Key: s.KeyName, Power: s.power(), Settling: s.settling(), Status: s.shownStatus(), Busy: s.busy(),
		Failed: s.Status == "ERROR", Protect: s.Metadata[metaProtect] == "true", Metadata: userMetadata(s.Metadata),
		Created: s.created(),
	}
	// NHN's own protect flag is set in the console and read-only through the
	// API: reporting it as Protect would make every plan with protect off
	// show an update that can never take effect. It still stops Delete.
	if s.Protect {
		out.Extra = map[string]string{"nhn_protect": "true"}
	}
	nets := make([]string, 0, len(s.Addresses))
	for n := range s.Addresses {
		nets = append(nets, n)
	}
	sort.Strings(nets)
	for _, n := range nets {
		for _, a := range s.Addresses[n] {
			switch {
			case a.Type == "floating" && out.PublicIP == "":
				out.PublicIP = a.Addr
			case a.Type != "floating" && out.IP == "":
				out.IP = a.Addr
			}
		}
	}
	seen := map[string]bool{}
	for _, g := range s.SecurityGroups {
		if !seen[g.Name] { // Nova repeats a group once per port
			seen[g.Name] = true
			out.SecurityGroups = append(out.SecurityGroups, g.Name)
		}
	}
	sort.Strings(out.SecurityGroups)
	for _, a := range s.Volumes {
		v, known := vols[a.ID]
		if known && v.isRootOf(s.ID) {
			out.RootVolume = &providers.RootVolume{Size: v.Size, Type: v.VolumeType, Encrypted: v.Encrypted}
			if out.Image == "" {
				out.Image = v.ImageMeta["image_id"]
			}
			continue
		}
		out.Attached = append(out.Attached, a.ID)
	}
	sort.Strings(out.Attached)
	return out
}

// imageProps reads Glance's extra properties as strings: createImage copies
// the server action's metadata there, owner tags included.
func imageProps(im images.Image) map[string]string {
	md := map[string]string{}
	for k, v := range im.Properties {
		if s, ok := v.(string); ok {
			md[k] = s
		}
	}
	return md
}

func toImage(im images.Image) providers.Image {
	md := imageProps(im)
	o, _ := ownerOf(md)
	source := md["instance_uuid"]
	if source == "" {
		source = md[metaSource]
	}
	return providers.Image{
		ID: im.ID, Name: im.Name, Owner: o, SourceServerID: source,
		Status: string(im.Status), Ready: im.Status == images.ImageStatusActive,
	}
}

// family is a flavor's prefix (m2, u2, ...), which decides local or volume
// root disks and what it may be resized to.
func family(flavorName string) string {
	f, _, _ := strings.Cut(flavorName, ".")
	return f
}
