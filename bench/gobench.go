package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// The Go side of `make bench`: the output of `make bench-go` and `make
// bench-meaning` (go test -bench, read with x/perf's benchfmt) rendered as
// the report's meaning section, so that every run records the embedding
// model's cost beside the vegeta tables instead of leaving it on a
// terminal. The vegeta runs keep the model off on all three sides (the
// peer and the floor have no vectors, so answers could not be checked
// equal with it on); this section is where the semantic part is measured.

// GoBench is one Go benchmark result.
type GoBench struct {
	// Name is the full name without the GOMAXPROCS suffix
	// ("BenchmarkSearch/words").
	Name string
	// Threads is the file configuration "engine-threads" the Makefile
	// writes before each run of the embedding benchmarks ("" elsewhere).
	Threads string `json:",omitempty"`
	// Values by the unit go test printed ("ns/op", "p50-ms", "texts/s", …).
	Values map[string]float64
}

// GoBenchFile is one file of results and when it was written.
type GoBenchFile struct {
	Path     string
	Modified time.Time
	Results  int
}

// readGoBench reads go test -bench output files. A file that is missing or
// holds no result is an error: the Makefile writes them just before the
// harness runs, so either means the section would silently be empty.
func readGoBench(paths []string) ([]GoBench, []GoBenchFile, error) {
	var out []GoBench
	var files []GoBenchFile
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, fmt.Errorf("go benchmark results: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		rs, err := parseGoBench(f, p)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		if len(rs) == 0 {
			return nil, nil, fmt.Errorf("go benchmark results: no benchmark line in %s", p)
		}
		out = append(out, rs...)
		files = append(files, GoBenchFile{Path: p, Modified: st.ModTime().UTC(), Results: len(rs)})
	}
	return out, files, nil
}

// parseGoBench reads one go test -bench output; lines that are not
// results or configuration (PASS, ok, log output) are skipped by benchfmt.
func parseGoBench(r io.Reader, name string) ([]GoBench, error) {
	rd := benchfmt.NewReader(r, name)
	var out []GoBench
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata; syntax errors are lines go test did not write as results
		}
		base, parts := res.Name.Parts()
		full := string(base)
		for _, p := range parts {
			if !strings.HasPrefix(string(p), "-") { // the GOMAXPROCS suffix
				full += string(p)
			}
		}
		g := GoBench{Name: "Benchmark" + full, Threads: res.GetConfig("engine-threads"), Values: map[string]float64{}}
		for _, v := range res.Values {
			unit, val := v.Unit, v.Value
			if v.OrigUnit != "" {
				unit, val = v.OrigUnit, v.OrigValue
			}
			g.Values[unit] = val
		}
		out = append(out, g)
	}
	return out, rd.Err()
}

// goBenchValue returns the value of unit of the benchmark name (run with
// the given engine threads; "": any), and whether it was measured.
func goBenchValue(gb []GoBench, name, threads, unit string) (float64, bool) {
	for i := len(gb) - 1; i >= 0; i-- { // the last run of a name wins
		if gb[i].Name == name && (threads == "" || gb[i].Threads == threads) {
			v, ok := gb[i].Values[unit]
			return v, ok
		}
	}
	return 0, false
}

