// Command bench measures civicgraph side by side with the Neo4j GraphQL
// Library (@neo4j/graphql, "the peer") and with direct Cypher through the Go
// driver ("the floor"), on the same Neo4j, the same data and the same
// queries, in one run, at several data sizes.
//
// For each size it generates a synthetic data set (civicgraph gen), imports
// it through the real import path (civicgraph import --wipe, timed), starts
// civicgraph serve and the peer (bench/peer/server.mjs) on loopback, checks
// that the three sides answer every query of the mix the same (normalised
// JSON), then runs each query, and the whole mix, on each side with vegeta at
// a fixed concurrency for a fixed duration after a warm-up. It reports
// throughput, p50/p95/p99, errors, and the servers' RSS and CPU time from
// /proc, as markdown (see BENCHMARKS.md). Neo4j itself must be running
// (mk/bench.mk starts one with APOC, which the peer needs).
//
//	go run ./bench --sizes 1000,10000 --duration 10s --out BENCHMARKS.md
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type options struct {
	sizes                  []int
	seed                   int
	cfg                    runConfig
	mixDuration            time.Duration
	jitWarmup              time.Duration
	curationRuns           int
	neo4jURI, neo4jPIDFile string
	bin, peerScript, node  string
	dataDir                string
	oursAddr               string
	peerPort               int
	out, jsonOut           string
	only                   map[string]bool
	command                string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("sizes", "1000,10000,100000", "data sizes (initiatives), comma-separated")
	fs.IntVar(&o.seed, "seed", 1, "generator seed")
	fs.IntVar(&o.cfg.Concurrency, "concurrency", 8, "concurrent requests (vegeta workers) per side")
	fs.DurationVar(&o.cfg.Warmup, "warmup", 2*time.Second, "warm-up per query and side (discarded)")
	fs.DurationVar(&o.cfg.Duration, "duration", 10*time.Second, "measured time per query and side")
	fs.IntVar(&o.curationRuns, "curation-runs", 20, "curation row: linkTheme+unlinkTheme pairs per size (0: none)")
	fs.DurationVar(&o.mixDuration, "mix-duration", 0, "measured time of the whole mix per side (default: --duration)")
	fs.DurationVar(&o.jitWarmup, "jit-warmup", 20*time.Second, "per size, before anything is timed: the mix on every side, this long per side in two rounds (discarded), so Neo4j's JIT has compiled all three sides' statements")
	fs.StringVar(&o.neo4jURI, "neo4j-uri", "bolt://127.0.0.1:7689", "the benchmark's Neo4j (with APOC)")
	fs.StringVar(&o.neo4jPIDFile, "neo4j-pid-file", ".neo4j-bench/neo4j.pid", "Neo4j's pid file, for its CPU time")
	fs.StringVar(&o.bin, "bin", "bin/civicgraph", "the civicgraph binary")
	fs.StringVar(&o.peerScript, "peer", "bench/peer/server.mjs", "the peer server script")
	fs.StringVar(&o.node, "node", "node", "the Node.js binary")
	fs.StringVar(&o.dataDir, "data", ".bench-data", "where generated data sets are kept")
	fs.StringVar(&o.oursAddr, "ours-addr", "127.0.0.1:4100", "civicgraph's listen address (loopback)")
	fs.IntVar(&o.peerPort, "peer-port", 4101, "the peer's port on 127.0.0.1")
	fs.StringVar(&o.out, "out", "", "markdown file to update between <!-- bench:begin --> and <!-- bench:end --> (empty: stdout only)")
	fs.StringVar(&o.jsonOut, "json", "", "also write the raw results as JSON here")
	queries := fs.String("queries", "", "only these queries (comma-separated names); default all")
	fs.StringVar(&o.command, "command", "", "the command that started the run, for the report (default: this command line)")
	goBench := fs.String("go-bench", "", "go test -bench output files (comma-separated) to render as the meaning section (make bench passes those of bench-go and bench-meaning)")
	render := fs.String("render", "", "only re-render a results JSON file (from --json) as markdown to stdout and --out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			return fmt.Errorf("bad size %q", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if *queries != "" {
		o.only = map[string]bool{}
		for _, q := range strings.Split(*queries, ",") {
			o.only[strings.TrimSpace(q)] = true
		}
	}
	if o.mixDuration == 0 {
		o.mixDuration = o.cfg.Duration
	}
	if *render != "" {
		b, err := os.ReadFile(*render)
		if err != nil {
			return err
		}
		var rep Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("read %s: %w", *render, err)
		}
		rep.WriteMarkdown(stdout)
		if o.out != "" {
			var md bytes.Buffer
			rep.WriteMarkdown(&md)
			return updateMarkdown(o.out, md.String())
		}
		return nil
	}
	if o.command == "" {
		o.command = "go run ./bench " + strings.Join(args, " ")
	}

	drv, err := neo4j.NewDriverWithContext(o.neo4jURI, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	if err := drv.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("neo4j at %s: %w (start it with `make bench-neo4j-start`)", o.neo4jURI, err)
	}
	fl := &floor{driver: drv}

	rep := &Report{Started: time.Now(), Concurrency: o.cfg.Concurrency, Warmup: o.cfg.Warmup, JITWarmup: o.jitWarmup, Duration: o.cfg.Duration}
	rep.Machine = machine()
	rep.Versions = versions(ctx, fl, o)
	rep.Commands = []string{o.command}
	if *goBench != "" {
		if rep.GoBench, rep.GoBenchFiles, err = readGoBench(strings.Split(*goBench, ",")); err != nil {
			return err
		}
	}

	for _, size := range o.sizes {
		sr, err := benchSize(ctx, o, fl, size, stdout)
		if err != nil {
			return fmt.Errorf("size %d: %w", size, err)
		}
		rep.Sizes = append(rep.Sizes, *sr)
		// Write what we have after every size, so a long run that is cut
		// short keeps its finished sizes.
		if err := writeOutputs(o, rep); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout)
	rep.WriteMarkdown(stdout)
	return nil
}

