package ncloudsim

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Default credentials the simulator accepts when Options leaves them empty.
const (
	DefaultAccessKey = "FLEETSIMACCESSKEY000"
	DefaultSecretKey = "FLEETSIMSECRETKEY00000000000000000000000"
)

// dataFile is the file under Options.Dir that holds the simulator's data.
const dataFile = "ncloud.json"

// Options configure a simulator.
type Options struct {
	Dir       string        // persist data here atomically; "" = memory only
	Clock     simcore.Clock // drives status transitions; nil = real
	Behaviour simcore.Behaviour
	AccessKey string // accepted credentials; defaults if empty
	SecretKey string
	Timeline  *simcore.Timeline // may be nil
	// AuthClock checks request timestamps against the ±5 minute window; nil =
	// the real clock. It is separate from Clock because clients sign with the
	// wall clock even when a test fakes the cloud's progress.
	AuthClock simcore.Clock
}

// Fixtures are the ids of the preset network and catalog that a fleet file
// needs (design.md "The simulators").
type Fixtures struct{ Region, VPC, Subnet, ACG, Image, Spec string }

// Sim is the simulator; it is an http.Handler for /vserver/v2/{operation}
// (and /vpc/v2/ for the VPC lists). Safe for concurrent use.
type Sim struct {
	clock, authClock simcore.Clock
	inj              *simcore.Injector
	stats            simcore.Stats
	timeline         *simcore.Timeline
	ak, sk           string
	path             string // data file; "" = memory only

	mu     sync.Mutex
	d      *data
	idx    *indexes
	due    dueQueue
	reqSeq uint64
	saving saveState
}

// New makes a simulator, loading its data from opts.Dir when a data file is there.
func New(opts Options) (*Sim, error) {
	s := &Sim{clock: opts.Clock, authClock: opts.AuthClock, timeline: opts.Timeline,
		ak: opts.AccessKey, sk: opts.SecretKey}
	if s.clock == nil {
		s.clock = simcore.RealClock{}
	}
	if s.authClock == nil {
		s.authClock = simcore.RealClock{}
	}
	if s.ak == "" {
		s.ak = DefaultAccessKey
	}
	if s.sk == "" {
		s.sk = DefaultSecretKey
	}
	s.inj = simcore.NewInjector(opts.Behaviour, s.clock)
	s.d = newData()
	if opts.Dir != "" {
		s.path = filepath.Join(opts.Dir, dataFile)
		if _, err := simcore.LoadJSON(s.path, s.d); err != nil {
			return nil, fmt.Errorf("load ncloud simulator data: %w", err)
		}
		s.d.fill()
	}
	s.reindex()
	return s, nil
}

// reindex rebuilds the indexes and the due queue from the data, adding in
// id order so every index insert is an append.
func (s *Sim) reindex() {
	s.idx = newIndexes()
	s.due = nil
	for _, v := range sortedByID(s.d.Servers) {
		s.idx.addServer(v)
		if !v.Due.IsZero() {
			s.due.schedule(v.Due, kindServer, v.No)
		}
	}
	for _, n := range sortedByID(s.d.FreeNICs) {
		s.idx.addNIC(&nicRef{free: n}, n.Region)
	}
	for _, v := range sortedByID(s.d.Volumes) {
		s.idx.addVolume(v)
		if !v.Due.IsZero() {
			s.due.schedule(v.Due, kindVolume, v.No)
		}
	}
	for _, v := range sortedByID(s.d.Images) {
		if !v.Due.IsZero() {
			s.due.schedule(v.Due, kindImage, v.No)
		}
	}
	for _, v := range sortedByID(s.d.PublicIPs) {
		if !v.Due.IsZero() {
			s.due.schedule(v.Due, kindPublicIP, v.No)
		}
	}
}

func sortedByID[T any](m map[string]T) []T {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, idCompare)
	out := make([]T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// Stats returns the call counters, by operation name.
func (s *Sim) Stats() *simcore.Stats { return &s.stats }

// Injector returns the fault injector, to change the behaviour at run time.
func (s *Sim) Injector() *simcore.Injector { return s.inj }

// Credentials returns the access key and secret key the simulator accepts.
func (s *Sim) Credentials() (accessKey, secretKey string) { return s.ak, s.sk }

// Fixtures returns the preset ids of the default region.
func (s *Sim) Fixtures() Fixtures {
	return Fixtures{Region: "KR", VPC: "75", Subnet: "36", ACG: "43",
		Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", Spec: "s2-g2-s50"}
}
