package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/metrics"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// importOptions are import's flags.
type importOptions struct {
	dryRun, asJSON, report, wipe, yes, noSimilarity bool
	batch                                           int
	taxonomy                                        string
	metricsFile                                     string
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Defaults()
	var o importOptions
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
	fset.BoolVar(&o.dryRun, "dry-run", false, "parse and enrich without touching Neo4j")
	fset.BoolVar(&o.asJSON, "json", false, "with --dry-run: print one JSON object per initiative to stdout")
	fset.BoolVar(&o.report, "report", false, "print a report: initiatives without place or theme, suspected duplicates, conflicting facts")
	fset.BoolVar(&o.wipe, "wipe", false, "delete every node before importing (schema stays); refused on a database with data that civicgraph never imported into, unless --yes")
	fset.BoolVar(&o.yes, "yes", false, "with --wipe: wipe even a database civicgraph has not imported into")
	fset.BoolVar(&o.noSimilarity, "no-similarity", false, "skip the similarity precompute")
	fset.IntVar(&o.batch, "batch", 500, "initiatives per transaction")
	fset.StringVar(&o.metricsFile, "metrics-file", os.Getenv("CIVICGRAPH_IMPORT_METRICS_FILE"), "after a successful run, write its Prometheus metrics (civicgraph_import_*) to this file, for a node_exporter textfile collector [env CIVICGRAPH_IMPORT_METRICS_FILE]")
	fset.StringVar(&o.taxonomy, "taxonomy", os.Getenv("CIVICGRAPH_TAXONOMY"), "theme taxonomy JSON file (default: the embedded one) [env CIVICGRAPH_TAXONOMY]")
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
	if o.asJSON && !o.dryRun {
		return usageError{"--json needs --dry-run"}
	}
	log := cfg.Log.Logger()
	start := time.Now()

	tax := themes.Default()
	if o.taxonomy != "" {
		t, err := themes.Load(o.taxonomy)
		if err != nil {
			return err
		}
		tax = t
	}
	recs, rs, err := readRecords(fset.Args())
	if err != nil {
		return err
	}
	en := &enrich.Enricher{Gaz: gazetteer.Default(), Tax: tax}
	ins, rep := en.Build(recs)
	// Meaning: embeddings, near-duplicate merging and themes by meaning
	// (lexical only without the model).
	mm := loadModel(cfg.Model, log)
	ins, vecs, meaning, err := applyMeaning(ctx, mm, en, ins, log)
	if err != nil {
		return err
	}
	sum := summarize(ins)
	sum.Duplicates = meaning.Duplicates
	sum.Pages, sum.Files, sum.OrphanSummaries, sum.OrphansMerged = rs.stats.Pages, rs.files, rs.stats.OrphanSummaries, rs.stats.OrphansMerged
	sum.UserRecords = rs.userRecords
	sum.Meaning = meaning

	if o.dryRun {
		if o.asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			for _, in := range ins {
				if err := enc.Encode(in); err != nil {
					return err
				}
			}
		}
		out := stdout
		if o.asJSON {
			out = stderr
		}
		sum.print(out, nil)
		if o.report {
			printReport(out, rep, meaning.Duplicates)
		}
		return rs.errs
	}

	log.Info("import starting", "config", cfg, "initiatives", len(ins))
	db, err := neo4jdb.Open(ctx, neo4jdb.Config{URI: cfg.Neo4j.URI, User: cfg.Neo4j.User, Password: cfg.Neo4j.Password,
		Database: cfg.Neo4j.Database, Logger: log, ConnectTimeout: 60 * time.Second, Embedder: mm.emb,
		Similarity: cfg.Similarity.Options()})
	if err != nil {
		return fmt.Errorf("open neo4j at %s: %w (start a local one with `make neo4j-start`, or set NEO4J_URI)", neo4jdb.RedactURI(cfg.Neo4j.URI), err)
	}
	defer db.Close(context.Background())
	fmt.Fprintf(stderr, "import: writing to %s, database %q\n", neo4jdb.RedactURI(cfg.Neo4j.URI), cfg.Neo4j.Database)
	if o.wipe && !o.yes {
		if err := wipeAllowed(ctx, db); err != nil {
			return fmt.Errorf("--wipe refused for %s, database %q: %w", neo4jdb.RedactURI(cfg.Neo4j.URI), cfg.Neo4j.Database, err)
		}
	}
	// What the graph knew before this run, for the summary to compare.
	if sum.Before, err = db.Coverage(ctx); err != nil {
		return fmt.Errorf("read the coverage before the import: %w", err)
	}
	irun, err := beginImportRun(ctx, db, log, ins, o.wipe)
	if err != nil {
		return err
	}
	if irun.plan.wipe {
		if err := db.DeleteAll(ctx); err != nil {
			return fmt.Errorf("wipe (run again: the next run finishes it): %w", err)
		}
		if err := irun.phase(ctx, neo4jdb.PhaseWrite); err != nil {
			return err
		}
	}
	if err := db.UpsertThemes(ctx, enrich.ThemeList(tax)); err != nil {
		return fmt.Errorf("write themes: %w", err)
	}
	bar := newBar(len(ins), stderr)
	wstart := time.Now()
	st, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: o.batch,
		Progress: func(done int) { _ = bar.Set(done) }, IgnoreHashes: irun.plan.repair})
	_ = bar.Finish()
	if err != nil {
		return fmt.Errorf("import initiatives (done so far: %d created, %d updated; run again to resume): %w", st.Created, st.Updated, err)
	}
	sum.WriteTime = time.Since(wstart)
	if sum.Vectors, err = mm.writeVectors(ctx, db, ins, vecs); err != nil {
		return err
	}
	if sum.Retired, err = db.RetireMerged(ctx, ins); err != nil {
		return err
	}

	if err := irun.phase(ctx, neo4jdb.PhasePrune); err != nil {
		return err
	}
	if sum.Pruned, err = db.PruneOrphans(ctx); err != nil {
		return fmt.Errorf("prune orphan cities and years: %w", err)
	}
	if !o.noSimilarity {
		if err := irun.phase(ctx, neo4jdb.PhaseSimilarity); err != nil {
			return err
		}
		sstart := time.Now()
		if mm.on() {
			sst, err := mm.embedSentences(ctx, ins)
			if err != nil {
				return fmt.Errorf("embed sentences: %w", err)
			}
			sum.SentenceEmbed = sst
		}
		before, err := db.Now(ctx)
		if err != nil {
			return err
		}
		n, err := precomputeSimilarity(ctx, db, mm.similarityInput(cfg.Similarity.Options()), log)
		if err != nil {
			return fmt.Errorf("similarity precompute: %w", err)
		}
		// Curation edits marked before the full refresh read the graph are
		// covered by it.
		if err := db.ClearStale(ctx, before); err != nil {
			return fmt.Errorf("clear similarStale marks: %w", err)
		}
		sum.SimilarityTime, sum.SimilarLinks = time.Since(sstart), n
	}
	if err := irun.finish(ctx); err != nil {
		return err
	}
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	sum.Total = time.Since(start)
	sum.Stats = &st
	sum.print(stdout, counts)
	if o.metricsFile != "" {
		err := metrics.WriteImport(o.metricsFile, metrics.Import{Created: st.Created, Updated: st.Updated, Unchanged: st.Unchanged,
			Rewritten: st.Rewritten, SimilarLinks: sum.SimilarLinks, Duration: sum.Total, Finished: time.Now()})
		if err != nil {
			return fmt.Errorf("write import metrics: %w", err)
		}
	}
	if o.report {
		printReport(stdout, rep, meaning.Duplicates)
	}
	return rs.errs
}