func writeOutputs(o options, rep *Report) error {
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if o.out == "" {
		return nil
	}
	var md bytes.Buffer
	rep.WriteMarkdown(&md)
	return updateMarkdown(o.out, md.String())
}

const beginMark, endMark = "<!-- bench:begin -->", "<!-- bench:end -->"

// updateMarkdown replaces the text between the markers (creating the file,
// or appending the markers, when missing), so notes written around the
// tables survive a new run.
func updateMarkdown(path, body string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s := string(old)
	block := beginMark + "\n" + body + endMark
	i, j := strings.Index(s, beginMark), strings.Index(s, endMark)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + block + s[j+len(endMark):]
	case s == "":
		s = "# Benchmarks\n\n" + block + "\n"
	default:
		s = strings.TrimRight(s, "\n") + "\n\n" + block + "\n"
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

func logf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "bench: "+format+"\n", a...)
}

func benchSize(ctx context.Context, o options, fl *floor, size int, stdout io.Writer) (*SizeResult, error) {
	sr := &SizeResult{Size: size}
	// 1. Data set, through the real import path.
	if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
		return nil, err
	}
	file := filepath.Join(o.dataDir, fmt.Sprintf("gen-%d-seed%d.jsonl", size, o.seed))
	if _, err := os.Stat(file); err != nil {
		logf(stdout, "generating %d initiatives → %s", size, file)
		if out, err := exec.CommandContext(ctx, o.bin, "gen", "--size", strconv.Itoa(size), "--seed", strconv.Itoa(o.seed), "--out", file).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("gen: %v: %s", err, out)
		}
	}
	logf(stdout, "importing %s", file)
	imp, err := importFile(ctx, o, file)
	if err != nil {
		return nil, err
	}
	sr.Import = *imp
	if sr.EmbedTexts, err = embeddingTexts(file); err != nil {
		return nil, fmt.Errorf("count the texts to embed: %w", err)
	}
	logf(stdout, "imported %d in %s (writes %s, similarity %s, %d links)", size, imp.Total.Round(time.Millisecond),
		imp.Write.Round(time.Millisecond), imp.Similarity.Round(time.Millisecond), imp.SimilarLinks)

	params, err := loadParams(ctx, fl)
	if err != nil {
		return nil, err
	}
	var qs []query
	for _, q := range mix {
		if o.only == nil || o.only[q.Name] {
			qs = append(qs, q)
		}
	}

	// 2. The check, with civicgraph at debug level to read its round trips.
	oursURL := "http://" + o.oursAddr + "/graphql"
	peerURL := fmt.Sprintf("http://127.0.0.1:%d/graphql", o.peerPort)
	logBuf := &syncBuffer{}
	ours, err := startOurs(ctx, o, "debug", logBuf)
	if err != nil {
		return nil, err
	}
	peer, err := startPeer(ctx, o)
	if err != nil {
		ours.stop()
		return nil, err
	}
	defer peer.stop()
	results := make([]QueryResult, len(qs))
	variants := make([][]variant, len(qs))
	for k, q := range qs {
		variants[k] = q.Variants(params)
		results[k] = QueryResult{Name: q.Name, Desc: q.Desc, Equal: true}
		for vi, v := range variants[k] {
			before := strings.Count(logBuf.String(), "db_round_trips=")
			res := compare(ctx, q, v, oursURL, peerURL, fl)
			if res != "" && results[k].Equal {
				results[k].Equal, results[k].Mismatch = false, fmt.Sprintf("variant %d: %s", vi, res)
			}
			time.Sleep(20 * time.Millisecond) // let the request's log line land
			if t := lastTrips(logBuf.String(), before); t > results[k].Trips {
				results[k].Trips = t
			}
		}
		status := "same answers"
		if !results[k].Equal {
			status = "DIFFERENT: " + results[k].Mismatch
		}
		logf(stdout, "check %-13s %s (civicgraph: %d Cypher round trips)", q.Name, status, results[k].Trips)
	}
	ours.stop()
	ours, err = startOurs(ctx, o, "warn", io.Discard)
	if err != nil {
		return nil, err
	}
	defer ours.stop()

	// 3. Timed runs.
	neo4jPID := readPID(o.neo4jPIDFile)
	fv := map[string][]map[string]any{}
	fq := map[string]query{}
	for k, q := range qs {
		fq[q.Name] = q
		for _, v := range variants[k] {
			fv[q.Name] = append(fv[q.Name], v.Floor)
		}
	}
	sides := []*side{
		{Name: "ours", URL: oursURL, PID: ours.cmd.Process.Pid},
		{Name: "peer", URL: peerURL, PID: peer.cmd.Process.Pid},
		{Name: "floor", client: &http.Client{Transport: &floorTransport{f: fl, queries: fq, vars: fv}}},
	}
	targetsOf := func(s *side, k int) []vegeta.Target {
		var ts []vegeta.Target
		for vi, v := range variants[k] {
			switch s.Name {
			case "ours":
				ts = append(ts, graphqlTarget(s.URL, v.Ours))
			case "peer":
				ts = append(ts, graphqlTarget(s.URL, v.Peer))
			default:
				ts = append(ts, vegeta.Target{Method: "GET", URL: fmt.Sprintf("http://floor/%s/%d", qs[k].Name, vi)})
			}
		}
		return ts
	}
	// mixOf is a side's mix: every query's variants interleaved, round
	// robin.
	mixOf := func(s *side) []vegeta.Target {
		var per [][]vegeta.Target
		longest := 0
		for k := range qs {
			per = append(per, targetsOf(s, k))
			longest = max(longest, len(per[k]))
		}
		var ts []vegeta.Target
		for i := 0; i < longest; i++ {
			for k := range per {
				ts = append(ts, per[k][i%len(per[k])])
			}
		}
		return ts
	}
	// Neo4j's JIT warms for tens of thousands of statements after a
	// start or an import: timed one after the other, the side timed
	// first ran on a colder server (measured on the 1k graph: the same
	// search statement took 12.3 ms of Neo4j CPU in its first 3,000 runs
	// and 3.4 ms after 36,000). So every side first runs the mix, in two
	// rounds, and each query's sides are timed in an order that rotates
	// from query to query (ours first for the 1st, 4th, … query, the peer
	// for the 2nd, the floor for the 3rd), as is the mix's from size to
	// size.
	rotated := func(k int) []*side {
		out := make([]*side, len(sides))
		for j := range sides {
			out[j] = sides[(j+k)%len(sides)]
		}
		return out
	}
	if o.jitWarmup > 0 {
		wcfg := o.cfg
		wcfg.Warmup, wcfg.Duration = 0, o.jitWarmup/2
		for round := range 2 {
			for _, s := range rotated(round) {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				attack(s, mixOf(s), wcfg, neo4jPID)
			}
		}
		logf(stdout, "warm-up: the mix on every side for %s (discarded)", o.jitWarmup)
	}
	for k, q := range qs {
		for _, s := range rotated(k) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			st := attack(s, targetsOf(s, k), o.cfg, neo4jPID)
			switch s.Name {
			case "ours":
				results[k].Ours = st
			case "peer":
				results[k].Peer = st
			default:
				results[k].Floor = st
			}
		}
		r := results[k]
		logf(stdout, "%-13s req/s ours %6.0f peer %6.0f floor %6.0f | p50 ms ours %6.2f peer %6.2f floor %6.2f | errors %d/%d/%d",
			q.Name, r.Ours.RPS, r.Peer.RPS, r.Floor.RPS, r.Ours.P50, r.Peer.P50, r.Floor.P50, r.Ours.Errors, r.Peer.Errors, r.Floor.Errors)
	}
	sr.Queries = results

	// 4. The mix: every query's variants interleaved, round robin.
	sr.Mix = QueryResult{Name: "mix", Desc: "all queries round robin", Equal: true}
	for _, r := range results {
		sr.Mix.Equal = sr.Mix.Equal && r.Equal
		sr.Mix.Trips = max(sr.Mix.Trips, r.Trips)
	}
	mixCfg := o.cfg
	mixCfg.Duration = o.mixDuration
	for _, s := range rotated(slices.Index(o.sizes, size)) {
		st := attack(s, mixOf(s), mixCfg, neo4jPID)
		switch s.Name {
		case "ours":
			sr.Mix.Ours = st
		case "peer":
			sr.Mix.Peer = st
		default:
			sr.Mix.Floor = st
		}
	}
	logf(stdout, "mix           req/s ours %6.0f peer %6.0f floor %6.0f", sr.Mix.Ours.RPS, sr.Mix.Peer.RPS, sr.Mix.Floor.RPS)

	// 5. Curation, last (it edits the graph; every link it makes it
	// removes again): one mutation at a time through ours, each checked
	// by a similar query right after it.
	if o.curationRuns > 0 {
		// A failure here is reported in the row, not fatal: the sizes'
		// other results stand.
		keys, err := curationKeys(ctx, fl, 10)
		if err == nil {
			sr.Curation, err = benchCuration(ctx, oursURL, keys, o.curationRuns)
		}
		if err != nil {
			sr.Curation.Reflected, sr.Curation.Mismatch = false, "curation row failed: "+err.Error()
		}
		c := sr.Curation
		logf(stdout, "curation      %d mutations: p50 %.1f ms, p99 %.1f ms; similar right after reflects them: %v %s", c.Mutations, c.P50, c.P99, c.Reflected, c.Mismatch)
	}
	WriteSizeTable(stdout, *sr)
	return sr, nil
}

