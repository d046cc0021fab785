package ncloudsim

import (
	"errors"
	"fmt"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Saving the whole data after every change costs time in proportion to its
// size: milliseconds for a fleet of hundreds, seconds for 100,000 servers.
// While a save is quick it happens before the call answers; once a save
// takes longer than syncSaveLimit, changes are written together at most
// every saveSpacing save times, so saving never takes more than a tenth of
// the simulator's time. Flush always writes at once.
const (
	syncSaveLimit = 100 * time.Millisecond
	saveSpacing   = 10
)

// saveState is guarded by Sim.mu.
type saveState struct {
	last  time.Duration // how long the last save took
	dirty bool          // changes not written yet
	timer *time.Timer   // a deferred save is pending
	err   error         // a deferred save failed; Flush reports it
	limit time.Duration // syncSaveLimit; tests lower it
}

// persist is called with s.mu held after a call changed the data.
func (s *Sim) persist() error {
	if s.path == "" {
		return nil
	}
	limit := s.saving.limit
	if limit == 0 {
		limit = syncSaveLimit
	}
	if s.saving.last <= limit {
		return s.save()
	}
	s.saving.dirty = true
	if s.saving.timer == nil {
		s.saving.timer = time.AfterFunc(s.saving.last*saveSpacing, s.deferredSave)
	}
	return nil
}

func (s *Sim) deferredSave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saving.timer = nil
	if s.saving.dirty {
		if err := s.save(); err != nil {
			s.saving.err = err
		}
	}
}

// save writes the data now, atomically (s.mu held).
func (s *Sim) save() error {
	start := time.Now()
	err := simcore.SaveJSON(s.path, s.d)
	s.saving.last = time.Since(start)
	if err != nil {
		return fmt.Errorf("save ncloud simulator data: %w", err)
	}
	s.saving.dirty = false
	return nil
}

// Flush writes the data to disk now, and reports a failed deferred save.
func (s *Sim) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return nil
	}
	if s.saving.timer != nil {
		s.saving.timer.Stop()
		s.saving.timer = nil
	}
	err := errors.Join(s.saving.err, s.save())
	s.saving.err = nil
	return err
}
