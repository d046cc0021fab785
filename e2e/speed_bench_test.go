package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/e2e/e2etest"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// The speed goals of issue 21 that a whole fleet process meets against a
// simulator in another process (this test process): each benchmark times
// the fleet child and the peak RSS it reports at its end (VmHWM).
//
//	go test -run '^$' -bench 'BenchmarkPlan1000NHN|BenchmarkApply40NHN|BenchmarkPlan10000Process' -benchtime 3x ./e2e/

// timed runs fleet with args to its end and returns its wall time and
// peak RSS in MiB, as the child measured it (e2etest.PeakEnv: the rusage
// after wait4 carries this process's size into the child's); a run that
// does not exit with want fails the benchmark.
func (w *world) timed(b *testing.B, want int, args ...string) (time.Duration, float64, result) {
	b.Helper()
	peakFile := filepath.Join(b.TempDir(), "peak")
	env := w.env
	w.env = append(slices.Clip(w.env), e2etest.PeakEnv+"="+peakFile)
	start := time.Now()
	c := w.start(args...)
	w.env = env
	code := c.wait(b, 10*time.Minute)
	wall := time.Since(start)
	r := result{code: code, stdout: c.Stdout.String(), stderr: c.Stderr.String()}
	if code != want {
		b.Fatalf("fleet %s: want exit %d: %s", strings.Join(args, " "), want, r)
	}
	peak, ok := e2etest.ReadPeak(peakFile)
	if !ok {
		b.Fatalf("fleet %s wrote no peak to %s: %s", strings.Join(args, " "), peakFile, r)
	}
	return wall, peak, r
}

// profileAs makes the children started until the returned func is called
// write their CPU and heap profiles to $FLEET_BENCH_PROFILE/name.cpu and
// .heap (go tool pprof), when that variable is set.
func (w *world) profileAs(name string) func() {
	env := w.env
	if dir := os.Getenv("FLEET_BENCH_PROFILE"); dir != "" {
		w.env = append(slices.Clip(w.env), e2etest.ProfileEnv+"="+filepath.Join(dir, name))
	}
	return func() { w.env = env }
}

// BenchmarkPlan1000NHN: a no-change `fleet plan` of 1,000 NHN servers
// against a simulator answering each call after 100 ms (goal ≤ 0.6 s;
// 1.5 s before the refresh's lists went out at once). The servers are
// applied first without latency.
func BenchmarkPlan1000NHN(b *testing.B) {
	servers := benchEnvInt(b, "FLEET_BENCH_SERVERS", 1000)
	w := newWorld(b, simcore.Behaviour{})
	w.writeFleetOn([]string{"nhn"}, group{name: "db", cloud: "nhn", count: servers, batchCreate: true})
	w.applyUntilDone(1, 10*time.Minute)
	w.sim.SetBehaviour(simcore.Behaviour{Latency: 100 * time.Millisecond})
	w.sim.ResetStats()
	defer w.profileAs("plan1000nhn")()
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		wall, peak, r := w.timed(b, 0, "plan")
		if !strings.Contains(r.stdout, "No changes") {
			b.Fatalf("plan is not empty: %s", r)
		}
		total += wall
		b.ReportMetric(peak, "peak-MiB")
	}
	b.StopTimer()
	calls := w.sim.Stats().NHNCloud
	b.ReportMetric(total.Seconds()/float64(b.N), "wall-s")
	b.ReportMetric(float64(calls.Total)/float64(b.N), "nhn-calls")
	b.Logf("%d NHN servers, 100 ms calls: plan %s, %d calls a plan: %v", servers, (total / time.Duration(b.N)).Round(time.Millisecond), calls.Total/b.N, calls.Operations)
}

