package ncloudsim

import (
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// processCPU is the process's user and system CPU time so far. On a busy
// machine it measures the simulator's cost where ns/op also counts the
// time other processes had the CPU; GC workers are included.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serveSigned serves one signed GET of op with query without a network.
// The body is counted, not kept, as a connection would take it, so the
// allocations reported are the simulator's own.
func serveSigned(tb testing.TB, s *Sim, op, query string) {
	w := &countingWriter{header: http.Header{}}
	s.ServeHTTP(w, signedGet(s, prefixVserver+op+"?"+query))
	if w.status != http.StatusOK || w.n == 0 {
		tb.Fatalf("%s: status %d, %d bytes", op, w.status, w.n)
	}
}

// countingWriter is a ResponseWriter that keeps the status and counts bytes.
type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header    { return w.header }
func (w *countingWriter) WriteHeader(status int) { w.status = status }
func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// planLists are the three big lists a no-change plan of an NCP fleet
// walks: one server, one volume and one NIC per server.
var planLists = []string{"getServerInstanceList", "getBlockStorageInstanceList", "getNetworkInterfaceList"}

// BenchmarkNCPListServers10000 serves what a no-change plan of 10,000 NCP
// servers asks of the simulator: each list in pages of 1,000, as the
// client pages (providers/ncloud pageSize). One op is one list's ten pages.
func BenchmarkNCPListServers10000(b *testing.B) {
	const n, size = 10000, 1000
	s := populate(b, n)
	for _, op := range planLists {
		b.Run(op, func(b *testing.B) {
			serveSigned(b, s, op, "responseFormatType=json&pageNo=1&pageSize=1") // settle transitions
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				for page := 1; page <= n/size; page++ {
					serveSigned(b, s, op, fmt.Sprintf("responseFormatType=json&pageNo=%d&pageSize=%d", page, size))
				}
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
