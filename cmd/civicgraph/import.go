package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/ingest"
	"github.com/civicgraph/civicgraph/internal/metrics"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/themes"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Defaults()
	var o ingest.Options
	var asJSON, report bool
	var batch int
	var taxonomy, metricsFile, cpuProfile string
	fset := flag.NewFlagSet("civicgraph import", flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), `Usage: civicgraph import [flags] PATH...

Imports showroom pages (*.txt), JSON Lines (*.jsonl) and CSV (*.csv) files;
a directory is read recursively. The import is idempotent: initiatives are
merged on a stable key and written in batches of one transaction each;
unchanged initiatives (same content hash, links all present) are skipped.
Similar-initiative links are recomputed for the whole graph at the end.
A run marker in the database records each run's phase: a run that follows
one that was killed or failed finishes its wipe first, or rewrites every
initiative, so the next run repairs what an interrupted one left.
Flags (each falls back to the environment variable shown):`)
		fset.PrintDefaults()
	}
	fset.BoolVar(&o.DryRun, "dry-run", false, "parse and enrich without touching Neo4j")
	fset.BoolVar(&asJSON, "json", false, "with --dry-run: print one JSON object per initiative to stdout")
	fset.BoolVar(&report, "report", false, "print a report: initiatives without place or theme, suspected duplicates, conflicting facts")
	fset.BoolVar(&o.Wipe, "wipe", false, "delete every node before importing (schema stays); refused on a database with data that civicgraph never imported into, unless --yes")
	fset.BoolVar(&o.Yes, "yes", false, "with --wipe: wipe even a database civicgraph has not imported into")
	fset.BoolVar(&o.NoSimilarity, "no-similarity", false, "skip the similarity precompute")
	fset.IntVar(&batch, "batch", 500, "initiatives per transaction")
	fset.IntVar(&o.BulkIndexMin, "bulk-index-min", ingest.DefaultBulkIndexMin, "with --wipe: from this many initiatives, drop the secondary indexes (search among them) while writing and rebuild them after; negative: never")
	fset.StringVar(&metricsFile, "metrics-file", os.Getenv("CIVICGRAPH_IMPORT_METRICS_FILE"), "after a successful run, write its Prometheus metrics (civicgraph_import_*) to this file, for a node_exporter textfile collector [env CIVICGRAPH_IMPORT_METRICS_FILE]")
	fset.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (read it with `go tool pprof`)")
	fset.StringVar(&taxonomy, "taxonomy", os.Getenv("CIVICGRAPH_TAXONOMY"), "theme taxonomy JSON file (default: the embedded one) [env CIVICGRAPH_TAXONOMY]")
	cfg.RegisterNeo4j(fset)
	cfg.RegisterModel(fset)
	cfg.RegisterSimilarity(fset)
	cfg.RegisterLog(fset)
	if err := parseFlags(fset, args, stdout, stderr); err != nil {
		return err
	}
	if err := cfg.Similarity.Validate(); err != nil {
		return usageError{err.Error()}
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return usageError{"import needs at least one PATH"}
	}
	if asJSON && !o.DryRun {
		return usageError{"--json needs --dry-run"}
	}
	if cpuProfile != "" {
		stop, err := startCPUProfile(cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	log := cfg.Log.Logger()
	o.Log, o.Similarity, o.BatchSize = log, cfg.Similarity.Options(), batch
	o.Paths, o.Taxonomy = fset.Args(), themes.Default()
	if taxonomy != "" {
		t, err := themes.Load(taxonomy)
		if err != nil {
			return err
		}
		o.Taxonomy = t
	}
	o.Model = loadModel(cfg.Model, log)
	var db *neo4jdb.DB
	if !o.DryRun {
		log.Info("import config", "config", cfg)
		var err error
		t0 := time.Now()
		db, err = neo4jdb.Open(ctx, neo4jdb.Config{URI: cfg.Neo4j.URI, User: cfg.Neo4j.User, Password: cfg.Neo4j.Password,
			Database: cfg.Neo4j.Database, Logger: log, ConnectTimeout: 60 * time.Second, Embedder: o.Model.Emb,
			Similarity: o.Similarity})
		if err != nil {
			return fmt.Errorf("open neo4j at %s: %w (start a local one with `make neo4j-start`, or set NEO4J_URI)", neo4jdb.RedactURI(cfg.Neo4j.URI), err)
		}
		defer db.Close(context.Background())
		log.Debug("neo4j open", "took", time.Since(t0).Round(time.Millisecond))
		o.Target = fmt.Sprintf("%s, database %q", neo4jdb.RedactURI(cfg.Neo4j.URI), cfg.Neo4j.Database)
		fmt.Fprintf(stderr, "import: writing to %s\n", o.Target)
		var bar *progressbar.ProgressBar
		o.Progress = func(done, total int) {
			if bar == nil {
				bar = newBar(total, stderr)
			}
			if _ = bar.Set(done); done == total {
				_ = bar.Finish()
			}
		}
	}
	res, err := ingest.Run(ctx, db, o)
	if err != nil {
		return err
	}
	out := stdout
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, in := range res.Initiatives {
			if err := enc.Encode(in); err != nil {
				return err
			}
		}
		out = stderr
	}
	res.Summary.Print(out, res.Counts)
	if metricsFile != "" {
		st := res.Summary.Stats
		err := metrics.WriteImport(metricsFile, metrics.Import{Created: st.Created, Updated: st.Updated, Unchanged: st.Unchanged,
			Rewritten: st.Rewritten, SimilarLinks: res.Summary.SimilarLinks, Duration: res.Summary.Total, Finished: time.Now()})
		if err != nil {
			return fmt.Errorf("write import metrics: %w", err)
		}
	}
	if report {
		ingest.PrintReport(out, res.Summary, res.Report)
	}
	return res.Errs
}

func newBar(n int, w io.Writer) *progressbar.ProgressBar {
	visible := false
	if f, ok := w.(*os.File); ok {
		visible = term.IsTerminal(int(f.Fd()))
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

// startCPUProfile profiles the process's CPU into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
