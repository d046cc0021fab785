package simcore

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStatsCountSnapshotReset(t *testing.T) {
	var s Stats
	for _, op := range []string{"b", "a", "b"} {
		s.Count(op)
	}
	got := s.Snapshot()
	want := StatsSnapshot{Total: 3, Operations: map[string]int{"a": 1, "b": 2}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("snapshot (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a", "b"}, got.Names()); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	s.Reset()
	if got := s.Snapshot(); got.Total != 0 || len(got.Operations) != 0 {
		t.Errorf("after reset: %+v", got)
	}
}

func TestInjectorIsDeterministicPerSeed(t *testing.T) {
	clock := NewFakeClock(time.Unix(1700000000, 0))
	run := func(seed int64) []Fault {
		in := NewInjector(Behaviour{ErrorRate: 0.3, ThrottleRate: 0.2, Seed: seed}, clock)
		out := make([]Fault, 200)
		for i := range out {
			out[i] = in.Decide()
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("same seed gave different faults:\n%s", d)
	}
	if cmp.Equal(a, c) {
		t.Error("different seeds gave the same 200 faults")
	}
	counts := map[Fault]int{}
	for _, f := range a {
		counts[f]++
	}
	if counts[FaultThrottle] == 0 || counts[FaultError] == 0 || counts[FaultNone] == 0 {
		t.Errorf("expected a mix of faults, got %v", counts)
	}
}

func TestInjectorRateLimitFollowsTheClock(t *testing.T) {
	clock := NewFakeClock(time.Unix(1700000000, 0))
	in := NewInjector(Behaviour{RateLimit: 2}, clock)
	got := []Fault{in.Decide(), in.Decide(), in.Decide()}
	want := []Fault{FaultNone, FaultNone, FaultThrottle}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("burst of 3 at 2/s (-want +got):\n%s", d)
	}
	clock.Advance(time.Second)
	if f := in.Decide(); f != FaultNone {
		t.Errorf("after a second the budget should refill, got %v", f)
	}
}

// The injector keeps its own lists: neither the Behaviour given to Set nor
// one Behaviour returned can change what it matches names against.
func TestInjectorKeepsItsOwnLists(t *testing.T) {
	given := Behaviour{StuckBuild: []string{"a-*"}, FailBuild: []string{"b-*"}, CreateErrorAfter: []string{"c-*"}}
	in := NewInjector(given, NewFakeClock(time.Unix(1700000000, 0)))
	given.FailBuild[0] = "changed"
	got := in.Behaviour()
	got.StuckBuild[0], got.CreateErrorAfter[0] = "changed", "changed"
	want := Behaviour{StuckBuild: []string{"a-*"}, FailBuild: []string{"b-*"}, CreateErrorAfter: []string{"c-*"}}
	if d := cmp.Diff(want, in.Behaviour()); d != "" {
		t.Errorf("behaviour after callers edited their copies (-want +got):\n%s", d)
	}
}

func TestMatches(t *testing.T) {
	tests := map[string]struct {
		patterns []string
		name     string
		want     bool
	}{
		"exact":      {[]string{"web-1"}, "web-1", true},
		"glob":       {[]string{"web-*"}, "web-12", true},
		"no match":   {[]string{"db-*"}, "web-1", false},
		"no pattern": {nil, "web-1", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Matches(tc.patterns, tc.name); got != tc.want {
				t.Errorf("Matches(%v, %q) = %v, want %v", tc.patterns, tc.name, got, tc.want)
			}
		})
	}
}

func TestSaveLoadJSONAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "data.json")
	var v map[string]int
	if found, err := LoadJSON(path, &v); found || err != nil {
		t.Fatalf("missing file: found=%v err=%v", found, err)
	}
	if err := SaveJSON(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if found, err := LoadJSON(path, &v); !found || err != nil || v["a"] != 1 {
		t.Fatalf("load: found=%v err=%v v=%v", found, err, v)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

func TestTimelineSortedAndBounded(t *testing.T) {
	tl := &Timeline{max: 4}
	base := time.Unix(0, 0)
	for i := 5; i >= 0; i-- {
		tl.Record(Event{At: base.Add(time.Duration(i) * time.Second), ID: string(rune('a' + i))})
	}
	ev := tl.Events()
	if len(ev) == 0 || len(ev) > 4 {
		t.Fatalf("kept %d events, bound is 4", len(ev))
	}
	// The bound drops old records, never the latest one.
	if !slices.ContainsFunc(ev, func(e Event) bool { return e.ID == "a" }) {
		t.Errorf("latest event dropped: %v", ev)
	}
	for i := 1; i < len(ev); i++ {
		if ev[i].At.Before(ev[i-1].At) {
			t.Fatalf("events not sorted: %v", ev)
		}
	}
}
