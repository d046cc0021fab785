package simcore

import (
	"math/rand"
	"path"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Behaviour is how a simulator behaves: timings and injected faults. The
// zero value is a fast, faultless cloud. It is set by `fleet sim` flags and
// by POST /_sim/behaviour.
type Behaviour struct {
	Latency      time.Duration `json:"latency"`       // added to every call
	BuildTime    time.Duration `json:"build_time"`    // how long a server takes to come up; other transitions scale with it
	ErrorRate    float64       `json:"error_rate"`    // share of calls answered with a 5xx
	ThrottleRate float64       `json:"throttle_rate"` // share of calls answered with a 429
	RateLimit    float64       `json:"rate_limit"`    // requests per second per cloud before 429; 0 = none
	Seed         int64         `json:"seed"`

	// Per-resource faults; patterns are path.Match globs on the server name.
	StuckBuild       []string `json:"stuck_build,omitempty"`        // never leave BUILD/INIT
	FailBuild        []string `json:"fail_build,omitempty"`         // end the build in ERROR / a failure state
	CreateErrorAfter []string `json:"create_error_after,omitempty"` // create answers 5xx after creating the server
	// HangAssociate: a call that associates a public address with a server
	// (NCP associatePublicIpWithServerInstance, NHN PUT /v2.0/floatingips/{id})
	// is never answered, so a test can kill the client between allocate
	// and associate.
	HangAssociate bool `json:"hang_associate,omitempty"`
}

// DefaultBuildTime is the build time when none is set: fast, but long enough
// that clients really wait.
const DefaultBuildTime = 200 * time.Millisecond

// Build returns the build time, defaulted.
func (b Behaviour) Build() time.Duration {
	if b.BuildTime <= 0 {
		return DefaultBuildTime
	}
	return b.BuildTime
}

// Scaled returns a transition time: f times the build time.
func (b Behaviour) Scaled(f float64) time.Duration {
	return time.Duration(float64(b.Build()) * f)
}

// Matches reports whether name matches one of the glob patterns.
func Matches(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// Fault is what Injector decided for one call.
type Fault int

const (
	FaultNone     Fault = iota
	FaultThrottle       // answer 429
	FaultError          // answer 5xx
)

// Injector decides faults for one cloud from a seeded source, so a run with
// the same seed and the same calls fails the same way.
type Injector struct {
	mu      sync.Mutex
	b       Behaviour
	rng     *rand.Rand
	limiter *rate.Limiter
	clock   Clock
}

// NewInjector makes an injector for b.
func NewInjector(b Behaviour, clock Clock) *Injector {
	in := &Injector{clock: clock}
	in.Set(b)
	return in
}

// clone copies b with lists of its own: the injector keeps and hands out
// copies, so a caller that edits or decodes into a Behaviour (the admin
// API merges a body over the current one) never changes the lists the
// clouds are matching names against, nor another injector's.
func (b Behaviour) clone() Behaviour {
	b.StuckBuild = slices.Clone(b.StuckBuild)
	b.FailBuild = slices.Clone(b.FailBuild)
	b.CreateErrorAfter = slices.Clone(b.CreateErrorAfter)
	return b
}

// Set replaces the behaviour and reseeds.
func (in *Injector) Set(b Behaviour) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.b = b.clone()
	in.rng = rand.New(rand.NewSource(b.Seed))
	in.limiter = nil
	if b.RateLimit > 0 {
		burst := int(b.RateLimit)
		if burst < 1 {
			burst = 1
		}
		in.limiter = rate.NewLimiter(rate.Limit(b.RateLimit), burst)
	}
}

// Behaviour returns the current behaviour.
func (in *Injector) Behaviour() Behaviour {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.b.clone()
}

// Decide sleeps the configured latency and returns the fault for one call.
func (in *Injector) Decide() Fault {
	in.mu.Lock()
	b, lim := in.b, in.limiter
	var f Fault
	if lim != nil && !lim.AllowN(in.clock.Now(), 1) {
		f = FaultThrottle
	} else if b.ThrottleRate > 0 && in.rng.Float64() < b.ThrottleRate {
		f = FaultThrottle
	} else if b.ErrorRate > 0 && in.rng.Float64() < b.ErrorRate {
		f = FaultError
	}
	in.mu.Unlock()
	if b.Latency > 0 {
		time.Sleep(b.Latency)
	}
	return f
}
