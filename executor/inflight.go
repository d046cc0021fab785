package executor

import "sync/atomic"

// InFlight counts the provider calls being made right now, for a caller
// that reports it while the apply runs (the CLI's answer to an interrupt).
// Waits are not calls. A nil *InFlight counts nothing.
type InFlight struct{ n atomic.Int64 }

// Calls is the number of provider calls in flight.
func (f *InFlight) Calls() int {
	if f == nil {
		return 0
	}
	return int(f.n.Load())
}

func (f *InFlight) add(d int64) {
	if f != nil {
		f.n.Add(d)
	}
}
