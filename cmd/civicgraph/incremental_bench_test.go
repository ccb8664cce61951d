package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// BenchmarkCurationRefresh measures one curation mutation (linkTheme or
// unlinkTheme, alternately, through neo4jdb: the write and the similarity
// refresh it runs before it returns) on a generated graph of
// CIVICGRAPH_BENCH_SIZE initiatives (default 10,000; civicgraph gen,
// imported with --no-model, so lexical scores and no vector candidates,
// unless the test database already holds that many initiatives and the
// similarity statistics). Sub-benchmarks:
//
//   - incremental: the refresh of this branch (stored statistics,
//     candidates from indexes, neighbours' lists patched in place or
//     marked for the sweeper) — what the mutation's caller waits for;
//   - incremental+sweep: the same plus the sweeper's rounds until no
//     initiative is left marked — all the work one edit causes
//     (neighbours/op: how many were left to the sweeper);
//   - full-read: the same mutation with the stored statistics hidden, so
//     the refresh falls back to RefreshSimilarity of the edited key, the
//     code path of main before this change (every initiative read and
//     indexed).
//
// It is a benchmark, not a test: run with -run '^$' -bench CurationRefresh.
func BenchmarkCurationRefresh(b *testing.B) {
	size := 10_000
	if s := os.Getenv("CIVICGRAPH_BENCH_SIZE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("CIVICGRAPH_BENCH_SIZE=%q", s)
		}
		size = n
	}
	db := dbtest.Shared(b)
	ctx := context.Background()
	count := func() (int64, bool) {
		r := rawQuery(b, `MATCH (i:Initiative) WITH count(i) AS n OPTIONAL MATCH (m:Meta {key: 'similarity'}) RETURN n, m IS NOT NULL`, nil)
		return r[0][0].(int64), r[0][1].(bool)
	}
	if n, stats := count(); n != int64(size) || !stats {
		b.Logf("importing %d generated initiatives (--no-model)", size)
		path := fmt.Sprintf("%s/g%d.jsonl", b.TempDir(), size)
		if err := runGen(ctx, []string{"--size", fmt.Sprint(size), "--out", path}, discard{}, discard{}); err != nil {
			b.Fatal(err)
		}
		if err := runImport(ctx, append(importArgs(), "--wipe", "--no-model", path), discard{}, discard{}); err != nil {
			b.Fatal(err)
		}
	}
	rows := rawQuery(b, `MATCH (i:Initiative) WHERE NOT (i)-[:HAS_THEME]->(:Theme {slug: 'culture'}) AND EXISTS { (i)-[:HAS_THEME]->() }
RETURN i.key ORDER BY i.key SKIP 100 LIMIT 20`, nil)
	if len(rows) < 20 {
		b.Fatalf("only %d initiatives to edit", len(rows))
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r[0].(string)
	}
	// Through the curation service, as a mutation runs: the write and
	// then the incremental refresh.
	cur := curation.New(db, nil, nil)
	mutate1 := func(b *testing.B, i int) {
		k := keys[(i/2)%len(keys)]
		var err error
		if i%2 == 0 {
			err = cur.LinkTheme(ctx, k, "culture")
		} else {
			err = cur.UnlinkTheme(ctx, k, "culture")
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	mutate := func(b *testing.B) {
		for i := range b.N {
			mutate1(b, i)
		}
		if b.N%2 == 1 {
			if err := cur.UnlinkTheme(ctx, keys[(b.N/2)%len(keys)], "culture"); err != nil {
				b.Fatal(err)
			}
		}
	}
	marked := func() int64 {
		return rawQuery(b, `MATCH (i:Initiative) WHERE i.similarStale IS NOT NULL OR i.similarLinksStale IS NOT NULL RETURN count(i)`, nil)[0][0].(int64)
	}
	sweep := func(b *testing.B) {
		for marked() > 0 {
			if _, err := db.RefreshStale(ctx, 50); err != nil {
				b.Fatal(err)
			}
		}
	}
	sweep(b)
	b.Run("incremental", mutate)
	sweep(b)
	b.Run("incremental+sweep", func(b *testing.B) {
		var left int64
		for i := range b.N {
			mutate1(b, i)
			left += marked()
			sweep(b)
		}
		b.ReportMetric(float64(left)/float64(b.N), "neighbours/op")
	})
	b.Run("full-read", func(b *testing.B) {
		rawQuery(b, `MATCH (m:Meta {key: 'similarity'}) SET m.key = 'similarity-hidden'`, nil)
		defer rawQuery(b, `MATCH (m:Meta {key: 'similarity-hidden'}) SET m.key = 'similarity'`, nil)
		mutate(b)
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
