package domain

import (
	"context"
	"sync"
)

// Causal consistency tokens (Neo4j bookmarks) travel with a request: the
// ones a client sent back, which its reads must wait for, and the ones
// its writes left, for the response. The HTTP layer sets them up
// (internal/server, the Civicgraph-Bookmark header); the store reads and
// records them (internal/neo4jdb).

type bookmarkKey struct{}

type bookmarks struct {
	in  []string
	mu  sync.Mutex
	out []string
}

// WithBookmarks returns a context whose reads wait for in, and a function
// returning the bookmarks the request's writes recorded.
func WithBookmarks(ctx context.Context, in []string) (context.Context, func() []string) {
	b := &bookmarks{in: in}
	return context.WithValue(ctx, bookmarkKey{}, b), func() []string {
		b.mu.Lock()
		defer b.mu.Unlock()
		return append([]string(nil), b.out...)
	}
}

// BookmarksIn are the bookmarks the request's reads must wait for.
func BookmarksIn(ctx context.Context) []string {
	if b, ok := ctx.Value(bookmarkKey{}).(*bookmarks); ok {
		return b.in
	}
	return nil
}

// RecordBookmarks keeps the bookmarks a committed write left (the last
// write's replace earlier ones: they include them).
func RecordBookmarks(ctx context.Context, bms []string) {
	if b, ok := ctx.Value(bookmarkKey{}).(*bookmarks); ok && len(bms) > 0 {
		b.mu.Lock()
		b.out = append([]string(nil), bms...)
		b.mu.Unlock()
	}
}
