// Package ingest is civicgraph's import pipeline: it reads input files
// with the reader of their format, merges them (user records override
// page records), enriches the initiatives (places, themes, level), applies
// the embedding model (near-duplicates merged, themes by meaning), writes
// them through the Neo4j adapter under an import run marker, and
// refreshes similar-initiative links. Each of these is a step of Run;
// `civicgraph import` only parses flags, calls Run and prints the
// summary.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/similarity"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Options configure a run.
type Options struct {
	Paths    []string         // files or directories to read
	Taxonomy *themes.Taxonomy // nil: the embedded one
	Model    *Model           // nil or without Emb: lexical only
	// DryRun stops after the meaning step: nothing is written, DB may be
	// nil.
	DryRun bool
	// Wipe deletes every node first (the run marker may make a run wipe
	// without it: see planImport); Yes allows it on a database civicgraph
	// never imported into.
	Wipe, Yes    bool
	NoSimilarity bool // skip the similarity refresh
	BatchSize    int  // initiatives per transaction (default 500)
	// BulkIndexMin is the size from which a run that wipes writes without
	// the secondary indexes and rebuilds them after (see
	// neo4jdb.BulkIndexes): 0 means DefaultBulkIndexMin, negative never.
	BulkIndexMin int
	Similarity   similarity.Options
	// Progress, if set, is told after each written batch how many of
	// total initiatives are written.
	Progress func(done, total int)
	Log      *slog.Logger // nil: slog.Default()
	// Target names the database in messages (the URI without secrets,
	// and the database name).
	Target string
}

// DefaultBulkIndexMin: below it a wipe keeps its indexes, whose rebuild
// (and the seconds without search it means) would cost more than it
// saves; the showroom (~440 initiatives) never drops them.
const DefaultBulkIndexMin = 20000

// Result is what a run produced.
type Result struct {
	Summary Summary
	// Initiatives are the initiatives written (on a dry run: that would
	// be written), in order.
	Initiatives []*domain.Initiative
	Report      *enrich.Report // what needs a human (see PrintReport)
	Counts      map[string]int // the graph's counts at the end; nil on a dry run
	// Errs are per-file or per-line input problems: the rest was
	// imported. A caller should report them and fail.
	Errs error
}

// step is one stage of a run.
type step struct {
	name string
	do   func(r *run, ctx context.Context) error
}

// readSteps turn files into initiatives; writeSteps store them. A run
// that writes opens the database (openStep) right after the read, in the
// background: see open.
var (
	readSteps  = []step{{"read", (*run).read}, {"enrich", (*run).enrich}, {"meaning", (*run).meaning}}
	openStep   = step{"open", (*run).open}
	writeSteps = []step{{"begin", (*run).begin}, {"write", (*run).write}, {"prune", (*run).prune},
		{"similarity", (*run).similarity}, {"finish", (*run).finish}}
)

// stepsFor lists a run's steps in order.
func stepsFor(dryRun bool) []step {
	if dryRun {
		return readSteps
	}
	steps := append([]step{readSteps[0], openStep}, readSteps[1:]...)
	return append(steps, writeSteps...)
}

// run is the state a run's steps share.
type run struct {
	o      Options
	db     *neo4jdb.DB
	log    *slog.Logger
	start  time.Time
	input  Input // read and merged
	en     *enrich.Enricher
	vecs   [][]float32 // passage vectors of res.Initiatives (nil without a model)
	marker *importRun
	res    *Result
	// opened delivers the result of the background open (nil before it
	// starts and once begin received it); coverageThen is the coverage it
	// read, kept apart from res.Summary, which meaning replaces; cancel
	// stops the steps beside a failed open, with its error as the cause.
	opened       chan error
	coverageThen *domain.Coverage
	cancel       context.CancelCauseFunc
	// stream carries the similarity computed from the input while it is
	// written (runs right after a wipe; computed delivers the sentence
	// embedding's figures when it ends); nil: the similarity step reads
	// the graph. before is the database clock when that computation began.
	stream   *neo4jdb.SimilarityStream
	computed chan embed.Stats
	before   int64
	// bulk: this run dropped the secondary indexes after its wipe;
	// written is closed when the initiatives are written.
	bulk    bool
	written chan struct{}
	// ids receives the element IDs of the initiatives written (nil if
	// they could not be read), when stream is set.
	ids chan map[string]string
}

