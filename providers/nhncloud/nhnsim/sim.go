package nhnsim

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Options configure a simulator.
type Options struct {
	Dir       string        // data directory, written atomically; "" keeps everything in memory
	Clock     simcore.Clock // nil = real time
	Behaviour simcore.Behaviour
	Prefix    string // URL path prefix the handler is mounted at, e.g. "/nhn"; "" = root

	// Accepted credentials; defaults when empty.
	Username, Password, TenantID string

	TokenTTL time.Duration // default 12h
	Timeline *simcore.Timeline

	// ResizeConfirmWindow is how long VERIFY_RESIZE is visible before NHN
	// auto-confirms: 0 = one build time, negative = never seen.
	ResizeConfirmWindow time.Duration
	// DefaultLimit and MaxLimit page server lists: 100 and 1000 as NHN documents them when 0.
	DefaultLimit, MaxLimit int
}

// Fixtures are the ids and names a fleet file needs to use the simulator.
// Flavor is a flavor name, as fleet files give it (design.md:
// FLEET_SIM_NHN_FLAVOR=m2.c4m8); clients resolve it through /flavors/detail.
type Fixtures struct {
	Region, TenantID, Image, Network, Subnet, Flavor, Zone, SecurityGroup string
}

const (
	defaultUsername = "fleet@example.com"
	defaultPassword = "fleet-api-password"
	defaultTenantID = "6cdebe3eb0094910bc41f1d42ebe4cb7"
	region          = "KR1"
	cloudName       = "nhn"
	userID          = "b6ab578c20c94306ac1f41ffc4415b29"
)

// Sim is the simulated NHN Cloud; it is an http.Handler.
type Sim struct {
	reqSeq   atomic.Int64 // numbers the request ids, which are deterministic like every other id
	opts     Options
	clock    simcore.Clock
	stats    *simcore.Stats
	inj      *simcore.Injector
	timeline *simcore.Timeline
	file     string // "" when in memory

	mu       sync.Mutex
	d        data
	servers  map[string]*server
	volumes  map[string]*volume
	images   map[string]*image
	keypairs map[string]*keypair
	tokens   map[string]token

	saveMu      sync.Mutex // serialises writes of the data file
	dirty       bool
	saveTimer   *time.Timer
	lastSave    time.Time
	lastSaveDur time.Duration
}

// New makes a simulator, loading Dir's data when there is any.
func New(opts Options) (*Sim, error) {
	if opts.Username == "" {
		opts.Username = defaultUsername
	}
	if opts.Password == "" {
		opts.Password = defaultPassword
	}
	if opts.TenantID == "" {
		opts.TenantID = defaultTenantID
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 12 * time.Hour
	}
	if opts.DefaultLimit <= 0 {
		opts.DefaultLimit = 100
	}
	if opts.MaxLimit <= 0 {
		opts.MaxLimit = 1000
	}
	opts.Prefix = strings.TrimRight(opts.Prefix, "/")
	s := &Sim{opts: opts, clock: opts.Clock, stats: &simcore.Stats{}, timeline: opts.Timeline}
	if s.clock == nil {
		s.clock = simcore.RealClock{}
	}
	if s.timeline == nil {
		s.timeline = &simcore.Timeline{}
	}
	s.inj = simcore.NewInjector(opts.Behaviour, s.clock)
	if opts.Dir != "" {
		s.file = filepath.Join(opts.Dir, "nhn.json")
		found, err := simcore.LoadJSON(s.file, &s.d)
		if err != nil {
			return nil, fmt.Errorf("load nhn simulator data: %w", err)
		}
		if !found {
			s.d = data{}
		}
	}
	if s.d.Images == nil {
		s.d.Images = publicImages(s.clock.Now().UTC().Truncate(time.Second))
	}
	s.index()
	return s, nil
}

// index rebuilds the lookup maps and the step heap from s.d.
func (s *Sim) index() {
	s.servers = make(map[string]*server, len(s.d.Servers))
	for _, v := range s.d.Servers {
		s.servers[v.ID] = v
	}
	s.volumes = make(map[string]*volume, len(s.d.Volumes))
	for _, v := range s.d.Volumes {
		s.volumes[v.ID] = v
	}
	s.images = make(map[string]*image, len(s.d.Images))
	for _, v := range s.d.Images {
		s.images[v.ID] = v
	}
	s.keypairs = make(map[string]*keypair, len(s.d.Keypairs))
	for _, v := range s.d.Keypairs {
		s.keypairs[v.Name] = v
	}
	s.tokens = make(map[string]token, len(s.d.Tokens))
	for _, t := range s.d.Tokens {
		s.tokens[t.ID] = t
	}
	heap.Init(&s.d.Steps)
}

// AuthURL is OS_AUTH_URL for a simulator served at base ("http://127.0.0.1:PORT").
func (s *Sim) AuthURL(base string) string {
	return strings.TrimRight(base, "/") + s.opts.Prefix + "/identity/v2.0"
}

// Stats returns the per-operation call counters.
func (s *Sim) Stats() *simcore.Stats { return s.stats }

// Injector returns the fault injector; Set changes behaviour at run time.
func (s *Sim) Injector() *simcore.Injector { return s.inj }

// Timeline returns the status-change timeline.
func (s *Sim) Timeline() *simcore.Timeline { return s.timeline }

// Credentials returns the accepted username, API password and tenant id.
func (s *Sim) Credentials() (username, password, tenantID string) {
	return s.opts.Username, s.opts.Password, s.opts.TenantID
}

