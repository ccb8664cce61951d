package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stat is one timed run of one side.
type Stat struct {
	Requests, Errors int
	FirstError       string  `json:",omitempty"`
	RPS              float64 // successful requests per second
	P50, P95, P99    float64 // milliseconds
	CPUSec           float64 // server process CPU during the run (floor: the harness process)
	RSSMB            float64 // server process RSS at the end of the run
	DBCPUSec         float64 // Neo4j process CPU during the run
}

// QueryResult is one query (or the whole mix) on the three sides.
type QueryResult struct {
	Name, Desc        string
	Ours, Peer, Floor Stat
	// Equal says the three sides' answers matched for every variant;
	// Mismatch describes the first difference.
	Equal    bool
	Mismatch string `json:",omitempty"`
	// Trips is civicgraph's Cypher round trips for one request, when measured.
	Trips int `json:",omitempty"`
}

// ImportResult is the import of one size through `civicgraph import`.
type ImportResult struct {
	Total, Write, Similarity time.Duration
	SimilarLinks             int
}

// SizeResult is everything measured at one data size.
type SizeResult struct {
	Size     int
	Import   ImportResult
	Queries  []QueryResult
	Mix      QueryResult
	Curation CurationResult
	// EmbedTexts is how many distinct texts an import of this size with
	// the model would embed on its first run (embeddingTexts).
	EmbedTexts int `json:",omitempty"`
}

// Report is a whole run.
type Report struct {
	Started     time.Time
	Machine     []string // lines
	Versions    []string
	Commands    []string
	Concurrency int
	Warmup      time.Duration
	// JITWarmup is the mix each side ran per size before anything was
	// timed (0 in runs before it existed).
	JITWarmup time.Duration `json:",omitempty"`
	Duration  time.Duration
	Sizes     []SizeResult
	// GoBench holds the Go benchmarks of make bench-go and bench-meaning
	// (--go-bench), GoBenchFiles the files they were read from.
	GoBench      []GoBench     `json:",omitempty"`
	GoBenchFiles []GoBenchFile `json:",omitempty"`
}