// Run imports o.Paths into db (nil on a dry run): the read steps, then,
// unless o.DryRun, the write steps. An error names the step; the input
// problems of a run that otherwise succeeded are in Result.Errs.
func Run(ctx context.Context, db *neo4jdb.DB, o Options) (*Result, error) {
	r := &run{o: o, db: db, log: o.Log, start: time.Now(), res: &Result{}}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.o.Taxonomy == nil {
		r.o.Taxonomy = themes.Default()
	}
	if r.o.Model == nil {
		r.o.Model = &Model{Why: "no model given"}
	}
	if !o.DryRun && db == nil {
		return nil, errors.New("import: no database to write to")
	}
	ctx, r.cancel = context.WithCancelCause(ctx)
	defer r.cancel(nil)
	for _, s := range stepsFor(o.DryRun) {
		t0 := time.Now()
		if err := s.do(r, ctx); err != nil {
			if r.stream != nil {
				r.stream.Discard() // the links will not be written; let the scoring end
			}
			if r.opened != nil {
				// Open runs beside this step: stop it, and wait, so that
				// nothing writes after Run returns.
				r.cancel(err)
				if oerr := <-r.opened; oerr != nil && context.Cause(ctx) == oerr {
					return r.res, fmt.Errorf("import step begin: %w", oerr)
				}
			}
			return r.res, fmt.Errorf("import step %s: %w", s.name, err)
		}
		r.log.Debug("import step", "step", s.name, "took", time.Since(t0).Round(time.Millisecond))
	}
	r.res.Summary.Total = time.Since(r.start)
	return r.res, nil
}

// read reads the input files with the reader of their format and merges
// their records.
func (r *run) read(context.Context) error {
	in, err := Read(r.o.Paths)
	if err != nil {
		return err
	}
	r.res.Errs, r.input = in.Errs, in
	return nil
}

// enrich turns the merged records into initiatives: places resolved with
// the gazetteer, themes from the taxonomy, level of government.
func (r *run) enrich(context.Context) error {
	r.en = &enrich.Enricher{Gaz: gazetteer.Default(), Tax: r.o.Taxonomy}
	r.res.Initiatives, r.res.Report = r.en.Build(r.input.Records)
	return nil
}

// meaning applies the embedding model (see ApplyMeaning) and sums up what
// will be written.
func (r *run) meaning(ctx context.Context) error {
	ins, vecs, meaning, err := ApplyMeaning(ctx, r.o.Model, r.en, r.res.Initiatives, r.log)
	if err != nil {
		return err
	}
	r.res.Initiatives, r.vecs = ins, vecs
	sum := summarize(ins)
	in := r.input
	sum.Files, sum.Pages, sum.UserRecords = in.Files, in.Stats.Pages, in.UserRecords
	sum.Warnings = in.Warnings
	sum.OrphanSummaries, sum.OrphansMerged = in.Stats.OrphanSummaries, in.Stats.OrphansMerged
	sum.Duplicates, sum.Meaning = meaning.Duplicates, meaning
	r.res.Summary = sum
	return nil
}

// open starts, in the background, what the write needs of the database
// before any initiative is written and that depends only on the records
// read: the wipe check, the coverage before the run, the run marker, the
// wipe it decides, and the taxonomy's themes (see openDB). Enrich and
// meaning, which use only Go's CPU, run meanwhile, so Neo4j's wipe (4.3 s
// at 100k initiatives over a 10k graph, ~40 s over a 100k one) no longer
// waits for them; begin waits for it. Nothing after the read fails on
// its input (meaning fails only when the run is cancelled), so a wipe
// started here deletes nothing a run that finishes would have kept; a
// run stopped meanwhile leaves its marker unfinished, and the next run
// repairs (planImport).
func (r *run) open(ctx context.Context) error {
	r.opened = make(chan error, 1)
	go func() {
		err := r.openDB(ctx)
		if err != nil {
			r.cancel(err) // the cause Run's error path recognises
		}
		r.opened <- err
	}()
	return nil
}

