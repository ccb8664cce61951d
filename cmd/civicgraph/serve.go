package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/export"
	"github.com/civicgraph/civicgraph/internal/metrics"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/server"
	"github.com/civicgraph/civicgraph/internal/tracing"
)

// parseFlags parses a subcommand's flags; --help prints them and returns
// errHelp.
// parseFlags parses args into fs. Help asked for (-h, --help) is printed
// to stdout, as an answer; a flag mistake and its usage go to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var msg bytes.Buffer
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	switch {
	case err == nil:
		fs.SetOutput(stderr) // later usage (a missing PATH) is a mistake
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelp
	default:
		_, _ = io.Copy(stderr, &msg)
		fs.SetOutput(stderr)
		return usageError{err.Error()}
	}
}

// serveOptions lets tests start the server on port 0 and learn its address.
type serveOptions struct {
	onListen func(addr string)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return serve(ctx, args, stdout, stderr, serveOptions{})
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, so serveOptions) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("civicgraph serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: civicgraph serve [flags]\n\nServes GraphQL at /graphql (POST and GET), the explorer at /, /healthz, /readyz,\n/metrics (Prometheus) and the exports under /export/ and /initiative/{key}.jsonld.\nFlags (each falls back to the environment variable shown):")
		fs.PrintDefaults()
	}
	cfg.RegisterNeo4j(fs)
	cfg.RegisterServer(fs)
	cfg.RegisterModel(fs)
	cfg.RegisterLexicon(fs)
	cfg.RegisterSimilarity(fs)
	cfg.RegisterLog(fs)
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if err := cfg.Similarity.Validate(); err != nil {
		return usageError{err.Error()}
	}
	log := cfg.Log.Logger()
	log.Info("civicgraph serve starting", "config", cfg)
	gogc, memLimit := tuneGC()
	log.Info("garbage collector", "gogc", gogc, "memory_limit_bytes", memLimit)
	stopTracing, traces, err := tracing.Setup(ctx, "civicgraph", stderr)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(sctx); err != nil {
			log.Warn("traces not flushed", "err", err)
		}
	}()
	log.Info("traces", "export", traces) // off, otlp (OTEL_EXPORTER_OTLP_ENDPOINT) or stdout (CIVICGRAPH_TRACE_STDOUT=1)

	// Connect without waiting: the server starts even while Neo4j is down,
	// answers 503 on /readyz, and migrates as soon as Neo4j answers.
	// The model embeds search queries (hybrid search) and curated
	// passages; without it the server answers by words only.
	// The engine uses every core unless told otherwise (--model-threads):
	// since it runs on one OS thread of its own (embed.E5), a query on two
	// threads takes half the time for the same CPU (BenchmarkE5Query here:
	// 7.8 against 14.7 ms, 15.6 ms of CPU per query either way).
	mm := loadModel(cfg.Model, log)
	// Metrics on a registry of this server's own (not the global one).
	var mets *metrics.Server
	var db *neo4jdb.DB
	if !cfg.Server.NoMetrics {
		mets = metrics.NewServer(prometheus.NewRegistry(), metrics.Probes{
			Ready:        func(ctx context.Context) error { return db.Ready(ctx) },
			BreakerState: func() string { return db.BreakerState() },
		})
	}
	observeStatement := func(time.Duration, error) {}
	if mets != nil {
		observeStatement = mets.Statement
	}
	db, err = neo4jdb.Connect(neo4jdb.Config{URI: cfg.Neo4j.URI, User: cfg.Neo4j.User, Password: cfg.Neo4j.Password,
		Database: cfg.Neo4j.Database, Logger: log, RetryTime: 2 * time.Second, Embedder: mm.Emb, Observe: observeStatement,
		// Fail fast while Neo4j is down; a pool large enough for every
		// in-flight request's statement slots.
		Breaker:     &neo4jdb.BreakerConfig{},
		MaxPoolSize: max(100, cfg.Server.MaxInFlight*max(cfg.Server.StatementConcurrency, 1)+8),
		// A curated initiative's links are scored as the import scored them.
		Similarity: cfg.Similarity.Options()})
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	go sweepStale(ctx, db, log)
	go loadLexicon(cfg.Lexicon, db, log)

	handler := newHandler(cfg.Server, db, log, mets)
	// /readyz says "warming up" until the warm-up has run (bounded by
	// warmupBound), so a load balancer sends users to an instance whose
	// statements Neo4j has planned.
	gate := &warmGate{}
	go func() {
		defer gate.open()
		if migrateWhenReachable(ctx, db, log) && !cfg.Server.NoWarmup {
			wctx, cancel := context.WithTimeout(ctx, warmupBound)
			defer cancel()
			warmUp(wctx, handler, log)
		}
	}()
	srv := &http.Server{
		Handler:           gate.wrap(handler),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.Server.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	addr := ln.Addr().String()
	log.Info("serving", "graphql", "http://"+addr+"/graphql", "explorer", "http://"+addr+"/", "ide", "http://"+addr+"/graphiql")
	if so.onListen != nil {
		so.onListen(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// Collector defaults of serve, unless GOGC or GOMEMLIMIT say otherwise.
const (
	serveGOGC     = 400
	serveMemLimit = 1 << 30
)

// tuneGC sets the garbage collector for the API server and returns the
// GOGC percentage and soft memory limit in force. The server's live heap
// is small (tens of MB) and each request allocates 50–150 KB, so at Go's
// default GOGC=100 the collector runs every few hundred requests. Measured
// with BenchmarkRequest on the showroom (three alternating runs each),
// GOGC=400 took the server's CPU per request down by 8 % for lookup
// (0.388 to 0.356 ms), 5 % for nesting and 7 % for similar.
// The price is heap: up to about five times the live heap between
// collections, which the soft limit of 1 GiB bounds (the collector works
// harder as the heap nears it). GOGC and GOMEMLIMIT in the environment
// are the operator's and win.
func tuneGC() (gogc string, limit int64) {
	gogc = os.Getenv("GOGC")
	if gogc == "" {
		debug.SetGCPercent(serveGOGC)
		gogc = strconv.Itoa(serveGOGC)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemLimit)
	}
	return gogc, debug.SetMemoryLimit(-1) // -1 reads the limit
}

// newHandler is the HTTP handler serve runs: the GraphQL endpoint with
// its per-request statement counter and budget, the explorer, the exports
// and (unless turned off) the metrics. The request benchmark builds the
// same handler, so what it profiles is what serve answers with.
func newHandler(sc config.Server, db *neo4jdb.DB, log *slog.Logger, mets *metrics.Server) http.Handler {
	exportOptions := export.HandlerOptions{Store: db, Logger: log}
	var metricsHandler http.Handler
	var observer server.Observer
	if mets != nil {
		exportOptions.Observe = mets.Export
		metricsHandler, observer = mets.Handler(), mets
	}
	return server.New(server.Options{
		Config: sc, Store: db, Writer: curation.New(db, nil, log), Health: db, Logger: log,
		Instrument: func(ctx context.Context) (context.Context, func() int64) {
			ctx, n := neo4jdb.WithQueryCounter(ctx)
			ctx = neo4jdb.WithStatementBudget(ctx, sc.MaxStatements, sc.StatementConcurrency)
			return ctx, n.Load
		},
		Heavy: func(ctx context.Context) context.Context {
			return neo4jdb.WithStatementBudget(ctx, sc.MaxStatements, 1)
		},
		Explorer: explorerHandler(),
		Exports:  export.Handler(exportOptions),
		Metrics:  metricsHandler,
		Observer: observer,
	})
}

// migrateWhenReachable applies the schema once Neo4j answers, retrying
// with backoff until it succeeds (true) or ctx ends (false).
func migrateWhenReachable(ctx context.Context, db *neo4jdb.DB, log *slog.Logger) bool {
	delay := 500 * time.Millisecond
	var warned atomic.Bool
	for {
		err := db.Migrate(ctx)
		if err == nil {
			v, _ := db.ServerVersion(ctx)
			log.Info("neo4j ready, schema applied", "server", v, "schema_version", neo4jdb.SchemaVersion)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if !warned.Swap(true) {
			log.Warn("neo4j not reachable yet; retrying in the background", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(delay):
		}
		delay = min(delay*2, 10*time.Second)
	}
}

// staleSweep is how often the server looks for curated initiatives whose
// similar links still wait for a refresh (a failed refresh, or a commit
// whose outcome the client never learned).
const staleSweep = 15 * time.Second

// sweepStale refreshes the similar links of initiatives marked
// similarStale, a batch at a time, until ctx ends.
func sweepStale(ctx context.Context, db *neo4jdb.DB, log *slog.Logger) {
	t := time.NewTicker(staleSweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := db.RefreshStale(ctx, 50)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Debug("stale similar links not refreshed this round", "err", err)
		case n > 0:
			log.Info("similar links refreshed for initiatives left stale", "initiatives", n)
		}
	}
}
