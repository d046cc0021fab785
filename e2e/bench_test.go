package e2e

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// benchEnvInt reads a positive integer knob of the benchmark.
func benchEnvInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// pollOps are the list calls the shared pollers make (and the refresh).
var pollOps = map[string]bool{
	"getServerInstanceList":       true,
	"getBlockStorageInstanceList": true,
	"GET /servers/detail":         true,
	"GET /volumes/detail":         true,
}

// BenchmarkApply1000 applies 1,000 servers (half on each cloud) against
// simulators answering each call after 100 ms, building servers in 20 s and
// allowing 20 requests/s per cloud, and compares the wall time with the
// lower bound: the larger of the critical path (one build, and on NCP the
// SETUP after it, plus a few call latencies) and the time the rate limit
// needs for the calls made. It runs
// twice: with batch_create (members created 20 per call on NCP and 10 on
// NHN, then renamed) and by default (only members the cloud names as
// declared are batched: NCP from member 100 on, NHN members 1-10).
//
//	go test -run '^$' -bench BenchmarkApply1000 -benchtime 1x ./e2e/
//
// FLEET_BENCH_SERVERS and FLEET_BENCH_BUILD_SECONDS scale it down.
func BenchmarkApply1000(b *testing.B) {
	for _, mode := range []struct {
		name  string
		batch bool
	}{{"batch_create", true}, {"default", false}} {
		b.Run(mode.name, func(b *testing.B) { benchmarkApply(b, mode.batch) })
	}
}

func benchmarkApply(b *testing.B, batch bool) {
	servers := benchEnvInt(b, "FLEET_BENCH_SERVERS", 1000)
	build := time.Duration(benchEnvInt(b, "FLEET_BENCH_BUILD_SECONDS", 20)) * time.Second
	const latency = 100 * time.Millisecond
	// FLEET_BENCH_RATE_LIMIT is the simulator's --rate-limit per cloud; 0
	// is none, and the bound is then the critical path alone.
	rateLimit := 20.0
	if v := os.Getenv("FLEET_BENCH_RATE_LIMIT"); v != "" {
		var err error
		if rateLimit, err = strconv.ParseFloat(v, 64); err != nil || rateLimit < 0 {
			b.Fatalf("FLEET_BENCH_RATE_LIMIT=%q: want a number of requests per second, 0 for none", v)
		}
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b, simcore.Behaviour{Latency: latency, BuildTime: build, RateLimit: rateLimit})
		w.writeFleet(group{name: "web", cloud: "ncp", count: servers / 2, batchCreate: batch},
			group{name: "db", cloud: "nhn", count: servers - servers/2, batchCreate: batch})
		b.StartTimer()
		start := time.Now()
		c := w.start("apply", "--auto-approve")
		code := c.wait(b, time.Hour)
		wall := time.Since(start)
		b.StopTimer()
		if code != 0 {
			b.Fatalf("apply: exit %d\n%s\n%s", code, tail(c.Stdout.String()), tail(c.Stderr.String()))
		}
		st := w.sim.Stats()
		polls := 0
		for op, n := range st.NCloud.Operations {
			if pollOps[op] {
				polls += n
			}
		}
		for op, n := range st.NHNCloud.Operations {
			if pollOps[op] {
				polls += n
			}
		}
		// NCP's servers run once RUN has no operation: its SETUP lasts a
		// quarter of the build after RUN (shared/api/ncp.md §3, the
		// simulator's fSetup), so its critical path is 1.25 builds.
		critical := build + 4*latency
		if servers/2 > 0 {
			critical = build*5/4 + 4*latency
		}
		busiest := max(st.NCloud.Total, st.NHNCloud.Total)
		var throughput time.Duration
		if rateLimit > 0 {
			throughput = time.Duration(float64(busiest) / rateLimit * float64(time.Second))
		}
		bound := max(critical, throughput)
		ratio := wall.Seconds() / bound.Seconds()
		peakMB := float64(c.Cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // Linux reports KiB
		total := st.NCloud.Total + st.NHNCloud.Total
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(ratio, "wall/bound")
		b.ReportMetric(float64(total)/float64(servers), "calls/server")
		b.ReportMetric(float64(polls), "polls")
		b.ReportMetric(peakMB, "peak-MB")
		b.Logf("%d servers, build %s: wall %s; bound %s (critical path %s, busiest cloud %d calls at %.0f/s = %s); ratio %.2f",
			servers, build, wall.Round(time.Millisecond), bound.Round(time.Millisecond), critical, busiest, rateLimit,
			throughput.Round(time.Millisecond), ratio)
		b.Logf("calls: ncloud %d %v", st.NCloud.Total, st.NCloud.Operations)
		b.Logf("calls: nhncloud %d %v", st.NHNCloud.Total, st.NHNCloud.Operations)
		b.Logf("%.1f calls per server, %d polling calls, child peak RSS %.1f MB", float64(total)/float64(servers), polls, peakMB)
		for _, line := range strings.Split(c.Stdout.String(), "\n") {
			if strings.HasPrefix(line, "Throttled:") { // the share of calls that met a 429
				b.Log(line)
			}
		}
		logPhases(b, start, w.sim.Timeline.Events())
	}
}

// logPhases says, per cloud, when the first and the last server was
// created and when the last one came up, relative to the apply's start:
// where the time between the bound and the wall time went.
func logPhases(b *testing.B, start time.Time, events []simcore.Event) {
	type phase struct {
		firstCreate, lastCreate, lastUp time.Duration
		seen                            map[string]bool
	}
	phases := map[string]*phase{}
	for _, e := range events {
		if e.Kind != "server" {
			continue
		}
		p := phases[e.Cloud]
		if p == nil {
			p = &phase{firstCreate: -1, seen: map[string]bool{}}
			phases[e.Cloud] = p
		}
		at := e.At.Sub(start)
		if !p.seen[e.ID] {
			p.seen[e.ID] = true
			if p.firstCreate < 0 {
				p.firstCreate = at
			}
			p.lastCreate = at
		}
		if e.Status == "RUN" || e.Status == "ACTIVE" {
			p.lastUp = max(p.lastUp, at)
		}
	}
	for _, cloud := range []string{"ncloud", "nhn"} {
		if p := phases[cloud]; p != nil {
			b.Logf("%s: %d servers created from +%s to +%s; the last one up at +%s", cloud, len(p.seen),
				p.firstCreate.Round(time.Millisecond), p.lastCreate.Round(time.Millisecond), p.lastUp.Round(time.Millisecond))
		}
	}
}
