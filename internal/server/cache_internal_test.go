package server

import (
	"context"
	"strings"
	"testing"
)

func TestBoundedCacheBytesAndPending(t *testing.T) {
	c := newBoundedCache(100, 40, 10, func(k, v string) int { return len(k) + len(v) })
	ctx := context.Background()
	c.Add(ctx, "a", strings.Repeat("x", 29)) // 30 bytes
	c.Add(ctx, "b", strings.Repeat("x", 29))
	c.Add(ctx, "c", strings.Repeat("x", 29))
	c.Add(ctx, "big", strings.Repeat("x", 50)) // over maxEntry: never kept
	if n, b := c.Len(); n != 3 || b != 90 {
		t.Fatalf("entries %d bytes %d, want 3, 90", n, b)
	}
	c.Get(ctx, "a") // a is now the most recent
	c.Add(ctx, "d", strings.Repeat("x", 29))
	if c.Contains("b") || !c.Contains("a") || !c.Contains("d") {
		t.Errorf("LRU eviction by bytes: b evicted? %v a kept? %v", !c.Contains("b"), c.Contains("a"))
	}

	// In a request, Add waits for commitPending: a request refused
	// after parsing leaves nothing behind.
	rctx := withPending(ctx)
	c.Add(rctx, "e", "x")
	if c.Contains("e") {
		t.Fatal("stored before the request passed its checks")
	}
	commitPending(rctx)
	if !c.Contains("e") {
		t.Fatal("not stored after commit")
	}
	refused := withPending(ctx)
	c.Add(refused, "f", "x")
	if c.Contains("f") {
		t.Fatal("refused request's document cached")
	}
}
