package enrich

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// inChunks cuts n items into runs of chunk and calls do for each run
// [lo, hi) on GOMAXPROCS workers, each taking the next run when it is
// done with one; c is the run's number and w the worker's (0 ≤ w <
// GOMAXPROCS), for state a worker keeps across its runs. It returns when
// every run is done. Callers that keep results per run, in run order, get
// the result of one pass in item order.
func inChunks(n, chunk int, do func(w, c, lo, hi int)) {
	runs := (n + chunk - 1) / chunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(runtime.GOMAXPROCS(0), runs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := int(next.Add(1) - 1); c < runs; c = int(next.Add(1) - 1) {
				do(w, c, c*chunk, min((c+1)*chunk, n))
			}
		}()
	}
	wg.Wait()
}