// openDB checks that a wipe is allowed, records the coverage before the
// run, starts the run marker (which decides whether this run wipes or
// repairs), wipes if so, and writes the taxonomy's themes.
func (r *run) openDB(ctx context.Context) error {
	r.log.Info("import starting", "records", len(r.input.Records))
	if r.o.Wipe && !r.o.Yes {
		if err := wipeAllowed(ctx, r.db); err != nil {
			return fmt.Errorf("--wipe refused for %s: %w", r.o.Target, err)
		}
	}
	var err error
	if r.coverageThen, err = r.db.Coverage(ctx); err != nil {
		return fmt.Errorf("read the coverage before the import: %w", err)
	}
	if r.marker, err = beginImportRun(ctx, r.db, r.log, r.input.Records, r.o.Wipe); err != nil {
		return err
	}
	if r.marker.plan.wipe {
		if err := r.db.DeleteAll(ctx); err != nil {
			return fmt.Errorf("wipe (run again: the next run finishes it): %w", err)
		}
		if err := r.marker.phase(ctx, neo4jdb.PhaseWrite); err != nil {
			return err
		}
	}
	if err := r.db.UpsertThemes(ctx, enrich.ThemeList(r.o.Taxonomy)); err != nil {
		return fmt.Errorf("write themes: %w", err)
	}
	return nil
}

// begin waits for open and, after a wipe, starts computing the similar
// links from the input (Go's work overlaps Neo4j's writes) and drops the
// secondary indexes of a bulk load.
func (r *run) begin(ctx context.Context) error {
	err := <-r.opened
	r.opened = nil // received: Run's error path must not wait for it again
	if err != nil {
		return err
	}
	r.res.Summary.Before = r.coverageThen
	if !r.marker.plan.wipe {
		return nil
	}
	if !r.o.NoSimilarity {
		// After a wipe the graph will hold exactly these initiatives, so
		// their similarity is computed from the input meanwhile.
		if r.before, err = r.db.Now(ctx); err != nil {
			return err
		}
		r.stream, r.computed = neo4jdb.NewSimilarityStream(), make(chan embed.Stats, 1)
		r.written = make(chan struct{})
		go func() { r.computed <- r.computeFromInput(ctx) }()
	}
	min := r.o.BulkIndexMin
	if min == 0 {
		min = DefaultBulkIndexMin
	}
	if min > 0 && len(r.res.Initiatives) >= min {
		if err := r.db.DropBulkIndexes(ctx); err != nil {
			return err
		}
		r.bulk, r.res.Summary.Bulk = true, true
		r.log.Info("bulk load: secondary indexes dropped until the initiatives are written", "initiatives", len(r.res.Initiatives))
	}
	return nil
}

// write writes the initiatives in batches (after a wipe by CREATE), their
// passage vectors, and removes the nodes of keys merged away. After a
// wipe, the similarity computation begin started runs meanwhile.
func (r *run) write(ctx context.Context) error {
	ins := r.res.Initiatives
	t0 := time.Now()
	st, err := r.db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: r.o.BatchSize, Progress: func(done int) {
		if r.o.Progress != nil {
			r.o.Progress(done, len(ins))
		}
	}, IgnoreHashes: r.marker.plan.repair, Fresh: r.marker.plan.wipe})
	if err != nil {
		return fmt.Errorf("import initiatives (done so far: %d created, %d updated; run again to resume): %w", st.Created, st.Updated, err)
	}
	if r.written != nil {
		close(r.written) // the similarity computation may use every CPU now
	}
	r.res.Summary.WriteTime, r.res.Summary.Stats = time.Since(t0), &st
	if r.res.Summary.Vectors, err = r.o.Model.writeVectors(ctx, r.db, ins, r.vecs); err != nil {
		return err
	}
	if r.res.Summary.Retired, err = r.db.RetireMerged(ctx, ins); err != nil {
		return err
	}
	if r.bulk {
		// Populated in the background while the similar links are
		// written (they read none of them); finish waits for them.
		if err := r.db.RebuildIndexes(ctx); err != nil {
			return fmt.Errorf("rebuild the indexes dropped for the bulk load (the next import or server start creates them): %w", err)
		}
	}
	if r.stream != nil {
		// The links are written by element ID; they are read now, while
		// the computation may still run, not after it (2.7 s at 100k).
		keys := make([]string, len(ins))
		for i, in := range ins {
			keys[i] = in.ID
		}
		r.ids = make(chan map[string]string, 1)
		go func() {
			ids, err := r.db.InitiativeIDs(ctx, keys)
			if err != nil {
				r.log.Debug("element IDs not read ahead; the similarity write reads them", "err", err)
			}
			r.ids <- ids
		}()
	}
	return nil
}

// prune removes cities and award years no initiative points at.
func (r *run) prune(ctx context.Context) error {
	if err := r.marker.phase(ctx, neo4jdb.PhasePrune); err != nil {
		return err
	}
	var err error
	if r.res.Summary.Pruned, err = r.db.PruneOrphans(ctx); err != nil {
		return fmt.Errorf("prune orphan cities and years: %w", err)
	}
	return nil
}

