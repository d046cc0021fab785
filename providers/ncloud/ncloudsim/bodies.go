package ncloudsim

import (
	"slices"
	"sync"
)

// answerBuffers keeps the buffers answers are written into between calls.
// A page of 1,000 servers is megabytes: a new buffer for each, grown by
// doubling, cost more CPU than writing the answer, and a sync.Pool gives
// its buffers up at every collection, which big lists cause. Up to
// keptBuffers stay (a client fetches several pages of several lists at
// once), none over keptBufferCap, and each call's buffer is grown at once
// to the size its operation last answered.
type answerBuffers struct {
	free chan []byte
	mu   sync.Mutex
	last map[string]int // operation → length of its last answer
}

const (
	keptBuffers   = 12
	keptBufferCap = 8 << 20
)

var bodies = answerBuffers{free: make(chan []byte, keptBuffers), last: map[string]int{}}

// get returns an empty buffer with room for op's usual answer.
func (a *answerBuffers) get(op string) []byte {
	var b []byte
	select {
	case b = <-a.free:
	default:
	}
	a.mu.Lock()
	n := a.last[op]
	a.mu.Unlock()
	return slices.Grow(b[:0], n)
}

// put records op's answer length and keeps the buffer for another call.
func (a *answerBuffers) put(op string, b []byte) {
	a.mu.Lock()
	a.last[op] = len(b)
	a.mu.Unlock()
	if cap(b) > keptBufferCap {
		return
	}
	select {
	case a.free <- b:
	default:
	}
}
