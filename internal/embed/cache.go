package embed

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Key is the content hash a vector is cached under: SHA-256 of the model
// name and the exact text, so a changed text or another model misses.
type Key [32]byte

// KeyOf hashes a passage for a model.
func KeyOf(model, text string) Key {
	h := sha256.New()
	io.WriteString(h, model)
	h.Write([]byte{0})
	io.WriteString(h, text)
	var k Key
	h.Sum(k[:0])
	return k
}

// String is the key in hex, as stored on initiatives (embeddingHash).
func (k Key) String() string { return fmt.Sprintf("%x", k[:]) }

// Cache keeps passage vectors by content hash in memory and, when it has
// a file, on disk: an append-only file of (key, dim float32s) records, so
// a re-import of unchanged pages embeds nothing, also after a wipe of the
// database. The file is only ever appended to; a torn last record (a
// killed run) is ignored when read. It is the importer's cache, never the
// API server's, so API servers stay stateless.
type Cache struct {
	mu   sync.Mutex
	dim  int
	path string
	m    map[Key][]float32
}

// Stats says what one Embed call did.
type Stats struct {
	Texts, Cached, Embedded int
	Took                    time.Duration
}

// OpenCache reads the cache file at path (created when missing; "" keeps
// the cache in memory only) for vectors of dim floats.
func OpenCache(path string, dim int) (*Cache, error) {
	c := &Cache{dim: dim, path: path, m: map[Key][]float32{}}
	if path == "" {
		return c, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("embed cache: lock %s: %w", path, err)
	}
	rec := make([]byte, 32+4*dim)
	// A killed run may have left a torn last record: cut it off, so
	// later appends stay aligned.
	if info, err := f.Stat(); err == nil && info.Size()%int64(len(rec)) != 0 {
		if err := f.Truncate(info.Size() - info.Size()%int64(len(rec))); err != nil {
			return nil, fmt.Errorf("embed cache %s: cut torn record: %w", path, err)
		}
	}
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		if _, err := io.ReadFull(r, rec); err != nil {
			break // EOF, or a torn last record
		}
		var k Key
		copy(k[:], rec[:32])
		v := make([]float32, dim)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(rec[32+4*i:]))
		}
		c.m[k] = v
	}
	return c, nil
}

// DefaultCachePath is the importer's vector cache for a model directory.
func DefaultCachePath(modelDir string) string {
	return filepath.Join(modelDir, "..", "vectors-"+filepath.Base(modelDir)+".bin")
}

// Len is the number of cached vectors.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Embed returns a vector per text, embedding only the texts not cached,
// and appends the new ones to the file.
func (c *Cache) Embed(ctx context.Context, e Embedder, texts []string) ([][]float32, Stats, error) {
	start := time.Now()
	st := Stats{Texts: len(texts)}
	out := make([][]float32, len(texts))
	keys := make([]Key, len(texts))
	var missIdx []int
	var missText []string
	seen := map[Key]int{}
	c.mu.Lock()
	for i, t := range texts {
		keys[i] = KeyOf(e.Model(), t)
		if v, ok := c.m[keys[i]]; ok {
			out[i] = v
			st.Cached++
			continue
		}
		if _, dup := seen[keys[i]]; dup {
			continue
		}
		seen[keys[i]] = i
		missIdx = append(missIdx, i)
		missText = append(missText, t)
	}
	c.mu.Unlock()
	if len(missText) > 0 {
		vs, err := e.Passages(ctx, missText)
		if err != nil {
			return nil, st, err
		}
		st.Embedded = len(vs)
		if err := c.add(keys, missIdx, vs); err != nil {
			return nil, st, err
		}
		for j, i := range missIdx {
			out[i] = vs[j]
		}
	}
	for i := range out { // texts repeated within this call
		if out[i] == nil {
			out[i] = out[seen[keys[i]]]
		}
	}
	st.Took = time.Since(start)
	return out, st, nil
}

func (c *Cache) add(keys []Key, idx []int, vs [][]float32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for j, i := range idx {
		c.m[keys[i]] = vs[j]
	}
	if c.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	size := 32 + 4*c.dim
	buf := make([]byte, 0, len(idx)*size)
	for j, i := range idx {
		if len(vs[j]) != c.dim {
			return fmt.Errorf("embed cache: vector of %d floats, want %d", len(vs[j]), c.dim)
		}
		buf = append(buf, keys[i][:]...)
		for _, x := range vs[j] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	}
	// Whole records under an exclusive lock: two imports (or test
	// processes) appending at once never interleave inside a record.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("embed cache: lock %s: %w", c.path, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if _, err := f.Write(buf); err != nil {
		return err
	}
	return f.Close()
}

// Lookup returns the cached vector under a key's hex form (as stored on
// initiatives), or nil.
func (c *Cache) Lookup(hexKey string) []float32 {
	var k Key
	if len(hexKey) != 64 {
		return nil
	}
	for i := range k {
		var b byte
		for _, ch := range hexKey[2*i : 2*i+2] {
			switch {
			case ch >= '0' && ch <= '9':
				b = b<<4 | byte(ch-'0')
			case ch >= 'a' && ch <= 'f':
				b = b<<4 | byte(ch-'a'+10)
			default:
				return nil
			}
		}
		k[i] = b
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// EmbedQueries is Embed for texts embedded as queries ("query:"), cached
// under their own keys (a query and a passage of the same text differ).
func (c *Cache) EmbedQueries(ctx context.Context, e Embedder, texts []string) ([][]float32, Stats, error) {
	return c.Embed(ctx, queriesAsPassages{e}, texts)
}

// queriesAsPassages embeds "passages" as queries, under another model name.
type queriesAsPassages struct{ Embedder }

func (q queriesAsPassages) Model() string { return q.Embedder.Model() + "|query" }
func (q queriesAsPassages) Passages(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, err := q.Embedder.Query(ctx, t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Get returns the cached vector of a text for a model, or nil.
func (c *Cache) Get(model, text string) []float32 {
	k := KeyOf(model, text)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// WithQueryCache is e with its queries answered through c (on disk), for
// fixed query sets embedded at every import (theme prototypes, hubness
// probes).
func WithQueryCache(e Embedder, c *Cache) Embedder { return cachedQueries{e, c} }

type cachedQueries struct {
	Embedder
	c *Cache
}

func (q cachedQueries) Query(ctx context.Context, text string) ([]float32, error) {
	vs, _, err := q.c.EmbedQueries(ctx, q.Embedder, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}
