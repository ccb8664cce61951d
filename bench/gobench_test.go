package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goTestOutput is go test -bench output in the shape the Makefile writes:
// the embedding benchmarks twice, after an engine-threads line each, and
// other lines (PASS, ok, log output) that are not results.
const goTestOutput = `engine-threads: all
goos: linux
goarch: amd64
pkg: github.com/civicgraph/civicgraph/internal/embed
cpu: Test CPU
BenchmarkE5Passages-2   	      10	 200000000 ns/op	        32.00 texts/s
BenchmarkE5Query-2      	     100	  25000000 ns/op
PASS
ok  	github.com/civicgraph/civicgraph/internal/embed	5.1s
pkg: github.com/civicgraph/civicgraph/internal/similarity
BenchmarkCompute1k-2            	      20	  50000000 ns/op	 1000 B/op	 10 allocs/op
BenchmarkComputeSemantic1k-2    	       4	 260000000 ns/op	         0.2600 ms/initiative
engine-threads: 1
pkg: github.com/civicgraph/civicgraph/internal/embed
BenchmarkE5Passages-2   	      10	 400000000 ns/op	        16.00 texts/s
BenchmarkE5Query-2      	     100	  18000000 ns/op
engine-threads: all
pkg: github.com/civicgraph/civicgraph/cmd/civicgraph
some log line the benchmark printed
BenchmarkSearch/words-2           	  1000	   3800000 ns/op	         3.500 p50-ms
BenchmarkSearch/hybrid-cached-2   	  1000	   5600000 ns/op	         5.000 p50-ms
BenchmarkSearch/hybrid-uncached-2 	   100	  21000000 ns/op	        20.500 p50-ms
BenchmarkSearch/words-distinct-2  	  1000	   4000000 ns/op	         3.900 p50-ms
BenchmarkRequest/lookup-2         	  2000	   1200000 ns/op	         0.5770 server-cpu-ms/op	  50000 B/op	  420 allocs/op
`

func TestGoBenchParsedAndRendered(t *testing.T) {
	gb, err := parseGoBench(strings.NewReader(goTestOutput), "bench-go.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(gb) != 11 {
		t.Fatalf("%d results, want 11: %+v", len(gb), gb)
	}
	for _, c := range []struct {
		name, threads, unit string
		want                float64
	}{
		{"BenchmarkE5Passages", "all", "texts/s", 32},
		{"BenchmarkE5Passages", "1", "texts/s", 16},
		{"BenchmarkE5Query", "1", "ns/op", 18e6},
		{"BenchmarkSearch/hybrid-uncached", "all", "p50-ms", 20.5},
		{"BenchmarkRequest/lookup", "all", "server-cpu-ms/op", 0.577},
	} {
		if v, ok := goBenchValue(gb, c.name, c.threads, c.unit); !ok || v != c.want {
			t.Errorf("%s (threads %q) %s = %v, %v; want %v", c.name, c.threads, c.unit, v, ok, c.want)
		}
	}
	// The engine-threads line stays in force until the next one.
	if _, ok := goBenchValue(gb, "BenchmarkE5Query", "1", "ns/op"); !ok {
		t.Error("no one-thread E5Query result")
	}
	if _, ok := goBenchValue(gb, "BenchmarkSearch/words", "1", "p50-ms"); ok {
		t.Error("a result after `engine-threads: all` was read as run on one thread")
	}
	if _, ok := goBenchValue(gb, "BenchmarkE5Query", "2", "ns/op"); ok {
		t.Error("a value for engine threads nobody wrote")
	}
}

func TestMeaningSection(t *testing.T) {
	gb, err := parseGoBench(strings.NewReader(goTestOutput), "bench-go.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	WriteMeaning(&b, gb, []GoBenchFile{{Path: "bench-go.txt", Results: len(gb)}}, []SizeResult{{Size: 1000, EmbedTexts: 3200}})
	md := b.String()
	wantAll(t, "meaning section", md, []string{
		"| all cores (the import, and `serve` by default) | 32.0 | 25.0 |",
		"| 1 (`OMP_NUM_THREADS=1`) | 16.0 | 18.0 |",
		"| 1000 | 3200 | 1m40s | 0 embedded |", // 3,200 texts at 32 texts/s
		"| 1000 | 0.260 | 0.050 |",
		"| hybrid, repeated queries (vector cached) | 5.00 | 5.60 | +1.5 ms |",
		"| hybrid, every query new (embedded) | 20.5 | 21.0 | +16.6 ms |",
		"adds ≤ 15 ms p50 to a search: +16.6 ms for a new query, **missed by 1.6 ms**",
		"| lookup | 1.20 | 0.577 | 420 |",
	})
	if strings.Contains(md, "not on all cores as `serve` runs it") {
		t.Errorf("searches run on all cores reported otherwise:\n%s", md)
	}
	// Searches run on one thread are said to be.
	one := strings.Replace(goTestOutput, "engine-threads: all\npkg: github.com/civicgraph/civicgraph/cmd/civicgraph", "engine-threads: 1\npkg: github.com/civicgraph/civicgraph/cmd/civicgraph", 1)
	gb1, err := parseGoBench(strings.NewReader(one), "bench-go.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b1 bytes.Buffer
	WriteMeaning(&b1, gb1, nil, nil)
	if !strings.Contains(b1.String(), "had the engine on \"1\" threads, not on all cores") {
		t.Errorf("searches run on one thread not reported:\n%s", b1.String())
	}
	var none bytes.Buffer
	WriteMeaning(&none, nil, nil, nil)
	if !strings.Contains(none.String(), "Not measured in this run") {
		t.Errorf("without results: %s", none.String())
	}
}

func TestReadGoBenchRefusesMissingOrEmpty(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("PASS\nok  \tx\t0.1s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.txt"), empty} {
		if _, _, err := readGoBench([]string{p}); err == nil {
			t.Errorf("readGoBench(%s) gave no error", p)
		}
	}
}

func TestEmbeddingTexts(t *testing.T) {
	p := filepath.Join(t.TempDir(), "gen.jsonl")
	// Two records with the same summary of two sentences: two passages
	// (the titles differ), one description and two sentences shared.
	lines := `{"title":"Alpha","summary":"The town plants trees along the river. Volunteers water them every week."}
{"title":"Beta","summary":"The town plants trees along the river. Volunteers water them every week."}
`
	if err := os.WriteFile(p, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := embeddingTexts(p)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("embeddingTexts = %d, want 5 (2 passages, 1 description, 2 sentences)", n)
	}
}
