package executor

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/state"
)

// BenchmarkApply1000Servers walks a plan creating 1,000 servers against a
// fake provider with the figures (100 ms per call, 20 s builds,
// optionally 20 calls/s) scaled down 20 times, and reports the wall time
// against two lower bounds:
//
//	bound: max(critical path, calls ÷ rate), the figure of merit;
//	tight: the last create cannot be sent before calls ÷ rate, and its
//	       build takes as long as any: calls ÷ rate + call + build.
//
// go test -run '^$' -bench Apply1000 -benchtime 1x ./executor
func BenchmarkApply1000Servers(b *testing.B) {
	const (
		servers     = 1000
		scale       = 20
		call        = 100 * time.Millisecond / scale
		build       = 20 * time.Second / scale
		parallelism = 10
	)
	cases := []struct {
		perSecond float64
		localFile bool // the real state file (fsync per write) instead of memory
		volumes   bool // each server also gets a volume, created then attached (3 calls a server)
	}{{0, false, false}, {20 * scale, false, false}, {20 * scale, true, false}, {20 * scale, false, true}}
	for _, c := range cases {
		perSecond := c.perSecond
		name := "unlimited"
		if perSecond > 0 {
			name = fmt.Sprintf("%g-calls-per-s", perSecond/scale)
		}
		if c.localFile {
			name += "/local-file"
		}
		if c.volumes {
			name += "/with-volumes"
		}
		b.Run(name, func(b *testing.B) {
			var actions []planner.Action
			for i := range servers {
				name := fmt.Sprintf("web-%d", i+1)
				actions = append(actions, createServer(name))
				if c.volumes {
					actions = append(actions, createVolume(name, "data", "create server/"+name),
						attachVolume(name, "data", "create server/"+name, "create volume/"+name+"/data"))
				}
			}
			calls := len(actions)
			// Volumes become available or attached in a tenth of a build.
			tail := time.Duration(0)
			if c.volumes {
				tail = 2 * (call + build/10)
			}
			// The call rate the executor can reach: its slots, or the
			// provider's budget when that is lower.
			rateOf := float64(parallelism) / call.Seconds()
			if perSecond > 0 && perSecond < rateOf {
				rateOf = perSecond
			}
			callsTime := time.Duration(float64(calls) / rateOf * float64(time.Second))
			bound := max(call+build+tail, callsTime)
			// The last call is sent after calls ÷ rate; what follows it is
			// a build (servers only) or a volume's short wait.
			tight := callsTime + build
			if c.volumes {
				tight = callsTime + build/10
			}

			var wall time.Duration
			var peak uint64
			var writes int
			var slept *sleeps
			for b.Loop() {
				slept = &sleeps{}
				var limiter *rate.Limiter
				if perSecond > 0 {
					limiter = rate.NewLimiter(rate.Limit(perSecond), 1)
				}
				prov := &fakeProvider{
					CreateF: func(ctx context.Context, req providers.CreateRequest) (providers.CreateResponse, error) {
						if limiter != nil {
							if err := limiter.Wait(ctx); err != nil {
								return providers.CreateResponse{}, err
							}
						}
						t0 := time.Now()
						time.Sleep(call)
						slept.add(time.Since(t0), 0)
						return providers.CreateResponse{ID: "id-" + req.Owner.Address}, nil
					},
					UpdateF: func(ctx context.Context, req providers.UpdateRequest) (providers.UpdateResponse, error) {
						if limiter != nil {
							if err := limiter.Wait(ctx); err != nil {
								return providers.UpdateResponse{}, err
							}
						}
						t0 := time.Now()
						time.Sleep(call)
						slept.add(time.Since(t0), 0)
						return providers.UpdateResponse{}, nil
					},
					WaitF: func(ctx context.Context, req providers.WaitRequest) (providers.WaitResponse, error) {
						if req.Kind == addrs.KindVolume {
							time.Sleep(build / 10)
							return providers.WaitResponse{}, nil
						}
						t0 := time.Now()
						time.Sleep(build)
						slept.add(0, time.Since(t0))
						return providers.WaitResponse{}, nil
					},
				}
				p := newPlan(actions...)
				mem := &memBackend{lastOnly: true}
				var backend state.Backend = mem
				if c.localFile {
					backend = state.NewLocal(filepath.Join(b.TempDir(), "fleet.lock"))
				}
				st := &state.State{}
				start := time.Now()
				res, err := Apply(context.Background(), Options{Plan: p, Providers: map[string]providers.Provider{"p": prov},
					Backend: backend, State: st, Parallelism: parallelism})
				wall = time.Since(start)
				writes = int(st.Serial)
				if err != nil || !res.Tally.OK() {
					b.Fatalf("apply: %v %s", err, res.Tally)
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ReportMetric(wall.Seconds()*scale, "s-unscaled")
			b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/bound")
			b.ReportMetric(wall.Seconds()/tight.Seconds(), "wall/tight")
			// On a busy machine sleeps overrun; the same bound with the
			// call and build times as measured isolates the executor.
			callM, buildM := slept.mean(calls, servers)
			rateM := float64(parallelism) / callM.Seconds()
			if perSecond > 0 && perSecond < rateM {
				rateM = perSecond
			}
			if c.volumes {
				buildM = build / 10
			}
			b.ReportMetric(wall.Seconds()/(float64(calls)/rateM+buildM.Seconds()), "wall/tight-measured")
			b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(writes)/servers, "writes/server")
		})
	}
}

// sleeps sums the time the fake provider's calls and builds really took.
type sleeps struct {
	mu          sync.Mutex
	call, build time.Duration
}

func (s *sleeps) add(call, build time.Duration) {
	s.mu.Lock()
	s.call += call
	s.build += build
	s.mu.Unlock()
}

func (s *sleeps) mean(calls, builds int) (call, build time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.call / time.Duration(calls), s.build / time.Duration(builds)
}
