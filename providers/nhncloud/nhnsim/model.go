package nhnsim

import (
	"container/heap"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// server is one Nova instance as the simulator keeps it; the wire view is
// built from it by serverView.
type server struct {
	Seq         uint64            `json:"seq"`
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	UserID      string            `json:"user_id"`
	VMState     string            `json:"vm_state"`
	TaskState   string            `json:"task_state,omitempty"`
	Power       int               `json:"power"`
	FlavorID    string            `json:"flavor_id"`
	OldFlavorID string            `json:"old_flavor_id,omitempty"` // set while a resize can be reverted
	PreResizeVM string            `json:"pre_resize_vm,omitempty"` // active or stopped: where a confirmed resize ends
	ImageID     string            `json:"image_id"`
	KeyName     string            `json:"key_name"`
	AZ          string            `json:"az"`
	NICs        []nic             `json:"nics"`
	SecGroups   []string          `json:"security_groups"`
	Metadata    map[string]string `json:"metadata"`
	Tags        []string          `json:"tags"`
	UserData    string            `json:"user_data,omitempty"`
	Volumes     []string          `json:"volumes"` // attached volume ids, root first
	Reservation string            `json:"reservation"`
	HostID      string            `json:"host_id"`
	Created     time.Time         `json:"created"`
	Updated     time.Time         `json:"updated"`
	Launched    time.Time         `json:"launched"`
	Terminated  time.Time         `json:"terminated"`
	Fault       *fault            `json:"fault,omitempty"`
	Gen         uint64            `json:"gen"` // bumped whenever an action supersedes scheduled steps
}

type nic struct {
	Network string `json:"network"` // network name: the key in "addresses"
	Addr    string `json:"addr"`
	MAC     string `json:"mac"`
}

type fault struct {
	Code    int       `json:"code"`
	Message string    `json:"message"`
	Details string    `json:"details"`
	Created time.Time `json:"created"`
}

// status derives Nova's status from vm_state and task_state, as Nova's
// _STATE_MAP does.
func (s *server) status() string {
	switch s.VMState {
	case "active":
		switch s.TaskState {
		case "rebooting", "reboot_pending", "reboot_started":
			return "REBOOT"
		case "rebooting_hard", "reboot_pending_hard", "reboot_started_hard":
			return "HARD_REBOOT"
		case "resize_prep", "resize_migrating", "resize_migrated", "resize_finish":
			return "RESIZE"
		}
		return "ACTIVE"
	case "building":
		return "BUILD"
	case "stopped":
		switch s.TaskState {
		case "resize_prep", "resize_migrating", "resize_migrated", "resize_finish":
			return "RESIZE"
		}
		return "SHUTOFF"
	case "resized":
		if s.TaskState == "resize_reverting" {
			return "REVERT_RESIZE"
		}
		return "VERIFY_RESIZE"
	case "error":
		return "ERROR"
	case "deleted":
		return "DELETED"
	case "shelved":
		return "SHELVED"
	case "shelved_offloaded":
		return "SHELVED_OFFLOADED"
	}
	return "UNKNOWN"
}

type volume struct {
	Seq          uint64            `json:"seq"`
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Description  string            `json:"description"`
	Size         int               `json:"size"`
	Status       string            `json:"status"`
	Type         string            `json:"type"`
	AZ           string            `json:"az"`
	Bootable     bool              `json:"bootable"`
	ImageID      string            `json:"image_id,omitempty"`
	ImageName    string            `json:"image_name,omitempty"` // kept, as Cinder does, after the image is deleted
	Metadata     map[string]string `json:"metadata"`
	ServerID     string            `json:"server_id,omitempty"`
	Device       string            `json:"device,omitempty"`
	AttachedAt   time.Time         `json:"attached_at"`
	DeleteOnTerm bool              `json:"delete_on_termination"`
	Created      time.Time         `json:"created"`
	Updated      time.Time         `json:"updated"`
	Gen          uint64            `json:"gen"`
}

type keypair struct {
	ID          int       `json:"id"`
	Name        string    `json:"name"`
	PublicKey   string    `json:"public_key"`
	Fingerprint string    `json:"fingerprint"`
	Created     time.Time `json:"created"`
}

type image struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Status     string            `json:"status"`
	Visibility string            `json:"visibility"`
	MinDisk    int               `json:"min_disk"`
	MinRAM     int               `json:"min_ram"`
	Size       int64             `json:"size"`
	Protected  bool              `json:"protected,omitempty"` // Glance refuses to delete it
	Hidden     bool              `json:"os_hidden,omitempty"` // left out of lists unless asked for
	Tags       []string          `json:"tags,omitempty"`      // sorted, unique
	Props      map[string]string `json:"props"`               // os_distro, os_type, ...: copied into server metadata
	Owner      string            `json:"owner"`
	Created    time.Time         `json:"created"`
	Updated    time.Time         `json:"updated"`
}

