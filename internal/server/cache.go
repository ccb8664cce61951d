package server

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// boundedCache is a least-recently-used cache bounded by the bytes of its
// keys and values as text (a parsed document takes roughly 20 times its
// text on the heap, so the budget is set with that in mind). Entries over
// maxEntry bytes are never kept, nor more than maxCount entries.
//
// Add does not store at once: it parks the entry in the request's context
// (see withPending) and commit stores it once every check of the request
// has passed, so a document refused for depth, complexity or any other
// limit never takes cache space. Without a pending slot in the context
// Add stores directly.
type boundedCache[T any] struct {
	size     func(key string, v T) int
	maxBytes int
	maxEntry int
	maxCount int
	slot     *int // identifies this cache's pending entry in a context

	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
	bytes int
}

type cacheEntry[T any] struct {
	key   string
	value T
	size  int
}

func newBoundedCache[T any](maxBytes, maxEntry, maxCount int, size func(string, T) int) *boundedCache[T] {
	return &boundedCache[T]{size: size, maxBytes: maxBytes, maxEntry: maxEntry, maxCount: max(maxCount, 1), slot: new(int), ll: list.New(), items: map[string]*list.Element{}}
}

var _ graphql.Cache[string] = (*boundedCache[string])(nil)

// Get implements graphql.Cache.
func (c *boundedCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry[T]).value, true
	}
	var zero T
	return zero, false
}

// Contains reports whether key is cached, without touching its recency.
func (c *boundedCache[T]) Contains(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[key]
	return ok
}

// Add implements graphql.Cache.
func (c *boundedCache[T]) Add(ctx context.Context, key string, v T) {
	if p, ok := ctx.Value(pendingKey{}).(*pending); ok {
		p.mu.Lock()
		p.commits[c.slot] = func() { c.store(key, v) }
		p.mu.Unlock()
		return
	}
	c.store(key, v)
}

func (c *boundedCache[T]) store(key string, v T) {
	n := c.size(key, v)
	if n > c.maxEntry || n > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry[T]{key: key, value: v, size: n})
	c.bytes += n
	for c.bytes > c.maxBytes || c.ll.Len() > c.maxCount {
		old := c.ll.Back()
		e := old.Value.(*cacheEntry[T])
		c.ll.Remove(old)
		delete(c.items, e.key)
		c.bytes -= e.size
	}
}

// Len returns the number of entries and their bytes.
func (c *boundedCache[T]) Len() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes
}

type pendingKey struct{}

// pending holds the cache additions of one request until it passes every
// check.
type pending struct {
	mu      sync.Mutex
	commits map[*int]func()
}

func withPending(ctx context.Context) context.Context {
	return context.WithValue(ctx, pendingKey{}, &pending{commits: map[*int]func(){}})
}

// commitPending stores the request's parked cache additions.
func commitPending(ctx context.Context) {
	p, ok := ctx.Value(pendingKey{}).(*pending)
	if !ok {
		return
	}
	p.mu.Lock()
	fns := p.commits
	p.commits = map[*int]func(){}
	p.mu.Unlock()
	for _, f := range fns {
		f()
	}
}