// embeddingTexts counts the distinct texts an import with the model
// embeds for the JSON Lines file at path on its first run: every
// initiative's passage (title and summary), its description (the summary,
// for duplicates) and its summary's sentences (for the closest-sentence
// reasons), through the same functions the import calls; the vector cache
// embeds each distinct text once.
func embeddingTexts(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	seen := map[string]struct{}{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct{ Title, Summary string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		in := &domain.Initiative{Title: rec.Title, Summary: rec.Summary}
		seen[enrich.Passage(in)] = struct{}{}
		if d := enrich.Description(in); d != "" {
			seen[d] = struct{}{}
		}
		for _, s := range similarity.Sentences(rec.Summary) {
			seen[s] = struct{}{}
		}
	}
	return len(seen), sc.Err()
}

// cell formats a measured value, or "–" when it was not measured.
func cell(v float64, ok bool, format func(float64) string) string {
	if !ok {
		return "–"
	}
	return format(v)
}

// searchThreads is the engine-threads setting BenchmarkSearch ran under.
func searchThreads(gb []GoBench) (string, bool) {
	for _, g := range gb {
		if strings.HasPrefix(g.Name, "BenchmarkSearch/") {
			return g.Threads, true
		}
	}
	return "", false
}

// searchAddAim is issue 9's bound on what query-time embedding adds to a
// search at the median.
const searchAddAim = 15.0 // ms

// WriteMeaning writes the section of the Go benchmarks: embedding
// throughput, what embedding costs an import of each size, the similarity
// precompute with and without vectors, search latency with and without
// the semantic part, and the server's CPU per request.
func WriteMeaning(w io.Writer, gb []GoBench, files []GoBenchFile, sizes []SizeResult) {
	fmt.Fprintln(w, "### Meaning and the Go side")
	fmt.Fprintln(w)
	if len(gb) == 0 {
		fmt.Fprintln(w, "Not measured in this run (the harness was not given `--go-bench`; `make bench` gives it the output of `make bench-go` and `make bench-meaning`).")
		fmt.Fprintln(w)
		return
	}
	var from []string
	for _, f := range files {
		from = append(from, fmt.Sprintf("`%s` (%d results, written %s)", f.Path, f.Results, f.Modified.Format("2006-01-02 15:04 MST")))
	}
	fmt.Fprintf(w, "Go `testing.B` results of `make bench-go` and `make bench-meaning`, run by `make bench` before the tables above: %s. "+
		"The vegeta runs above keep the embedding model off on all three sides, since the peer and the floor have no vectors and answers could not be checked equal with it on; the semantic part is measured here.\n\n", strings.Join(from, ", "))

	ms := func(ns float64, ok bool) string { return cell(ns/1e6, ok, fms) }
	num := func(format string) func(float64) string {
		return func(v float64) string { return fmt.Sprintf(format, v) }
	}
	// Throughput.
	fmt.Fprintln(w, "Embedding throughput (`BenchmarkE5Passages`: 64 passages of ~25 words per op; `BenchmarkE5Query`: one short, distinct query):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| engine threads | passages/s | one query ms |")
	fmt.Fprintln(w, "|---|--:|--:|")
	allRate, allOK := goBenchValue(gb, "BenchmarkE5Passages", "all", "texts/s")
	for _, t := range []struct{ cfg, label string }{{"all", "all cores (the import, and `serve` by default)"}, {"1", "1 (`OMP_NUM_THREADS=1`)"}} {
		rate, ok := goBenchValue(gb, "BenchmarkE5Passages", t.cfg, "texts/s")
		q, qok := goBenchValue(gb, "BenchmarkE5Query", t.cfg, "ns/op")
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.label, cell(rate, ok, num("%.1f")), ms(q, qok))
	}
	fmt.Fprintln(w)

	// Import cost per size.
	if len(sizes) > 0 {
		fmt.Fprintln(w, "What embedding adds to an import (the scale table's imports run with `--no-model`). Texts are the distinct passages, descriptions and summary sentences of the generated file, counted with the import's own functions; the first run's time is that count at the all-core rate above, **not measured**; a re-run embeds nothing (vectors are cached by content hash, also across `--wipe`).")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| initiatives | texts to embed | first run (from the rate) | re-run |")
		fmt.Fprintln(w, "|--:|--:|--:|--:|")
		for _, s := range sizes {
			n := float64(s.EmbedTexts)
			first := cell(n/allRate, allOK && allRate > 0 && n > 0, func(sec float64) string {
				return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
			})
			fmt.Fprintf(w, "| %d | %s | %s | 0 embedded |\n", s.Size, cell(n, n > 0, num("%.0f")), first)
		}
		fmt.Fprintln(w)
	}

	// Similarity precompute.
	fmt.Fprintln(w, "Similarity precompute (`BenchmarkComputeSemantic*`: synthetic 384-float vectors in a shared cone like e5's plus the synthetic text and themes; `BenchmarkCompute*`: text and themes only), ms per initiative:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| documents | with vectors | lexical only |")
	fmt.Fprintln(w, "|--:|--:|--:|")
	for _, n := range []struct {
		suffix string
		docs   float64
	}{{"1k", 1000}, {"10k", 10000}} {
		sem, sok := goBenchValue(gb, "BenchmarkComputeSemantic"+n.suffix, "", "ms/initiative")
		lex, lok := goBenchValue(gb, "BenchmarkCompute"+n.suffix, "", "ns/op")
		fmt.Fprintf(w, "| %.0f | %s | %s |\n", n.docs, cell(sem, sok, num("%.3f")), cell(lex/1e6/n.docs, lok, num("%.3f")))
	}
	fmt.Fprintln(w)

	// Search.
	fmt.Fprintln(w, "Search on the imported showroom (`BenchmarkSearch`, through the store, one client, the engine on all cores as `serve` runs it by default). A distinct text each time misses the query-vector cache, so it is embedded; its baseline is the words-only search of distinct texts:")
	fmt.Fprintln(w)
	if th, ok := searchThreads(gb); ok && th != "all" {
		fmt.Fprintf(w, "(This run's searches had the engine on %q threads, not on all cores as `serve` runs it.)\n\n", th)
	}
	fmt.Fprintln(w, "| search | p50 ms | mean ms | added by meaning, p50 |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	p50 := func(sub string) (float64, bool) { return goBenchValue(gb, "BenchmarkSearch/"+sub, "", "p50-ms") }
	var added float64
	var addedOK bool
	for _, row := range []struct{ sub, label, base string }{
		{"words", "words only, repeated queries", ""},
		{"hybrid-cached", "hybrid, repeated queries (vector cached)", "words"},
		{"words-distinct", "words only, every query new", ""},
		{"hybrid-uncached", "hybrid, every query new (embedded)", "words-distinct"},
	} {
		p, pok := p50(row.sub)
		mean, mok := goBenchValue(gb, "BenchmarkSearch/"+row.sub, "", "ns/op")
		pc, add := cell(p, pok, fms), "—"
		if b, bok := p50(row.base); row.base != "" && pok && bok {
			add = fmt.Sprintf("%+.1f ms", p-b)
			if row.sub == "hybrid-uncached" {
				added, addedOK = p-b, true
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", row.label, pc, ms(mean, mok), add)
	}
	fmt.Fprintln(w)
	if addedOK {
		verdict := "met"
		if added > searchAddAim {
			verdict = fmt.Sprintf("**missed by %.1f ms**", added-searchAddAim)
		}
		fmt.Fprintf(w, "Aim (issue 9): query-time embedding adds ≤ %.0f ms p50 to a search: %+.1f ms for a new query, %s; repeated queries hit the cache.\n\n", searchAddAim, added, verdict)
	}

	// Server CPU per request.
	fmt.Fprintln(w, "One request end to end through the handler `serve` runs (`BenchmarkRequest`, the imported showroom, one request at a time; Neo4j's own CPU is not in the server's):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| query | latency ms | server CPU ms | allocations |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, q := range []string{"lookup", "nesting", "similar", "neighbourhood"} {
		lat, lok := goBenchValue(gb, "BenchmarkRequest/"+q, "", "ns/op")
		cpu, cok := goBenchValue(gb, "BenchmarkRequest/"+q, "", "server-cpu-ms/op")
		al, aok := goBenchValue(gb, "BenchmarkRequest/"+q, "", "allocs/op")
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", q, ms(lat, lok), cell(cpu, cok, num("%.3f")), cell(al, aok, num("%.0f")))
	}
	fmt.Fprintln(w)
}
