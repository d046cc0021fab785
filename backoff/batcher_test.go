package backoff

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBatcherMergesRequestsMadeTogether(t *testing.T) {
	tests := map[string]struct {
		requests, max int
		wantCalls     int32
	}{
		"one alone":                 {1, 100, 1},
		"300 at once, 100 per call": {300, 100, 3},
		"250 at once, 100 per call": {250, 100, 3},
		"7 at once, 1 per call":     {7, 1, 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			b := NewBatcher(20*time.Millisecond, tc.max, func(_ context.Context, keys []int) (map[int]string, error) {
				calls.Add(1)
				if len(keys) > tc.max {
					t.Errorf("a call of %d keys, want at most %d", len(keys), tc.max)
				}
				out := map[int]string{}
				for _, k := range keys {
					if k%10 != 9 { // every tenth key is not in the answer
						out[k] = fmt.Sprint("v", k)
					}
				}
				return out, nil
			})
			var wg sync.WaitGroup
			for i := range tc.requests {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, ok, err := b.Do(context.Background(), i)
					if err != nil || ok != (i%10 != 9) || ok && res != fmt.Sprint("v", i) {
						t.Errorf("Do(%d) = %q, %v, %v", i, res, ok, err)
					}
				}()
			}
			wg.Wait()
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("%d calls for %d requests, want %d", got, tc.requests, tc.wantCalls)
			}
		})
	}
}

func TestBatcherFailsTheWholeCallAndOutlivesACaller(t *testing.T) {
	boom := errors.New("503")
	release := make(chan struct{})
	b := NewBatcher(10*time.Millisecond, 10, func(ctx context.Context, keys []string) (map[string]int, error) {
		<-release
		if ctx.Err() != nil {
			t.Error("the call was cancelled with its first caller")
		}
		return nil, boom
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, _, err := b.Do(ctx, "a"); first <- err }()
	second := make(chan error, 1)
	go func() { _, _, err := b.Do(context.Background(), "b"); second <- err }()
	time.Sleep(30 * time.Millisecond)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that left got %v, want context.Canceled", err)
	}
	close(release)
	if err := <-second; !errors.Is(err, boom) {
		t.Errorf("the caller that stayed got %v, want the call's error", err)
	}
}