func ratio(a, b float64) string {
	if b == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func rps(s Stat) string {
	if s.Requests == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", s.RPS)
}

func lat(s Stat) string {
	if s.Requests == 0 {
		return "–"
	}
	return fmt.Sprintf("%s / %s", fms(s.P50), fms(s.P99))
}

func fms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func errs(r QueryResult) string {
	n := r.Ours.Errors + r.Peer.Errors + r.Floor.Errors
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("%d/%d/%d", r.Ours.Errors, r.Peer.Errors, r.Floor.Errors)
}

func same(r QueryResult) string {
	if r.Equal {
		return "yes"
	}
	return "**no**"
}

func seconds(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// WriteSizeTable writes the per-query table of one size.
func WriteSizeTable(w io.Writer, s SizeResult) {
	fmt.Fprintf(w, "### %d initiatives\n\n", s.Size)
	fmt.Fprintln(w, "| query | ours req/s | peer req/s | floor req/s | ours p50 / p99 ms | peer p50 / p99 ms | floor p50 / p99 ms | ours/peer req/s | ours/floor req/s | ours/floor p50 | ours Cypher trips | same answer | errors o/p/f |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--:|")
	for _, q := range append(append([]QueryResult(nil), s.Queries...), s.Mix) {
		name := q.Name
		if q.Name == "mix" {
			name = "**mix** (all above, round robin)"
		}
		trips := "–"
		if q.Trips > 0 {
			trips = strconv.Itoa(q.Trips)
			if q.Name == "mix" {
				trips = "≤ " + trips
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
			rps(q.Ours), rps(q.Peer), rps(q.Floor), lat(q.Ours), lat(q.Peer), lat(q.Floor),
			ratio(q.Ours.RPS, q.Peer.RPS), ratio(q.Ours.RPS, q.Floor.RPS), ratio(q.Ours.P50, q.Floor.P50), trips, same(q), errs(q))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "CPU per successful request (ms), from /proc during the timed runs: the server process, and Neo4j. For the floor the \"server\" is the harness itself (vegeta + driver).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| query | ours server | peer server | ours Neo4j | peer Neo4j | floor Neo4j | ours/peer Neo4j |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, q := range append(append([]QueryResult(nil), s.Queries...), s.Mix) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", q.Name, perReq(q.Ours.CPUSec, q.Ours), perReq(q.Peer.CPUSec, q.Peer),
			perReq(q.Ours.DBCPUSec, q.Ours), perReq(q.Peer.DBCPUSec, q.Peer), perReq(q.Floor.DBCPUSec, q.Floor),
			ratio(cpuPerReq(q.Ours.DBCPUSec, q.Ours), cpuPerReq(q.Peer.DBCPUSec, q.Peer)))
	}
	fmt.Fprintln(w)
	m := s.Mix
	fmt.Fprintf(w, "Mix, resources during the timed run: ours %.1f s CPU, %.0f MB RSS (Neo4j %.1f s CPU); peer %.1f s CPU, %.0f MB RSS (Neo4j %.1f s CPU); floor: harness %.1f s CPU (Neo4j %.1f s CPU).\n\n",
		m.Ours.CPUSec, m.Ours.RSSMB, m.Ours.DBCPUSec, m.Peer.CPUSec, m.Peer.RSSMB, m.Peer.DBCPUSec, m.Floor.CPUSec, m.Floor.DBCPUSec)
	var bad []string
	for _, q := range s.Queries {
		if !q.Equal && q.Mismatch != "" {
			bad = append(bad, fmt.Sprintf("- `%s`: %s", q.Name, q.Mismatch))
		}
		for _, st := range []struct {
			n string
			s Stat
		}{{"ours", q.Ours}, {"peer", q.Peer}, {"floor", q.Floor}} {
			if st.s.FirstError != "" {
				bad = append(bad, fmt.Sprintf("- `%s` %s error: %s", q.Name, st.n, oneLine(st.s.FirstError)))
			}
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "Differences and errors:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, strings.Join(bad, "\n"))
		fmt.Fprintln(w)
	}
}

func cpuPerReq(sec float64, s Stat) float64 {
	ok := s.Requests - s.Errors
	if ok <= 0 {
		return math.NaN()
	}
	return sec * 1000 / float64(ok)
}

func perReq(sec float64, s Stat) string {
	v := cpuPerReq(sec, s)
	if math.IsNaN(v) {
		return "–"
	}
	return fms(v)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteScaleTable writes import and mix throughput per size.
func WriteScaleTable(w io.Writer, sizes []SizeResult) {
	fmt.Fprintln(w, "| initiatives | import total | of which writes | similarity precompute | SIMILAR links | µs per initiative (similarity) | mix req/s ours | mix req/s peer | mix req/s floor | ours/peer | ours/floor | curation p50 / p99 ms | similar reflects curation |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
	for _, s := range sizes {
		per := "–"
		if s.Size > 0 && s.Import.Similarity > 0 {
			per = fmt.Sprintf("%.0f", float64(s.Import.Similarity.Microseconds())/float64(s.Size))
		}
		cur, refl := "–", "–"
		if c := s.Curation; c.Mutations > 0 {
			cur, refl = fms(c.P50)+" / "+fms(c.P99), "no"
			if c.Reflected {
				refl = "yes"
			}
		} else if c.Mismatch != "" {
			refl = "failed (see the run's log)"
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Size,
			seconds(s.Import.Total), seconds(s.Import.Write), seconds(s.Import.Similarity), s.Import.SimilarLinks, per,
			rps(s.Mix.Ours), rps(s.Mix.Peer), rps(s.Mix.Floor), ratio(s.Mix.Ours.RPS, s.Mix.Peer.RPS), ratio(s.Mix.Ours.RPS, s.Mix.Floor.RPS), cur, refl)
	}
	fmt.Fprintln(w)
}

// WriteMarkdown writes the whole report.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "## Run of", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Fixed concurrency %d, warm-up %s, then %s per query and side; the mix runs the same for its whole duration. Same Neo4j, same data, same run; sides one after the other",
		r.Concurrency, r.Warmup, r.Duration)
	if r.JITWarmup > 0 {
		fmt.Fprintf(w, ", in an order that rotates from query to query (and the mix's from size to size), after every side ran the mix for %s per size (discarded) to warm Neo4j's JIT", r.JITWarmup)
	}
	fmt.Fprint(w, ".\n\n")
	if len(r.Machine) > 0 {
		fmt.Fprintln(w, "Machine:", strings.Join(r.Machine, "; ")+".")
		fmt.Fprintln(w)
	}
	if len(r.Versions) > 0 {
		fmt.Fprintln(w, "Versions:", strings.Join(r.Versions, "; ")+".")
		fmt.Fprintln(w)
	}
	if len(r.Commands) > 0 {
		fmt.Fprintln(w, "Commands:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "```")
		fmt.Fprintln(w, strings.Join(r.Commands, "\n"))
		fmt.Fprintln(w, "```")
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "### Scale")
	fmt.Fprintln(w)
	WriteScaleTable(w, r.Sizes)
	fmt.Fprintln(w, "### Aims")
	fmt.Fprintln(w)
	WriteAims(w, r.Sizes)
	for _, s := range r.Sizes {
		WriteSizeTable(w, s)
	}
	WriteMeaning(w, r.GoBench, r.GoBenchFiles, r.Sizes)
}
