package ncloudsim

import (
	"strconv"
	"time"
)

// data is everything the simulator persists. Maps marshal with sorted
// keys, so the file is deterministic.
type data struct {
	Seq     int64                   `json:"seq"`     // last id handed out; all resources share it
	IPSeq   int64                   `json:"ip_seq"`  // last public IP handed out
	IPNext  map[string]uint32       `json:"ip_next"` // subnet → where the next private IP search starts
	Servers map[string]*server      `json:"servers"`
	Volumes map[string]*volume      `json:"volumes"`
	Images  map[string]*memberImage `json:"member_images"`
	Keys    map[string]*loginKey    `json:"login_keys"`
	// FreeNICs are network interfaces attached to no server: made by
	// createNetworkInterface, detached, or left by a terminated server.
	FreeNICs    map[string]*nic        `json:"free_nics,omitempty"`
	ACGs        map[string]*userACG    `json:"acgs,omitempty"`         // made by createAccessControlGroup
	InitScripts map[string]*initScript `json:"init_scripts,omitempty"` // made by createInitScript
	PublicIPs   map[string]*publicIP   `json:"public_ips,omitempty"`   // public IP instances, associated or not
	// Releases are the server images ReleaseImage published, oldest first.
	Releases []*image `json:"image_releases,omitempty"`
}

func newData() *data {
	d := &data{}
	d.fill()
	return d
}

// fill makes the maps a loaded file left out.
func (d *data) fill() {
	if d.Servers == nil {
		d.Servers = map[string]*server{}
	}
	if d.Volumes == nil {
		d.Volumes = map[string]*volume{}
	}
	if d.Images == nil {
		d.Images = map[string]*memberImage{}
	}
	if d.Keys == nil {
		d.Keys = map[string]*loginKey{}
	}
	if d.IPNext == nil {
		d.IPNext = map[string]uint32{}
	}
	if d.FreeNICs == nil {
		d.FreeNICs = map[string]*nic{}
	}
	if d.ACGs == nil {
		d.ACGs = map[string]*userACG{}
	}
	if d.InitScripts == nil {
		d.InitScripts = map[string]*initScript{}
	}
	if d.PublicIPs == nil {
		d.PublicIPs = map[string]*publicIP{}
	}
}

// firstID is where the id sequence starts: 8-digit numbers like the API's.
const firstID = 20000000

func (d *data) nextID() string {
	d.Seq++
	return strconv.FormatInt(firstID+d.Seq, 10)
}

// phase is where a resource is in its lifecycle: Status and Op are the
// current codes; Due is when the current transition ends (zero when
// settled). Embedded, so its fields keep their place in the state file.
type phase struct {
	Status string    `json:"status"`
	Op     string    `json:"op"`
	Due    time.Time `json:"due"`
}

// server is one server instance.
type server struct {
	No             string      `json:"no"`
	Region         string      `json:"region"`
	Zone           string      `json:"zone"`
	Name           string      `json:"name"`
	Description    string      `json:"description"`
	Spec           string      `json:"spec"`
	ImageNo        string      `json:"image_no"`
	ImageProduct   string      `json:"image_product"`
	MemberImage    string      `json:"member_image,omitempty"`
	LoginKey       string      `json:"login_key,omitempty"`
	Protect        bool        `json:"protect"`
	Fee            string      `json:"fee"`
	InitScript     string      `json:"init_script,omitempty"`
	VPC            string      `json:"vpc"`
	Subnet         string      `json:"subnet"`
	NICs           []nic       `json:"nics"`
	PlacementGroup string      `json:"placement_group,omitempty"`
	Encrypted      bool        `json:"encrypted,omitempty"`
	WantPublicIP   bool        `json:"want_public_ip,omitempty"`
	PublicIPNo     string      `json:"public_ip_no,omitempty"`
	PublicIP       string      `json:"public_ip,omitempty"`
	RAID           string      `json:"raid,omitempty"`
	FabricPool     string      `json:"fabric_pool,omitempty"`
	GPUDriver      bool        `json:"gpu_driver,omitempty"`
	Partitions     []partition `json:"partitions,omitempty"`
	phase
	SetupUntil  time.Time `json:"setup_until"`
	PendingSpec string    `json:"pending_spec,omitempty"`
	Created     time.Time `json:"created"`
	Uptime      time.Time `json:"uptime"`
}

