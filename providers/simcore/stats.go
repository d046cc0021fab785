package simcore

import (
	"sort"
	"sync"
)

// Stats counts calls per operation for one cloud.
type Stats struct {
	mu    sync.Mutex
	total int
	ops   map[string]int
}

// StatsSnapshot is the JSON form served at /_sim/stats.
type StatsSnapshot struct {
	Total      int            `json:"total"`
	Operations map[string]int `json:"operations"`
}

// Count records one call of op.
func (s *Stats) Count(op string) {
	s.mu.Lock()
	if s.ops == nil {
		s.ops = map[string]int{}
	}
	s.total++
	s.ops[op]++
	s.mu.Unlock()
}

// Snapshot copies the counters.
func (s *Stats) Snapshot() StatsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := make(map[string]int, len(s.ops))
	for k, v := range s.ops {
		ops[k] = v
	}
	return StatsSnapshot{Total: s.total, Operations: ops}
}

// Reset zeroes the counters.
func (s *Stats) Reset() {
	s.mu.Lock()
	s.total, s.ops = 0, nil
	s.mu.Unlock()
}

// Names returns the counted operation names, sorted.
func (ss StatsSnapshot) Names() []string {
	names := make([]string, 0, len(ss.Operations))
	for n := range ss.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
