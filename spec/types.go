package spec

import (
	"strconv"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/addrs"
)

// Fleet is a loaded, expanded fleet: what the user declared, with every
// server group expanded into its instances. Slices are sorted by name so
// that everything built from a Fleet is deterministic.
type Fleet struct {
	Version   int
	Name      string               // owner tag: fleet only touches resources carrying it
	Providers map[string]*Provider // by provider name; iterate with ProviderNames
	State     StateConfig
	Groups    []*ServerGroup // as declared, sorted by name
	Servers   []*Server      // expanded instances, sorted by name
	Keypairs  []*Keypair     // sorted by name
	Images    []*Image       // sorted by name
	Moved     []Moved        // in file order
	Files     []string       // the files it was loaded from, sorted
	Digest    string         // sha256 over the files' bytes, in Files order ("sha256:<hex>")
	// Environment is the var files and variable values it was loaded
	// with; never nil after Load.
	Environment *Environment
}

// Provider is one entry of the providers block.
type Provider struct {
	Name     string
	Type     string // ProviderNCloud or ProviderNHNCloud
	Region   string
	Tenant   string // NHN tenant id; OS_TENANT_ID when empty
	Endpoint string // "" (real cloud), "embedded" (in-process simulator) or a URL
	// RequestsPerSecond caps the account's adaptive request budget; 0: no cap.
	RequestsPerSecond float64
	Range             Range
}

// Provider types.
const (
	ProviderNCloud   = "ncloud"
	ProviderNHNCloud = "nhncloud"
)

// EndpointEmbedded starts the simulators in-process with data under .fleet/sim/.
const EndpointEmbedded = "embedded"

// StateConfig is the state block.
type StateConfig struct {
	Backend string // "local" (default) or "postgres"
	Path    string // local: the state file; default fleet.lock beside the first fleet file
	DSN     string // postgres: from the file (after ${VAR}) or FLEET_PG_DSN; never printed
	Key     string // postgres: the state document's key; default the fleet's name
	Range   Range
}

// ServerGroup is one entry of the servers block before count expansion.
type ServerGroup struct {
	Name    string
	Count   int  // number of instances
	Counted bool // count was written: instances are NAME-1..NAME-N, otherwise one instance NAME
	Protect bool // protect: true, which also covers members a lower count removes
	Rollout *Rollout
	Range   Range
}

// Rollout bounds how many servers of a group may be disrupted at once.
type Rollout struct {
	MaxUnavailable int    // absolute number, or percent when Percent is set
	Percent        bool   // MaxUnavailable is a percentage of Count
	Check          *Check // nil: servers count as back once the cloud says they run
}

// Check is a rollout's health check (rollout.check).
type Check struct {
	Command  string        // run with sh -c
	Timeout  time.Duration // how long one server may take to pass
	Interval time.Duration // between tries
}

// Default check timing.
const (
	DefaultCheckTimeout  = 5 * time.Minute
	DefaultCheckInterval = 10 * time.Second
)

// Limit returns the number of servers of a group of size n that may be
// unavailable at once (at least 1).
func (r *Rollout) Limit(n int) int {
	if r == nil {
		return n
	}
	m := r.MaxUnavailable
	if r.Percent {
		m = n * r.MaxUnavailable / 100
	}
	if m < 1 {
		m = 1
	}
	return m
}

// Power is a server's power state, as declared (power:) and as a cloud
// reports it once settled.
type Power string

// Power states a server may be declared in.
const (
	PowerRunning Power = "running"
	PowerStopped Power = "stopped"
	PowerShelved Power = "shelved" // NHN only
)

// Server is one expanded server instance, e.g. web-2 of group web.
type Server struct {
	Name           string       // instance name: web-2, or web without count
	Group          string       // the group it came from: web
	Index          int          // 1-based position in the group, 0 without count
	Provider       string       // provider name (key of Fleet.Providers)
	Image          string       // image id/code, or "image/NAME" for a declared image; the lookup's result once planned
	ImageLookup    *ImageLookup `json:",omitempty"` // image: {name: ...}: resolved by the planner from the catalog
	Type           string       // NCP spec code (or product code); NHN flavor name
	Zone           string
	Network        Network
	Key            string // NCP login key / NHN keypair name
	Power          Power  // PowerRunning (default), PowerStopped, PowerShelved
	Protect        bool
	RootVolume     *RootVolume
	Volumes        []Volume // sorted by name
	UserData       string   // NHN: plain text; base64-encoded by the provider
	Metadata       map[string]string
	PublicIP       bool   // NCP public IP instance; NHN floating IP: changed in place
	PublicNetwork  string // NHN: the external network floating IPs come from, when there are several
	InitScript     string // NCP initScriptNo
	PlacementGroup string // NCP placementGroupNo
	Billing        string // "", "hourly" (MTRAT), "monthly" (FXSUM)
	Description    string // NCP serverDescription prefix (fleet appends its owner tag)
	Partitions     []Partition
	Rollout        *Rollout // the group's rollout
	BatchCreate    bool     // batch creates even where the cloud names members differently (renamed after)
	// Ignore are the group's ignored field paths (ignore:), normalized
	// (security_groups is network.security_groups), sorted; shared by the
	// group's instances: read only.
	Ignore []string
	Range  Range // where the group was declared
	// Fields is where each field of the group was written, by dotted path
	// ("type", "network.ip"); shared by the group's instances: read only.
	// Load leaves it nil and FieldRange finds the positions when asked.
	Fields map[string]Range `json:"-"`
	fields *fieldIndex      // Load's positions of the group's fields, found on first use

	// SensitiveUserData: the user data holds a sensitive variable. (A
	// saved plan holds no user data at all, only its digest.)
	SensitiveUserData bool `json:",omitempty"`
}