type nic struct {
	No     string   `json:"no"`
	Order  int      `json:"order"`
	Subnet string   `json:"subnet"`
	IP     string   `json:"ip,omitempty"`
	ACGs   []string `json:"acgs"`
	// A NIC made by createNetworkInterface has a name, a description and a
	// region of its own and outlives its server (deleteOnTermination false,
	// the attachNetworkInterface example); one made with a server has none.
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	Region      string    `json:"region,omitempty"`
	Keep        bool      `json:"keep,omitempty"`
	Created     time.Time `json:"created,omitzero"`
}

type partition struct {
	MountPoint string `json:"mountPoint"`
	Size       string `json:"partitionSize"`
}

// op returns the visible operation: SETUP overlays NULL for a while after
// a build or a storage detach (ncp.md §3.2, PR #383).
func (s *server) op(now time.Time) string {
	if s.Op == "NULL" && now.Before(s.SetupUntil) {
		return "SETUP"
	}
	return s.Op
}

// volume is one block storage instance; BASIC volumes come with servers.
type volume struct {
	No          string `json:"no"`
	Region      string `json:"region"`
	Zone        string `json:"zone"`
	Server      string `json:"server,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type"` // BASIC or SVRBS
	SizeGB      int64  `json:"size_gb"`
	PendingGB   int64  `json:"pending_gb,omitempty"`
	DiskDetail  string `json:"disk_detail"` // SSD or HDD
	VolumeType  string `json:"volume_type"` // SSD/HDD (XEN), FB1/CB1/FB2/CB2 (KVM)
	Hypervisor  string `json:"hypervisor"`
	Device      string `json:"device,omitempty"`
	phase
	Deleting  bool      `json:"deleting,omitempty"`
	Encrypted bool      `json:"encrypted,omitempty"`
	Protect   bool      `json:"protect,omitempty"`
	Snapshot  string    `json:"snapshot,omitempty"`
	Created   time.Time `json:"created"`
}

// memberImage is a server image made from a server (XEN only).
type memberImage struct {
	No           string `json:"no"`
	Region       string `json:"region"`
	Name         string `json:"name"`
	Description  string `json:"description,omitempty"`
	Server       string `json:"server"`
	ImageProduct string `json:"image_product"`
	ImageNo      string `json:"image_no"`
	Spec         string `json:"spec"`
	Volumes      int    `json:"volumes"`
	TotalBytes   int64  `json:"total_bytes"`
	// Disks are the server's volumes when the image was taken, boot disk
	// first; a server created from the image gets them back.
	Disks []imageDisk `json:"disks,omitempty"`
	phase
	Created time.Time `json:"created"`
}

// imageDisk is one volume a member image carries.
type imageDisk struct {
	SizeGB     int64  `json:"size_gb"`
	DiskDetail string `json:"disk_detail"`
	VolumeType string `json:"volume_type"`
	Encrypted  bool   `json:"encrypted,omitempty"`
}

// loginKey is an account-wide SSH key pair; only the public half is kept.
type loginKey struct {
	Name        string    `json:"name"`
	PublicKey   string    `json:"public_key"`
	Fingerprint string    `json:"fingerprint"`
	Created     time.Time `json:"created"`
}

const gb = int64(1) << 30

// kst is the offset NCP writes its dates in.
var kst = time.FixedZone("KST", 9*3600)

// ncpDate writes t as 2006-01-02T15:04:05+0900. It is written digit by
// digit: every record of a list page has one or two, and time.Format's
// layout parsing was a tenth of a big list's cost. Years outside four
// digits go through time.Format.
func ncpDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(kst)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 1000 || y > 9999 {
		return t.Format("2006-01-02T15:04:05-0700")
	}
	b := make([]byte, 0, len("2006-01-02T15:04:05+0900"))
	b = appendDigits(b, y, 4)
	b = appendDigits(append(b, '-'), int(mo), 2)
	b = appendDigits(append(b, '-'), d, 2)
	b = appendDigits(append(b, 'T'), h, 2)
	b = appendDigits(append(b, ':'), mi, 2)
	b = appendDigits(append(b, ':'), s, 2)
	return string(append(b, "+0900"...))
}

// appendDigits appends the last n decimal digits of x, zero-padded.
func appendDigits(b []byte, x, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		div := 1
		for range i {
			div *= 10
		}
		b = append(b, byte('0'+x/div%10))
	}
	return b
}
