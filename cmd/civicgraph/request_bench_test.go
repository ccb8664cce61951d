package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
)

// requestQueries are four queries of the bench's mix (bench/queries.go),
// asked of the imported showroom: a by-key read with its place, a city
// three hops deep, a similar list, and a depth-2 neighbourhood of up to
// 100 nodes (the mix's largest answer).
var requestQueries = []struct{ name, query, keyOf string }{
	{"lookup", `query($id: ID!) { initiative(id: $id) { key title summary city { city { name countryCode } } country { country { code name } } } }`,
		`MATCH (i:Initiative) WHERE EXISTS { (i)-[:IN_CITY]->() } RETURN i.key AS id ORDER BY id LIMIT 1`},
	{"nesting", `query($id: ID!) { city(id: $id) { name country { name } initiatives(first: 10) { edges { node { key title themes { theme { slug name } } } } } } }`,
		`MATCH (c:City)<-[:IN_CITY]-(i:Initiative) RETURN c.id AS id, count(i) AS n ORDER BY n DESC, id LIMIT 1`},
	{"similar", `query($id: ID!) { similarInitiatives(id: $id, first: 5, differentCity: false) { initiative { key title } score sharedThemes { slug } } }`,
		`MATCH (i:Initiative)-[:SIMILAR]->() RETURN i.key AS id ORDER BY id LIMIT 1`},
	{"neighbourhood", `query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 100) { truncated nodes { id kind label } edges { source target type } } }`,
		`MATCH (i:Initiative)-[:SIMILAR]->() RETURN 'initiative/' + i.key AS id ORDER BY id LIMIT 1`},
}

// BenchmarkRequest measures one GraphQL request end to end through the
// handler serve runs (newHandler: HTTP, gqlgen, planner, driver, decoding)
// against the real Neo4j holding the imported showroom, one request at a
// time. Besides ns/op (latency, Neo4j included) it reports server-cpu-ms:
// the CPU this process (user + system, all goroutines: the handler, the
// driver, the GC) spent per request, which is what the bench's "server CPU
// per request" column measures from /proc. Neo4j runs in its own process,
// so its CPU is not in that figure. Profile with
//
//	go test -run '^$' -bench 'BenchmarkRequest/lookup' -cpuprofile cpu.out ./cmd/civicgraph
func BenchmarkRequest(b *testing.B) {
	db := importedDB(b)
	// The collector as serve sets it, restored afterwards for the other
	// benchmarks of this process.
	prevGC, prevLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(prevGC); debug.SetMemoryLimit(prevLimit) }()
	tuneGC()
	cfg := config.Defaults()
	h := newHandler(cfg.Server, db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	for _, q := range requestQueries {
		b.Run(q.name, func(b *testing.B) {
			rows := rawQuery(b, q.keyOf, nil)
			if len(rows) == 0 {
				b.Fatalf("no %s argument in the imported showroom", q.name)
			}
			body, err := json.Marshal(map[string]any{"query": q.query, "variables": map[string]any{"id": rows[0][0]}})
			if err != nil {
				b.Fatal(err)
			}
			ask := func() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
			// Neo4j plans a statement the first time it sees it; that is
			// not a per-request cost.
			for range 20 {
				ask()
			}
			b.ReportAllocs()
			before := processCPU(b)
			b.ResetTimer()
			for b.Loop() {
				ask()
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU(b)-before)/float64(time.Millisecond)/float64(b.N), "server-cpu-ms/op")
		})
	}
}

// processCPU is the user + system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