// precomputeSimilarity recomputes every initiative's similar links from
// what Neo4j now holds (so curated and user-added initiatives count too).
func precomputeSimilarity(ctx context.Context, db *neo4jdb.DB, in neo4jdb.SimilarityInput, log *slog.Logger) (int, error) {
	run, err := db.RefreshSimilarity(ctx, nil, in)
	log.Info("similarity precompute", "initiatives", run.Docs, "with.vectors", run.WithVectors, "links", run.Links,
		"read", run.Read.Round(time.Millisecond), "compute", run.Compute.Round(time.Millisecond),
		"write", run.Write.Round(time.Millisecond))
	return run.Links, err
}

func newBar(n int, w io.Writer) *progressbar.ProgressBar {
	visible := false
	if f, ok := w.(*os.File); ok {
		visible = term.IsTerminal(int(f.Fd()))
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

// readState is what reading the inputs produced besides records.
type readState struct {
	files, userRecords int
	stats              importer.MergeStats
	errs               error // per-file or per-line problems; the rest was imported
}

// readRecords reads every path: pages are parsed and merged together;
// user files are added as they are (a user record with the key of a page
// record replaces it).
func readRecords(paths []string) ([]*importer.Record, readState, error) {
	var rs readState
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, rs, fmt.Errorf("read %s: %w", p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".txt", ".jsonl", ".csv":
				if !d.IsDir() && !strings.EqualFold(d.Name(), "README.txt") {
					files = append(files, path)
				}
			}
			return nil
		})
		if err != nil {
			return nil, rs, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	sort.Strings(files)
	var pages []*importer.Page
	var user []*importer.Record
	var errs []error
	for _, f := range files {
		rs.files++
		switch strings.ToLower(filepath.Ext(f)) {
		case ".jsonl", ".csv":
			fh, err := os.Open(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			var recs []*importer.Record
			if strings.HasSuffix(strings.ToLower(f), ".csv") {
				var skip bool
				recs, skip, err = readCSVFile(f, fh)
				if skip {
					fh.Close()
					continue
				}
			} else {
				recs, err = importer.ReadJSONL(fh)
			}
			fh.Close()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f, err))
			}
			user = append(user, recs...)
		default:
			p, err := importer.ParseFile(f)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f, err))
				continue
			}
			pages = append(pages, p)
		}
	}
	recs, st := importer.Merge(pages)
	rs.stats = st
	rs.userRecords = len(user)
	if len(user) > 0 {
		byKey := map[string]int{}
		for i, r := range recs {
			byKey[r.Key] = i
		}
		for _, u := range user {
			if i, ok := byKey[u.Key]; ok {
				recs[i] = u
			} else {
				byKey[u.Key] = len(recs)
				recs = append(recs, u)
			}
		}
	}
	if len(files) == 0 {
		return nil, rs, fmt.Errorf("no .txt, .jsonl or .csv files under %s", strings.Join(paths, ", "))
	}
	rs.errs = errors.Join(errs...)
	return recs, rs, nil
}

// readCSVFile reads a user CSV file, or a graph node table exported by
// civicgraph (Id, Label, …) together with the edge table beside it (its
// name with "nodes" replaced by "edges"). An edge table alone is skipped
// (skip true): it is read with its node table.
func readCSVFile(path string, fh *os.File) (recs []*importer.Record, skip bool, err error) {
	header, _ := csv.NewReader(bufio.NewReader(fh)).Read()
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, false, err
	}
	switch {
	case importer.IsGraphEdgesHeader(header):
		return nil, true, nil
	case importer.IsGraphNodesHeader(header):
		dir, base := filepath.Split(path)
		edgesPath := filepath.Join(dir, strings.Replace(base, "nodes", "edges", 1))
		if edgesPath == path {
			return nil, false, fmt.Errorf("a graph node table needs its edge table beside it, named like it with edges for nodes")
		}
		ef, err := os.Open(edgesPath)
		if err != nil {
			return nil, false, fmt.Errorf("graph node table without its edge table: %w", err)
		}
		defer ef.Close()
		recs, err := importer.ReadGraphCSV(fh, ef)
		return recs, false, err
	}
	recs, err = importer.ReadCSV(fh)
	return recs, false, err
}
