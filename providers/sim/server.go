package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/fleet-iac/fleet/providers/ncloud/ncloudsim"
	"github.com/fleet-iac/fleet/providers/nhncloud/nhnsim"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// NHNPrefix is where the NHN simulator is mounted.
const NHNPrefix = "/nhn"

// AdminPrefix is where the admin API is mounted.
const AdminPrefix = "/_sim"

// Config configures a simulator server.
type Config struct {
	Addr      string // listen address; default 127.0.0.1:0 (a free loopback port)
	Dir       string // data directory; "" keeps everything in memory
	Behaviour simcore.Behaviour
	Clock     simcore.Clock // nil = wall clock
	// LockTimeout is how long to wait for the data directory held by
	// another simulator (a fleet run's embedded one); 0 fails at once.
	LockTimeout time.Duration
	Context     context.Context // ends the wait for the lock early; nil: none
}

// Server is a running simulator of both clouds.
type Server struct {
	NCP      *ncloudsim.Sim
	NHN      *nhnsim.Sim
	Timeline *simcore.Timeline
	URL      string // http://127.0.0.1:PORT

	srv     *http.Server
	ln      net.Listener
	adminMu sync.Mutex   // one behaviour merge at a time
	lock    *flock.Flock // the data directory's; nil in memory
}

// New builds the simulators without listening; Start listens and serves.
func New(cfg Config) (*Server, error) {
	tl := &simcore.Timeline{}
	ncpDir, nhnDir := "", ""
	var lock *flock.Flock
	if cfg.Dir != "" {
		ctx := cfg.Context
		if ctx == nil {
			ctx = context.Background()
		}
		l, err := lockDir(ctx, cfg.Dir, cfg.LockTimeout)
		if err != nil {
			return nil, err
		}
		lock = l
		ncpDir, nhnDir = filepath.Join(cfg.Dir, "ncloud"), filepath.Join(cfg.Dir, "nhncloud")
	}
	fail := func(err error) (*Server, error) {
		if lock != nil {
			_ = lock.Unlock()
		}
		return nil, err
	}
	ncp, err := ncloudsim.New(ncloudsim.Options{Dir: ncpDir, Clock: cfg.Clock, Behaviour: cfg.Behaviour, Timeline: tl})
	if err != nil {
		return fail(fmt.Errorf("start ncloud simulator: %w", err))
	}
	nhn, err := nhnsim.New(nhnsim.Options{Dir: nhnDir, Clock: cfg.Clock, Behaviour: cfg.Behaviour, Prefix: NHNPrefix, Timeline: tl})
	if err != nil {
		return fail(fmt.Errorf("start nhncloud simulator: %w", err))
	}
	return &Server{NCP: ncp, NHN: nhn, Timeline: tl, lock: lock}, nil
}

// Start builds the simulators and serves them on cfg.Addr.
func Start(cfg Config) (*Server, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Handler routes requests to the right simulator.
func (s *Server) Handler() http.Handler {
	admin := s.adminHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/"):
			admin.ServeHTTP(w, r)
		case p == NHNPrefix || strings.HasPrefix(p, NHNPrefix+"/"):
			s.NHN.ServeHTTP(w, r)
		default:
			s.NCP.ServeHTTP(w, r)
		}
	})
}

// Close stops serving, letting requests in flight finish, and saves the
// simulators' data.
func (s *Server) Close() error {
	return s.close(false)
}

// CloseNow is Close without waiting for requests in flight: their
// connections are dropped (a run that stopped waiting for its calls).
func (s *Server) CloseNow() error {
	return s.close(true)
}

func (s *Server) close(now bool) error {
	var errs []error
	switch {
	case s.srv != nil && now:
		errs = append(errs, s.srv.Close())
	case s.srv != nil:
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		errs = append(errs, s.srv.Shutdown(ctx))
	}
	errs = append(errs, s.NCP.Flush(), s.NHN.Flush())
	if s.lock != nil {
		errs = append(errs, s.lock.Unlock())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// SetBehaviour changes both simulators' behaviour at run time.
func (s *Server) SetBehaviour(b simcore.Behaviour) {
	s.NCP.Injector().Set(b)
	s.NHN.Injector().Set(b)
}