// compare asks the three sides one variant and returns "" when the
// canonical answers are equal, else a short description.
func compare(ctx context.Context, q query, v variant, oursURL, peerURL string, fl *floor) string {
	od, err := ask(ctx, oursURL, v.Ours)
	if err != nil {
		return "ours failed: " + err.Error()
	}
	pd, err := ask(ctx, peerURL, v.Peer)
	if err != nil {
		return "peer failed: " + err.Error()
	}
	fd, err := q.Floor(ctx, fl, v.Floor)
	if err != nil {
		return "floor failed: " + err.Error()
	}
	oc, pc, fc := canon(q.NormOurs(od)), canon(q.NormPeer(pd)), canon(fd)
	switch {
	case oc == "null" || oc == "[]":
		return "empty answer (pick other parameters): " + oc
	case oc != pc:
		return "ours " + clip(oc) + " vs peer " + clip(pc)
	case oc != fc:
		return "ours " + clip(oc) + " vs floor " + clip(fc)
	}
	return ""
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

var tripsRE = regexp.MustCompile(`db_round_trips=(\d+)`)

// lastTrips returns the round trips of the log lines after the first skip.
func lastTrips(log string, skip int) int {
	ms := tripsRE.FindAllStringSubmatch(log, -1)
	best := 0
	for _, m := range ms[min(skip, len(ms)):] {
		n, _ := strconv.Atoi(m[1])
		best = max(best, n)
	}
	return best
}

var (
	// Lines of the import summary (internal/ingest/summary.go); anchored, so
	// that log lines mentioning neo4j do not match.
	writeRE = regexp.MustCompile(`(?m)^\s+neo4j:\s+.*? in ([0-9][^\s;,]*)`)
	simRE   = regexp.MustCompile(`(?m)^\s+similarity:\s+(\d+) links in ([0-9][^\s;,]*)`)
)

func importFile(ctx context.Context, o options, file string) (*ImportResult, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, o.bin, "import", "--wipe", "--yes", "--neo4j-uri", o.neo4jURI, "--no-model", file)
	cmd.Env = append(os.Environ(), "CIVICGRAPH_LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("import: %v: %s", err, out)
	}
	_ = os.WriteFile(strings.TrimSuffix(file, ".jsonl")+".import.log", out, 0o644)
	r := parseImportSummary(out)
	r.Total = time.Since(start)
	return r, nil
}

