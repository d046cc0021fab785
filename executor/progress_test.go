package executor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/style"
)

var update = flag.Bool("update", false, "rewrite the expected progress files")

// readEvents replays a recorded event stream (the JSON observer's output).
func readEvents(t *testing.T, path string) []Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var je jsonEvent
		if err := dec.Decode(&je); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if je.FormatVersion != EventFormatVersion {
			t.Fatalf("%s: format version %q", path, je.FormatVersion)
		}
		ev := Event{Kind: je.Event, ActionID: je.ActionID, Address: je.Address, Type: planner.ActionType(je.Type),
			CloudID: je.CloudID, Elapsed: time.Duration(je.ElapsedMS) * time.Millisecond, Cause: je.Cause,
			Serial: je.Serial, Tally: je.Tally, Done: je.Done, Total: je.Total}
		if je.Time != "" {
			if ev.Time, err = time.Parse(time.RFC3339Nano, je.Time); err != nil {
				t.Fatal(err)
			}
		}
		if je.Error != "" {
			ev.Err = errors.New(je.Error)
		}
		if je.Event == ActionFailed {
			ev.Err = Failure{ActionID: je.ActionID, Address: addrs.MustParse(je.Address), Type: ev.Type, Code: je.Code, Err: ev.Err}
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestProgressGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/progress/*.events.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded events: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".events.jsonl")
		t.Run(name, func(t *testing.T) {
			events := readEvents(t, file)
			var text, js bytes.Buffer
			to, jo := NewTextObserver(&text, style.Style{}), NewJSONObserver(&js)
			for _, ev := range events {
				to.Observe(ev)
				jo.Observe(ev)
			}
			golden := strings.TrimSuffix(file, ".events.jsonl") + ".txt"
			if *update {
				if err := os.WriteFile(golden, text.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), text.String()); diff != "" {
				t.Errorf("text progress (-want +got):\n%s", diff)
			}
			// The JSON form round-trips byte for byte: field names and
			// order are the contract.
			recorded, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(recorded), js.String()); diff != "" {
				t.Errorf("JSON progress (-recorded +got):\n%s", diff)
			}
		})
	}
}

// TestProgressColour: colour changes nothing but the codes around the
// outcome and the count, which are the style's.
func TestProgressColour(t *testing.T) {
	on := style.New(true)
	base := Event{Address: "server/web-1", Type: planner.Create, CloudID: "1", Elapsed: 3 * time.Second, Done: 1, Total: 2}
	tests := map[string]struct {
		kind    EventKind
		err     error
		colored string
	}{
		"succeeded": {ActionSucceeded, nil, "server/web-1: " + on.Added("Creation complete") + " after 3s [id=1] " + on.Faint("(1/2)") + "\n"},
		"failed": {ActionFailed, Failure{Address: addrs.Server("web-1"), Err: errors.New("server/web-1: boom")},
			"server/web-1: " + on.Error("Creation failed") + " after 3s: boom " + on.Faint("(1/2)") + "\n"},
		"skipped": {ActionSkipped, errors.New("upstream x failed"), "server/web-1: " + on.Warning("Creation skipped") + ": upstream x failed " + on.Faint("(1/2)") + "\n"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ev := base
			ev.Kind, ev.Err = tt.kind, tt.err
			var plain, colored bytes.Buffer
			NewTextObserver(&plain, style.Style{}).Observe(ev)
			NewTextObserver(&colored, on).Observe(ev)
			if colored.String() != tt.colored {
				t.Errorf("colour: got %q, want %q", colored.String(), tt.colored)
			}
			if strings.Contains(plain.String(), "\x1b[") || style.Strip(colored.String()) != plain.String() {
				t.Errorf("plain %q is not the coloured %q without its codes", plain.String(), colored.String())
			}
		})
	}
}

// fakeClock advances by a second each time it is read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func TestApplyProgressGolden(t *testing.T) {
	// A chain runs one action at a time, so its output is the same on
	// every run.
	p := newPlan(
		createServer("web-1"),
		createVolume("web-1", "data", "create server/web-1"),
		attachVolume("web-1", "data", "create volume/web-1/data"),
		createServer("web-2", "attach volume/web-1/data"),
	)
	prov := &fakeProvider{CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
		if req.Owner.Address == "server/web-2" {
			return providers.CreateResponse{}, &providers.APIError{Provider: "nhncloud", Operation: "POST /servers", Status: 400,
				Message: "Flavor m2.c4m8 is not available in kr-pub-b", Address: req.Owner.Address}
		}
		return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
	}}
	var text, js bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	res, err := Apply(context.Background(), Options{
		Plan: p, Providers: map[string]providers.Provider{"p": prov}, Backend: &memBackend{}, State: &state.State{},
		Observer: teeObserver{NewTextObserver(&text, style.Style{}), NewJSONObserver(&js)}, Clock: clock.now, SlowAfter: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&text, "\n%s\n", res.Tally)
	for name, got := range map[string][]byte{"apply_chain.txt": text.Bytes(), "apply_chain.jsonl": js.Bytes()} {
		golden := filepath.Join("testdata", "progress", name)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

type teeObserver []Observer

func (t teeObserver) Observe(ev Event) {
	for _, o := range t {
		o.Observe(ev)
	}
}

func TestStillRunningEvents(t *testing.T) {
	prov := &fakeProvider{WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
		time.Sleep(300 * time.Millisecond)
		return providers.WaitResponse{}, nil
	}}
	rec := &recorder{}
	p := newPlan(createServer("web-1"))
	_, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": prov},
		Backend: &memBackend{}, State: &state.State{}, Observer: rec, SlowAfter: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	still := rec.of(ActionStillRunning)
	if len(still) < 3 {
		t.Fatalf("%d still-running events over a 300ms build every 10ms", len(still))
	}
	for i := 1; i < len(still); i++ {
		if still[i].Elapsed <= still[i-1].Elapsed {
			t.Errorf("elapsed went from %s to %s", still[i-1].Elapsed, still[i].Elapsed)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var kinds []EventKind
	for _, ev := range rec.events {
		if ev.Kind != StateSaved {
			kinds = append(kinds, ev.Kind)
		}
	}
	if n := len(kinds); n < 2 || kinds[n-2] != ActionSucceeded || kinds[n-1] != ApplyFinished {
		t.Errorf("events end with %v, want the action's end, then the apply's", kinds)
	}
}