// Fixtures returns ids that exist in every simulator.
func (s *Sim) Fixtures() Fixtures {
	return Fixtures{
		Region:        region,
		TenantID:      s.opts.TenantID,
		Image:         publicImages(time.Time{})[0].ID,
		Network:       vpcs[0].ID,
		Subnet:        vpcs[0].SubnetID,
		Flavor:        "m2.c4m8",
		Zone:          zones[0],
		SecurityGroup: securityGroups[0],
	}
}

// Flush applies the transitions that are due and writes the data file now.
func (s *Sim) Flush() error {
	s.mu.Lock()
	s.advance()
	s.mu.Unlock()
	return s.save()
}

// markDirty schedules a save. Writes are spaced by saveEvery, or by four
// times the last write's duration when that is longer, so a burst of calls
// against 100,000 servers neither rewrites the file per call nor holds the
// lock most of the time. Flush writes at once. Callers hold s.mu.
func (s *Sim) markDirty() {
	if s.file == "" {
		return
	}
	s.dirty = true
	if s.saveTimer != nil {
		return
	}
	wait := max(saveEvery, 4*s.lastSaveDur) - time.Since(s.lastSave)
	// A failed background save leaves the data dirty; the next save or Flush retries and reports it.
	s.saveTimer = time.AfterFunc(max(wait, 0), func() { _ = s.save() })
}

const saveEvery = 200 * time.Millisecond

// save encodes the data under the lock and writes it outside it.
func (s *Sim) save() error {
	if s.file == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	start := time.Now()
	s.mu.Lock()
	if s.saveTimer != nil {
		s.saveTimer.Stop()
		s.saveTimer = nil
	}
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	s.d.Tokens = s.d.Tokens[:0]
	for _, t := range s.tokens {
		s.d.Tokens = append(s.d.Tokens, t)
	}
	sort.Slice(s.d.Tokens, func(i, j int) bool { return s.d.Tokens[i].ID < s.d.Tokens[j].ID })
	data, err := json.Marshal(&s.d)
	s.dirty = false
	s.mu.Unlock()
	if err == nil {
		err = simcore.WriteFileAtomic(s.file, data, 0o600)
	}
	s.mu.Lock()
	s.lastSave, s.lastSaveDur = time.Now(), time.Since(start)
	if err != nil {
		s.dirty = true // try again with the next change or Flush
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("save nhn simulator data: %w", err)
	}
	return nil
}

// advance applies every step that is due. Callers hold s.mu.
func (s *Sim) advance() {
	now := s.clock.Now()
	for len(s.d.Steps) > 0 && !s.d.Steps[0].At.After(now) {
		st := heap.Pop(&s.d.Steps).(step)
		switch st.Kind {
		case "server":
			s.applyServerStep(st)
		case "volume":
			s.applyVolumeStep(st)
		case "image":
			if img, ok := s.images[st.ID]; ok {
				img.Status, img.Updated = st.Status, st.At
				s.record("image", img.ID, img.Name, img.Status, st.At)
			}
		}
		s.markDirty()
	}
}

func (s *Sim) record(kind, id, name, status string, at time.Time) {
	s.timeline.Record(simcore.Event{At: at, Cloud: cloudName, Kind: kind, ID: id, Name: name, Status: status})
}

// ServeHTTP routes a request; paths include Options.Prefix.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Nova and Cinder name every answer; clients log it to match a call with
	// the cloud's own logs.
	w.Header().Set("X-Openstack-Request-Id", "req-"+uuidFrom(fmt.Sprintf("nhnsim/request/%d", s.reqSeq.Add(1))))
	p, ok := strings.CutPrefix(r.URL.Path, s.opts.Prefix)
	if !ok || (p != "" && p[0] != '/') {
		s.stats.Count(r.Method + " unknown")
		writeFault(w, http.StatusNotFound, "The resource could not be found.")
		return
	}
	c := &call{s: s, w: w, r: r, base: "http://" + r.Host + s.opts.Prefix}
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			s.stats.Count(r.Method + " unknown")
			writeFault(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		c.body = body
	}
	c.seg = strings.Split(strings.Trim(p, "/"), "/")
	if c.seg[0] == "" {
		c.seg = nil
	}
	h, op := s.route(c)
	s.stats.Count(r.Method + " " + op)
	if r.Method == http.MethodPut && op == "/v2.0/floatingips/{id}" && s.inj.Behaviour().HangAssociate {
		<-r.Context().Done() // never answered: the client dies waiting
		return
	}
	switch s.inj.Decide() {
	case simcore.FaultThrottle:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"overLimit": map[string]any{
			"code": 429, "message": "This request was rate-limited.", "retryAfter": "1"}})
		return
	case simcore.FaultError:
		writeFault(w, http.StatusInternalServerError, computeFaultMessage)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	c.now = s.clock.Now().UTC()
	h(c)
}

// maxBody bounds a request body; user_data alone may be 64 KiB.
const maxBody = 1 << 20

const computeFaultMessage = "The server has either erred or is incapable of performing the requested operation."

// call is one request in flight.
type call struct {
	s      *Sim
	w      http.ResponseWriter
	r      *http.Request
	base   string // http://host/prefix
	seg    []string
	body   []byte
	tenant string
	now    time.Time
}

func (c *call) computeBase() string { return c.base + "/compute" }
func (c *call) volumeBase() string  { return c.base + "/volume" }
func (c *call) imageBase() string   { return c.base + "/image" }