// parseImportSummary reads the write and similarity times from the summary
// `civicgraph import` prints.
func parseImportSummary(out []byte) *ImportResult {
	r := &ImportResult{}
	if m := writeRE.FindSubmatch(out); m != nil {
		r.Write, _ = time.ParseDuration(string(m[1]))
	}
	if m := simRE.FindSubmatch(out); m != nil {
		r.SimilarLinks, _ = strconv.Atoi(string(m[1]))
		r.Similarity, _ = time.ParseDuration(string(m[2]))
	}
	return r
}

// child is a server process the harness started.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func (c *child) stop() {
	if c == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

func start(cmd *exec.Cmd) (*child, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	return c, nil
}

func startOurs(ctx context.Context, o options, level string, log io.Writer) (*child, error) {
	// The model and the lexicon are off on our side too: the peer and the
	// floor have no semantic search and no query translation, so answers
	// could not be checked equal. The model's cost is measured by make
	// bench-go and the meaning benchmarks (BENCHMARKS.md).
	cmd := exec.Command(o.bin, "serve", "--addr", o.oursAddr, "--neo4j-uri", o.neo4jURI, "--log-level", level, "--no-model", "--no-lexicon")
	cmd.Env = append(os.Environ(), "CIVICGRAPH_TOKENS="+benchToken) // for the curation row
	cmd.Stdout, cmd.Stderr = log, log
	c, err := start(cmd)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, c, "http://"+o.oursAddr+"/readyz", nil); err != nil {
		c.stop()
		return nil, fmt.Errorf("civicgraph serve did not get ready: %w", err)
	}
	return c, nil
}