type token struct {
	ID      string    `json:"id"`
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}

// step is one scheduled transition. It applies only if the resource still
// exists and its Gen still matches, so a later action (delete during build,
// confirmResize before auto-confirm) cancels what was scheduled before it.
type step struct {
	At   time.Time `json:"at"`
	Seq  uint64    `json:"seq"`
	Kind string    `json:"kind"` // server, volume, image
	ID   string    `json:"id"`
	Gen  uint64    `json:"gen"`

	// server targets
	VMState   string `json:"vm_state,omitempty"`
	TaskState string `json:"task_state,omitempty"`
	Power     int    `json:"power,omitempty"`
	Flavor    string `json:"flavor,omitempty"`    // resize: the flavor from this step on
	Fault     bool   `json:"fault,omitempty"`     // build failed
	BuildEnd  bool   `json:"build_end,omitempty"` // the end of a build: StuckBuild and FailBuild are decided here
	Gone      bool   `json:"gone,omitempty"`      // deletion completes

	// volume and image targets
	Status string `json:"status,omitempty"`
}

// steps is a min-heap on (At, Seq).
type steps []step

func (h steps) Len() int { return len(h) }
func (h steps) Less(i, j int) bool {
	if !h[i].At.Equal(h[j].At) {
		return h[i].At.Before(h[j].At)
	}
	return h[i].Seq < h[j].Seq
}
func (h steps) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *steps) Push(x any)   { *h = append(*h, x.(step)) }
func (h *steps) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// data is everything the simulator persists.
type data struct {
	Counter  uint64     `json:"counter"` // feeds deterministic ids
	Servers  []*server  `json:"servers"` // creation order (Seq ascending)
	Deleted  []*server  `json:"deleted"` // tombstones for changes-since, oldest first
	Volumes  []*volume  `json:"volumes"` // creation order
	Keypairs []*keypair `json:"keypairs"`
	Images   []*image   `json:"images"`
	Tokens   []token    `json:"tokens"`
	Steps    steps      `json:"steps"`

	FloatingIPs []*floatingIP `json:"floating_ips,omitempty"` // allocation order
	FIPSeq      int           `json:"fip_seq,omitempty"`      // last floating address handed out
}

// maxTombstones bounds how many deleted servers changes-since can still report.
const maxTombstones = 10000

// uuidFrom makes a UUID (version 4 layout) from a stable seed string, so a
// simulator started twice hands out the same ids in the same order.
func uuidFrom(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// hexFrom makes a 32-digit hex id (Keystone style) from a seed string.
func hexFrom(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:16])
}

// nextID returns the next deterministic id of a kind.
func (d *data) nextID(kind string) string {
	d.Counter++
	return uuidFrom(fmt.Sprintf("nhnsim/%s/%d", kind, d.Counter))
}

func (d *data) schedule(st step) {
	d.Counter++
	st.Seq = d.Counter
	heap.Push(&d.Steps, st)
}
