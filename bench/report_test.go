package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cannedReport is a run as the harness records it, without a database.
func cannedReport() *Report {
	st := func(rps, p50 float64) Stat {
		return Stat{Requests: int(rps * 10), RPS: rps, P50: p50, P95: p50 * 2, P99: p50 * 3, CPUSec: 1.5, RSSMB: 40, DBCPUSec: 9}
	}
	q := func(name string, o, p, f float64) QueryResult {
		return QueryResult{Name: name, Desc: name, Ours: st(o, 1000/o), Peer: st(p, 1000/p), Floor: st(f, 1000/f), Equal: true}
	}
	size := SizeResult{
		Size:   1000,
		Import: ImportResult{Total: 7400 * time.Millisecond, Write: 3500 * time.Millisecond, Similarity: 1500 * time.Millisecond, SimilarLinks: 13421},
		Queries: []QueryResult{
			q("lookup", 600, 200, 900),
			{Name: "search", Ours: st(100, 10), Peer: st(50, 20), Floor: st(200, 5), Mismatch: "variant 0: ours [1] vs peer [2]"},
		},
		Mix: q("mix", 300, 100, 600),
	}
	return &Report{Started: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), Machine: []string{"2 cores"},
		Versions: []string{"Neo4j/5.26.30"}, Commands: []string{"make bench"}, Concurrency: 8,
		Warmup: 2 * time.Second, Duration: 10 * time.Second, Sizes: []SizeResult{size}}
}

func TestReportTables(t *testing.T) {
	var b bytes.Buffer
	cannedReport().WriteMarkdown(&b)
	md := b.String()
	wantAll(t, "report", md, []string{
		"### Scale",
		"| 1000 | 7.4 s | 3.5 s | 1.5 s | 13421 | 1500 | 300 | 100 | 600 | 3.00× | 0.50× | – | – |",
		"### 1000 initiatives",
		"| lookup | 600 | 200 | 900 | 1.67 / 5.00 | 5.00 / 15.0 | 1.11 / 3.33 | 3.00× | 0.67× | 1.50× | – | yes | 0 |",
		"| search | 100 | 50 | 200 |",
		"| **no** |",
		"- `search`: variant 0: ours [1] vs peer [2]",
		"| **mix** (all above, round robin) | 300 | 100 | 600 |",
		"make bench",
		"### Aims",
		"| every query ≥ 0.80× the floor's req/s (worst) | **0.50× (search) missed** | **missed** at 1 of 1 sizes |",
		"| mix ≥ 0.85× the floor's req/s | **0.50× missed** |",
		"| every query's p50 ≤ 1.25× the floor's (worst) | **2.00× (search) missed** |",
		"| never slower than the peer: every query ≥ 1.00× its req/s (worst) | 2.00× (search) met | met |",
		"| mix vs the peer ≥ 1.8× at 1k, 4× at 10k, 15× at 100k | 3.00×, aim 1.8× met | met |",
		"| 1 Cypher round trip per request, every query (most) | measured on 0 of 2 | not measured |",
		"| answers equal on all three sides, every query | **no missed** |",
		"| import < 10 s at 10k, < 60 s at 100k | no aim | not measured |",
		"| 1000 | 3.00 | 1.50 | 1.50 | 0.50 | 0.25 | 3.50 | 1.75 |",
	})
}

// wantAll fails t for each of wants that the markdown md (named what)
// does not contain.
func wantAll(t *testing.T, what, md string, wants []string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(md, want) {
			t.Errorf("%s lacks %q; got:\n%s", what, want, md)
		}
	}
}

func TestUpdateMarkdownKeepsNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte("# Benchmarks\n\nnotes before\n\n"+beginMark+"\nold\n"+endMark+"\n\nnotes after\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateMarkdown(path, "new tables\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	if !strings.Contains(got, "notes before") || !strings.Contains(got, "notes after") || !strings.Contains(got, "new tables") || strings.Contains(got, "old") {
		t.Fatalf("markers not respected:\n%s", got)
	}
}

func TestCanonicalFormsAgree(t *testing.T) {
	// The same answer as civicgraph and as @neo4j/graphql shape it.
	ours := map[string]any{"initiative": map[string]any{"key": "k", "title": "T", "summary": "S",
		"city":    map[string]any{"city": map[string]any{"name": "Berlin", "countryCode": "DE"}},
		"country": map[string]any{"country": map[string]any{"code": "DE", "name": "Germany"}}}}
	peer := map[string]any{"initiatives": []any{map[string]any{"key": "k", "title": "T", "summary": "S",
		"city":    []any{map[string]any{"name": "Berlin", "countryCode": "DE"}},
		"country": []any{map[string]any{"code": "DE", "name": "Germany"}}}}}
	if a, b := canon(mix[0].NormOurs(ours)), canon(mix[0].NormPeer(peer)); a != b {
		t.Fatalf("lookup canonical forms differ: %s vs %s", a, b)
	}
	if round(0.123456789) != round(float64(float32(0.123456789))) {
		t.Fatal("round does not absorb float32 precision")
	}
}

func TestParseImportSummary(t *testing.T) {
	out := []byte(`time=2026-11-23T13:19:17Z level=WARN msg="slow" err="neo4j: timeout in tx"
civicgraph import summary
  neo4j:                100000 created, 0 updated, 0 unchanged in 59.588s; 0 orphan cities/years removed
  similarity:           1323259 links in 1m38.819s
  total time:           2m48.605s
`)
	r := parseImportSummary(out)
	if r.Write != 59588*time.Millisecond || r.Similarity != 98819*time.Millisecond || r.SimilarLinks != 1323259 {
		t.Fatalf("parsed %+v", r)
	}
}