// BenchmarkApply40NHN: `fleet apply` of 40 NHN servers (default settings)
// against a simulator building them in 2 s, with no latency (goal ≤ 2.6 s;
// 4.0 s with the fixed 2 s poll interval).
func BenchmarkApply40NHN(b *testing.B) {
	servers := benchEnvInt(b, "FLEET_BENCH_SERVERS", 40)
	for range b.N {
		b.StopTimer()
		w := newWorld(b, simcore.Behaviour{BuildTime: 2 * time.Second})
		w.writeFleetOn([]string{"nhn"}, group{name: "web", cloud: "nhn", count: servers})
		b.StartTimer()
		start := time.Now()
		wall, peak, _ := w.timed(b, 0, "apply", "--auto-approve")
		b.StopTimer()
		logPhases(b, start, w.sim.Timeline.Events())
		calls := w.sim.Stats().NHNCloud
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(peak, "peak-MiB")
		b.ReportMetric(float64(calls.Total), "nhn-calls")
		b.Logf("%d NHN servers, 2 s builds: apply %s, %d calls: %v", servers, wall.Round(time.Millisecond), calls.Total, calls.Operations)
	}
}

// BenchmarkPlan10000Process: a no-change `fleet plan` of 10,000 NCP
// servers as a whole process, its state file read included (goal ≤ 1 s
// and ≤ 200 MiB peak RSS), for the fleet written with count (10 groups of
// 1,000) and with one entry per server. The servers are applied first.
func BenchmarkPlan10000Process(b *testing.B) {
	servers := benchEnvInt(b, "FLEET_BENCH_SERVERS", 10000)
	groups := max(servers/1000, 1)
	size := servers / groups
	w := newWorld(b, simcore.Behaviour{})
	var gs []group
	for g := range groups {
		gs = append(gs, group{name: fmt.Sprintf("tier%d", g), cloud: "ncp", count: size, batchCreate: true})
	}
	w.writeFleetOn([]string{"ncp"}, gs...)
	setup := time.Now()
	w.applyUntilDone(1, 30*time.Minute)
	b.Logf("applied %d NCP servers in %s", servers, time.Since(setup).Round(time.Second))
	counted, err := os.ReadFile(filepath.Join(w.dir, "fleet.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	entries := entriesFleet(w, groups, size)
	for _, shape := range []struct{ name, file string }{{"count", string(counted)}, {"entries", entries}} {
		b.Run(shape.name, func(b *testing.B) {
			if err := os.WriteFile(filepath.Join(w.dir, "fleet.yaml"), []byte(shape.file), 0o644); err != nil {
				b.Fatal(err)
			}
			w.sim.ResetStats()
			var total time.Duration
			var peak float64
			defer w.profileAs(shape.name)()
			for range b.N {
				wall, rss, r := w.timed(b, 0, "plan")
				if !strings.Contains(r.stdout, "No changes") {
					b.Fatalf("plan is not empty: %s", r)
				}
				total += wall
				peak = max(peak, rss)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "wall-s")
			b.ReportMetric(peak, "peak-MiB")
			b.ReportMetric(float64(w.sim.Stats().NCloud.Total)/float64(b.N), "ncp-calls")
			b.Logf("%d NCP servers, %s: plan %s, peak RSS %.0f MiB", servers, shape.name, (total / time.Duration(b.N)).Round(time.Millisecond), peak)
		})
	}
}

// entriesFleet declares the same servers as groups × size count members,
// one entry each (tierG-K), the worst case for loading.
func entriesFleet(w *world, groups, size int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "version: 1\nname: %s\n\nproviders:\n  ncp:\n    type: ncloud\n    region: KR\n    endpoint: %s\n\nservers:\n", fleetName, w.sim.URL)
	line := fmt.Sprintf("{ provider: ncp, image: %s, type: %s, network: { vpc: %q, subnet: %q, security_groups: [%q] } }",
		w.envValue("FLEET_SIM_NCP_IMAGE"), w.envValue("FLEET_SIM_NCP_SPEC"),
		w.envValue("FLEET_SIM_NCP_VPC"), w.envValue("FLEET_SIM_NCP_SUBNET"), w.envValue("FLEET_SIM_NCP_ACG"))
	for g := range groups {
		for k := 1; k <= size; k++ {
			fmt.Fprintf(&sb, "  tier%d-%d: %s\n", g, k, line)
		}
	}
	return sb.String()
}
