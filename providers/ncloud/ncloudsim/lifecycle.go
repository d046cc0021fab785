package ncloudsim

import (
	"slices"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Transition times as shares of Behaviour.Build(): a server takes one build
// time from create to RUN; everything else is shorter, in the proportions
// the real API shows (minutes to build, seconds to stop or detach).
const (
	fInit      = 0.3  // INIT → CREAT
	fCreat     = 0.7  // CREAT → RUN
	fSetup     = 0.25 // op SETUP after RUN, and after a storage detach
	fStop      = 0.3  // RUN/SHTDN → NSTOP
	fStart     = 0.5  // NSTOP/START → RUN
	fReboot    = 0.5  // RUN/RESTA → RUN
	fChange    = 0.3  // NSTOP/CHNG → NSTOP
	fTerminate = 0.3  // NSTOP/TERMT → gone
	fVolInit   = 0.15 // volume INIT → attaching / detached
	fVolAttach = 0.1  // attaching → ATTAC
	fVolDetach = 0.1  // detaching → CREAT
	fVolChange = 0.25 // op CHNG → NULL
	fVolDelete = 0.1  // → gone
	fImage     = 0.5  // member image INIT/CREAT → CREAT
	fImageDel  = 0.1  // member image TERMT → gone
)

func (s *Sim) dur(f float64) time.Duration {
	return max(s.inj.Behaviour().Scaled(f), time.Nanosecond)
}

func (s *Sim) record(at time.Time, kind, id, name, status string) {
	if s.timeline != nil {
		s.timeline.Record(simcore.Event{At: at, Cloud: "ncloud", Kind: kind, ID: id, Name: name, Status: status})
	}
}

// set moves a resource to status/op, with the next transition after d
// (0 = settled), recording status changes.
func (s *Sim) set(p *phase, kind, no, name string, at time.Time, status, op string, d time.Duration) {
	changed := p.Status != status
	p.Status, p.Op, p.Due = status, op, time.Time{}
	if d > 0 {
		p.Due = at.Add(d)
		s.due.schedule(p.Due, kind, no)
	}
	if changed {
		s.record(at, kind, no, name, status)
	}
}

func (s *Sim) setServer(v *server, at time.Time, status, op string, d time.Duration) {
	s.set(&v.phase, kindServer, v.No, v.Name, at, status, op, d)
}

func (s *Sim) setVolume(v *volume, at time.Time, status, op string, d time.Duration) {
	s.set(&v.phase, kindVolume, v.No, v.Name, at, status, op, d)
}

func (s *Sim) setImage(m *memberImage, at time.Time, status, op string, d time.Duration) {
	s.set(&m.phase, kindImage, m.No, m.Name, at, status, op, d)
}

// advance applies every transition due at or before now, each at the time
// it fell due, so what a client sees is a function of the clock alone.
func (s *Sim) advance(now time.Time) {
	for {
		it, ok := s.due.next(now)
		if !ok {
			return
		}
		switch it.Kind {
		case kindServer:
			if v := s.d.Servers[it.ID]; v != nil && v.Due.Equal(it.At) {
				s.stepServer(v, it.At)
			}
		case kindVolume:
			if v := s.d.Volumes[it.ID]; v != nil && v.Due.Equal(it.At) {
				s.stepVolume(v, it.At)
			}
		case kindImage:
			if m := s.d.Images[it.ID]; m != nil && m.Due.Equal(it.At) {
				s.stepImage(m, it.At)
			}
		case kindPublicIP:
			if p := s.d.PublicIPs[it.ID]; p != nil && p.Due.Equal(it.At) {
				s.stepPublicIP(p, it.At)
			}
		}
	}
}

// stepServer ends the server's current transition (ncp.md §3.2).
func (s *Sim) stepServer(v *server, at time.Time) {
	b := s.inj.Behaviour()
	switch v.Status + "/" + v.Op {
	case "INIT/NULL", "CREAT/NULL":
		// Build faults go by the name the server has when its build moves
		// on, so that a batch member renamed away from a pattern (or to
		// it) is judged by its declared name.
		if simcore.Matches(b.StuckBuild, v.Name) {
			s.setServer(v, at, v.Status, "NULL", s.dur(fInit))
			return
		}
		if v.Status == "INIT" {
			s.setServer(v, at, "CREAT", "NULL", s.dur(fCreat))
			return
		}
		if simcore.Matches(b.FailBuild, v.Name) {
			s.setServer(v, at, "FSTOP", "NULL", 0)
			return
		}
		v.Uptime = at
		v.SetupUntil = at.Add(s.dur(fSetup))
		if v.WantPublicIP && v.PublicIP == "" {
			// associateWithPublicIp: an instance of its own, without description.
			s.bind(s.newPublicIP(v.Region, "", at), v)
		}
		s.setServer(v, at, "RUN", "NULL", 0)
	case "RUN/SHTDN":
		s.setServer(v, at, "NSTOP", "NULL", 0)
	case "NSTOP/START", "RUN/RESTA":
		v.Uptime = at
		s.setServer(v, at, "RUN", "NULL", 0)
	case "NSTOP/CHNG":
		if v.PendingSpec != "" {
			v.Spec, v.PendingSpec = v.PendingSpec, ""
		}
		s.setServer(v, at, "NSTOP", "NULL", 0)
	case "NSTOP/TERMT":
		s.removeServer(v, at)
	}
}

// removeServer ends a termination: the server, its BASIC volume and the
// NICs made with it are gone; detached SVRBS volumes stay, and so do NICs
// made on their own (deleteOnTermination false), which become free.
func (s *Sim) removeServer(v *server, at time.Time) {
	for _, vol := range slices.Clone(s.idx.volumesOf(v.No)) {
		s.idx.removeVolume(vol)
		delete(s.d.Volumes, vol.No)
		s.record(at, kindVolume, vol.No, vol.Name, "deleted")
	}
	s.idx.removeServer(v)
	if p := s.d.PublicIPs[v.PublicIPNo]; p != nil {
		s.unbind(p) // the address stays allocated, disassociated
	}
	for _, n := range v.NICs {
		if n.Keep {
			s.freeNIC(n)
		}
	}
	delete(s.d.Servers, v.No)
	s.record(at, kindServer, v.No, v.Name, "deleted")
}

// stepVolume ends a volume's transition (ncp.md §3.3).
func (s *Sim) stepVolume(v *volume, at time.Time) {
	switch {
	case v.Op == "CHNG":
		v.SizeGB, v.PendingGB = v.PendingGB, 0
		s.setVolume(v, at, v.Status, "NULL", 0)
	case v.Deleting:
		s.idx.removeVolume(v)
		delete(s.d.Volumes, v.No)
		s.record(at, kindVolume, v.No, v.Name, "deleted")
	case v.Status == "INIT" && v.Op == "NULL" && v.Server != "":
		s.setVolume(v, at, "INIT", "ATTAC", s.dur(fVolAttach))
	case v.Status == "INIT" && v.Op == "NULL":
		s.setVolume(v, at, "CREAT", "NULL", 0)
	case v.Op == "ATTAC":
		v.Device = s.nextDevice(v)
		s.setVolume(v, at, "ATTAC", "NULL", 0)
	case v.Op == "DETAC":
		s.idx.removeVolume(v)
		v.Server, v.Device = "", ""
		s.idx.addVolume(v)
		s.setVolume(v, at, "CREAT", "NULL", 0)
	}
}

// nextDevice names the next free device on the volume's server: xvda for
// the BASIC volume on XEN, vda on KVM, then b, c, ...
func (s *Sim) nextDevice(v *volume) string {
	prefix := "/dev/xvd"
	if v.Hypervisor == "KVM" {
		prefix = "/dev/vd"
	}
	if v.Type == "BASIC" {
		return prefix + "a"
	}
	used := map[string]bool{}
	for _, o := range s.idx.volumesOf(v.Server) {
		if o.Device != "" {
			used[o.Device] = true
		}
	}
	for c := 'b'; c <= 'z'; c++ {
		if d := prefix + string(c); !used[d] {
			return d
		}
	}
	return ""
}

func (s *Sim) stepImage(m *memberImage, at time.Time) {
	switch m.Op {
	case "CREAT":
		s.setImage(m, at, "CREAT", "NULL", 0)
	case "TERMT":
		delete(s.d.Images, m.No)
		s.record(at, kindImage, m.No, m.Name, "deleted")
	}
}