// similarity recomputes every initiative's similar links from what Neo4j
// now holds (so curated and user-added initiatives count too).
func (r *run) similarity(ctx context.Context) error {
	if r.o.NoSimilarity {
		return nil
	}
	if err := r.marker.phase(ctx, neo4jdb.PhaseSimilarity); err != nil {
		return err
	}
	t0 := time.Now()
	var run neo4jdb.SimilarityRun
	var err error
	before := r.before
	if r.stream != nil {
		var ids map[string]string
		if r.ids != nil {
			ids = <-r.ids
		}
		// Written as it is scored; a failed sentence embedding arrives
		// as the stream's error, before anything is written.
		// After the wipe: no similar links to replace.
		if run, err = r.db.WriteStream(ctx, r.stream, ids, true); err == nil {
			r.res.Summary.SentenceEmbed = <-r.computed
		}
	} else {
		mm := r.o.Model
		if mm.On() {
			sst, err := mm.embedSentences(ctx, r.res.Initiatives)
			if err != nil {
				return fmt.Errorf("embed sentences: %w", err)
			}
			r.res.Summary.SentenceEmbed = sst
		}
		if before, err = r.db.Now(ctx); err != nil {
			return err
		}
		run, err = r.db.RefreshSimilarity(ctx, nil, mm.similarityInput(r.o.Similarity))
	}
	r.log.Info("similarity precompute", "initiatives", run.Docs, "with.vectors", run.WithVectors, "links", run.Links,
		"read", run.Read.Round(time.Millisecond), "compute", run.Compute.Round(time.Millisecond),
		"write", run.Write.Round(time.Millisecond))
	if err != nil {
		return fmt.Errorf("similarity precompute: %w", err)
	}
	// Curation edits marked before the full refresh read the graph are
	// covered by it.
	if err := r.db.ClearStale(ctx, before); err != nil {
		return fmt.Errorf("clear similarStale marks: %w", err)
	}
	r.res.Summary.SimilarityTime, r.res.Summary.SimilarLinks = time.Since(t0), run.Links
	return nil
}

// computeFromInput computes every initiative's similar links into
// r.stream from the input as it is written (what SimilarityDocs would read
// back after a wipe: key, title, summary, city, themes, passage vector),
// and returns the figures of the sentence embedding it did first.
func (r *run) computeFromInput(ctx context.Context) embed.Stats {
	var sentences embed.Stats
	mm := r.o.Model
	if mm.On() {
		var err error
		if sentences, err = mm.embedSentences(ctx, r.res.Initiatives); err != nil {
			r.stream.Fail(fmt.Errorf("embed sentences: %w", err))
			return sentences
		}
	}
	known := map[string]bool{} // the import links only the taxonomy's themes
	for _, t := range enrich.ThemeList(r.o.Taxonomy) {
		known[t.Slug] = true
	}
	docs := make([]neo4jdb.SimDoc, len(r.res.Initiatives))
	for i, in := range r.res.Initiatives {
		d := neo4jdb.SimDoc{Key: in.ID, Title: in.Title, Summary: in.Summary}
		if in.City != nil {
			d.CityID = in.City.ID
		}
		for _, t := range in.Themes {
			if known[t.Slug] {
				d.Themes = append(d.Themes, t.Slug)
			}
		}
		if mm.On() && len(r.vecs) == len(r.res.Initiatives) {
			d.Vec = r.vecs[i]
		}
		docs[i] = d
	}
	// One scoring goroutine fewer than CPUs: this runs while the
	// initiatives are written, and the batches' writer and Neo4j need a
	// CPU (with every CPU scoring, Neo4j idled half the write phase at
	// 100k initiatives on 2 cores). The links do not depend on it.
	opt := r.o.Similarity
	if opt.Workers == 0 {
		opt.Workers = max(1, runtime.GOMAXPROCS(0)-1)
		opt.MoreWorkers = r.written
	}
	r.stream.Compute(docs, mm.similarityInput(opt))
	return sentences
}

// finish marks the run finished and reads the graph's counts.
func (r *run) finish(ctx context.Context) error {
	if r.bulk {
		t0 := time.Now()
		if err := r.db.AwaitIndexes(ctx, 30*time.Minute); err != nil {
			return err
		}
		r.res.Summary.IndexWait = time.Since(t0)
	}
	if err := r.marker.finish(ctx); err != nil {
		return err
	}
	var err error
	r.res.Counts, err = r.db.Counts(ctx)
	return err
}
