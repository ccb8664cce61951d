package neo4jdb

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestInParallel: every batch is done exactly once, on at most n
// goroutines at a time; the first error is returned and no batch is
// asked for after it; a cancelled context stops the run with its error.
func TestInParallel(t *testing.T) {
	seq := func(n int, asked *atomic.Int64) func(func(int) bool) {
		return func(yield func(int) bool) {
			for i := range n {
				asked.Add(1)
				if !yield(i) {
					return
				}
			}
		}
	}

	var asked, running, most atomic.Int64
	var mu sync.Mutex
	var done []int
	err := inParallel(context.Background(), 3, seq(50, &asked), func(_ context.Context, b int) error {
		now := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		mu.Lock()
		done = append(done, b)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(done)
	want := make([]int, 50)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(done, want) {
		t.Errorf("batches done: %v, want 0..49 once each", done)
	}
	if most.Load() > 3 {
		t.Errorf("%d batches ran at once, want at most 3", most.Load())
	}

	boom := errors.New("batch 4 failed")
	asked.Store(0)
	err = inParallel(context.Background(), 2, seq(1000, &asked), func(_ context.Context, b int) error {
		if b == 4 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the failing batch's", err)
	}
	if n := asked.Load(); n > 10 {
		t.Errorf("%d batches asked for after a failure at batch 4, want the run to stop", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	asked.Store(0)
	err = inParallel(ctx, 2, seq(1000, &asked), func(context.Context, int) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}
	if n := asked.Load(); n > 1 {
		t.Errorf("%d batches asked for under a cancelled context", n)
	}
}