// FieldRange is where a field of the server's group was written, else
// where the group was declared.
func (s *Server) FieldRange(path string) Range {
	if r, ok := s.Fields[path]; ok {
		return r
	}
	if s.fields != nil {
		if r, ok := s.fields.get(path); ok {
			return r
		}
	}
	return s.Range
}

// Address is the server's state address: server/NAME.
func (s *Server) Address() addrs.Address { return addrs.Server(s.Name) }

// DeclaredImage is the name of the image of the images block the server
// boots from (image: image/NAME); ok is false for an image the cloud names.
func (s *Server) DeclaredImage() (name string, ok bool) { return DeclaredImageName(s.Image) }

// DeclaredImageName reads an image reference: image/NAME names an image of
// the images block.
func DeclaredImageName(ref string) (name string, ok bool) {
	return strings.CutPrefix(ref, string(addrs.KindImage)+"/")
}

// ImageLookup is an image named as the cloud names it (image: {name:
// ...}), resolved to an id at plan time from the provider's image lists.
type ImageLookup struct {
	Name string
	// MostRecent picks the newest of several images of that name (the
	// default); false requires exactly one.
	MostRecent bool
}

// Network places a server.
type Network struct {
	VPC            string
	Subnet         string
	SecurityGroups []string // NCP ACG numbers; NHN security group names
	IP             string   // fixed private IP, optional
	Interfaces     []string // NCP: existing NICs by number, primary first
}

// RootVolume describes the boot disk.
type RootVolume struct {
	Size      int // GB; 0 means the image or flavor default
	Type      string
	Encrypted bool
}

// Volume is an additional block storage volume attached to a server.
type Volume struct {
	Name string
	Size int // GB
	Type string
}

// Partition is an NCP blockDevicePartitionList entry.
type Partition struct {
	MountPoint string
	Size       int // GB
}

// Keypair is one entry of the keypairs block.
type Keypair struct {
	Name          string
	Provider      string
	PublicKeyFile string // relative to the fleet file
	PublicKey     string // the file's contents, read at load time
	Range         Range
	Fields        map[string]Range `json:"-"` // where each field was written
}

// FieldRange is where a field of the keypair was written, else where the
// keypair was declared.
func (k *Keypair) FieldRange(field string) Range {
	if r, ok := k.Fields[field]; ok {
		return r
	}
	return k.Range
}

// Address is keypair/NAME.
func (k *Keypair) Address() addrs.Address { return addrs.Keypair(k.Name) }

// Image is one entry of the images block: an image made from a server.
type Image struct {
	Name   string
	From   string // server instance name
	Range  Range
	Fields map[string]Range `json:"-"` // where each field was written
}

// FieldRange is where a field of the image was written, else where the
// image was declared.
func (i *Image) FieldRange(field string) Range {
	if r, ok := i.Fields[field]; ok {
		return r
	}
	return i.Range
}

// Address is image/NAME.
func (i *Image) Address() addrs.Address { return addrs.Image(i.Name) }

// Moved renames a server: the state entry and the cloud server keep their id.
type Moved struct {
	From  string // address, e.g. server/web-3
	To    string
	Range Range
}

// Servers are the addresses the move renames from and to; the loader
// refuses a moved block whose from or to is not a server address.
func (m *Moved) Servers() (from, to addrs.Address) {
	from, _ = addrs.Parse(m.From)
	to, _ = addrs.Parse(m.To)
	return from, to
}

// ProviderNames returns the provider names sorted.
func (f *Fleet) ProviderNames() []string {
	names := make([]string, 0, len(f.Providers))
	for n := range f.Providers {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}

// GroupOf returns the counted group whose member name is (NAME-N for a
// positive N, whether or not N is within the group's count now), or nil.
func (f *Fleet) GroupOf(name string) *ServerGroup {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return nil
	}
	if n, err := strconv.Atoi(name[i+1:]); err != nil || n < 1 || strconv.Itoa(n) != name[i+1:] {
		return nil
	}
	for _, g := range f.Groups {
		if g.Counted && g.Name == name[:i] {
			return g
		}
	}
	return nil
}

// Server returns the instance with the given name, or nil.
func (f *Fleet) Server(name string) *Server {
	for _, s := range f.Servers {
		if s.Name == name {
			return s
		}
	}
	return nil
}