func startPeer(ctx context.Context, o options) (*child, error) {
	cmd := exec.Command(o.node, o.peerScript)
	cmd.Env = append(os.Environ(), "NEO4J_URI="+o.neo4jURI, "PORT="+strconv.Itoa(o.peerPort), "NODE_ENV=production")
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	c, err := start(cmd)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(gql{Query: "{ __typename }"})
	if err := waitHTTP(ctx, c, fmt.Sprintf("http://127.0.0.1:%d/graphql", o.peerPort), body); err != nil {
		c.stop()
		return nil, fmt.Errorf("peer did not get ready: %w; its output: %s", err, clip(log.String()))
	}
	return c, nil
}

// waitHTTP polls url (POSTing body when given) until it answers 200.
func waitHTTP(ctx context.Context, c *child, url string, body []byte) error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.done:
			return fmt.Errorf("process exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		var resp *http.Response
		var err error
		if body == nil {
			resp, err = http.Get(url)
		} else {
			resp, err = http.Post(url, "application/json", bytes.NewReader(body))
		}
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
	}
	return fmt.Errorf("no 200 from %s within 90s", url)
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// syncBuffer is a bytes.Buffer safe for a child's stdout and our reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func machine() []string {
	var out []string
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				out = append(out, strings.TrimSpace(v))
				break
			}
		}
	}
	out = append(out, fmt.Sprintf("%d cores (runtime.NumCPU)", runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			out = append(out, fmt.Sprintf("%.1f GiB RAM", kb/1024/1024))
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		out = append(out, "Linux "+strings.TrimSpace(string(b)))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		out = append(out, "load average at start "+strings.Join(strings.Fields(string(b))[:3], " ")+" (other work on the machine shares its 2 cores)")
	}
	out = append(out, "client, servers and Neo4j on the same machine, loopback only")
	return out
}

func versions(ctx context.Context, fl *floor, o options) []string {
	var out []string
	if info, err := fl.driver.GetServerInfo(ctx); err == nil {
		out = append(out, info.Agent()+" Community (embedded, tools/neo4j-runner)")
	}
	if recs, err := fl.run(ctx, "RETURN apoc.version()", nil); err == nil && len(recs) == 1 {
		out = append(out, fmt.Sprint("APOC core ", recs[0].Values[0]))
	}
	if b, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output(); err == nil {
		out = append(out, "civicgraph "+strings.TrimSpace(string(b)))
	}
	out = append(out, runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tsenart/vegeta/v12" || d.Path == "github.com/neo4j/neo4j-go-driver/v5" || d.Path == "github.com/99designs/gqlgen" {
				out = append(out, d.Path+" "+d.Version)
			}
		}
	}
	if b, err := exec.CommandContext(ctx, o.node, "--version").Output(); err == nil {
		out = append(out, "Node.js "+strings.TrimSpace(string(b)))
	}
	dir := filepath.Join(filepath.Dir(o.peerScript), "node_modules")
	for _, p := range []string{"@neo4j/graphql", "graphql", "@apollo/server", "neo4j-driver"} {
		var pkg struct{ Version string }
		if b, err := os.ReadFile(filepath.Join(dir, p, "package.json")); err == nil && json.Unmarshal(b, &pkg) == nil {
			out = append(out, p+" "+pkg.Version)
		}
	}
	return out
}
