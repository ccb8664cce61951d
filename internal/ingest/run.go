package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// importPlan is what a run does given how the previous one ended (its run
// marker): the run-marker rule of the README's Import section.
type importPlan struct {
	wipe   bool   // delete everything first
	repair bool   // ignore stored hashes: rewrite every initiative and its links
	reason string // why the plan differs from the flags, for the log; empty if it does not
}

// planImport applies the rule. After a finished run (or none) the flags
// decide and stored hashes are trusted. After a run that did not finish,
// nothing it left is trusted: if it was wiping, this run finishes the wipe
// first (whatever its own flags say: the graph is part deleted); in any
// other phase this run rewrites every initiative with its links. The
// phases after the write (prune, similarity) are redone by every run
// anyway.
func planImport(prev *neo4jdb.ImportRun, wipe bool) importPlan {
	p := importPlan{wipe: wipe}
	if prev.Finished() {
		return p
	}
	p.repair = true
	started := prev.StartedAt.UTC().Format(time.RFC3339)
	if prev.Phase == neo4jdb.PhaseWipe {
		p.wipe = true
		p.reason = fmt.Sprintf("the previous import (started %s) was stopped while wiping the graph: finishing the wipe first", started)
		return p
	}
	p.reason = fmt.Sprintf("the previous import (started %s) did not finish (phase %q): rewriting every initiative and its links, stored hashes ignored", started, prev.Phase)
	return p
}

// importRun is a running import's handle on its marker.
type importRun struct {
	db   *neo4jdb.DB
	log  *slog.Logger
	plan importPlan
}

// beginImportRun marks the run started (in the wipe phase if it wipes,
// else the write phase) and returns its plan, decided from the marker the
// previous run left.
func beginImportRun(ctx context.Context, db *neo4jdb.DB, log *slog.Logger, recs []*importer.Record, wipe bool) (*importRun, error) {
	prev, err := db.LastImportRun(ctx)
	if err != nil {
		return nil, err
	}
	plan := planImport(prev, wipe)
	phase := neo4jdb.PhaseWrite
	if plan.wipe {
		phase = neo4jdb.PhaseWipe
	}
	digest := inputDigest(recs)
	if _, err := db.StartImportRun(ctx, neo4jdb.ImportRun{Phase: phase, Digest: digest, Wipe: plan.wipe, Repair: plan.repair}); err != nil {
		return nil, err
	}
	if plan.reason != "" {
		args := []any{"reason", plan.reason}
		if prev.Digest != digest {
			args = append(args, "note", "the previous run had a different input")
		}
		log.Warn("import repairs an unfinished run", args...)
	}
	log.Info("import phase", "phase", phase)
	return &importRun{db: db, log: log, plan: plan}, nil
}

// phase records that the run enters phase p (committed before p starts).
func (r *importRun) phase(ctx context.Context, p string) error {
	if err := r.db.SetImportPhase(ctx, p); err != nil {
		return err
	}
	r.log.Info("import phase", "phase", p)
	return nil
}

// finish marks the run finished: the graph is whole.
func (r *importRun) finish(ctx context.Context) error {
	if err := r.db.FinishImportRun(ctx); err != nil {
		return err
	}
	r.log.Info("import phase", "phase", neo4jdb.PhaseDone)
	return nil
}

// inputDigest identifies a run's input: a hash of every merged record
// read, in order (the marker is started before the records are enriched).
func inputDigest(recs []*importer.Record) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, rec := range recs {
		_ = enc.Encode(rec) // writes to a hash cannot fail
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// wipeAllowed decides whether --wipe may run without --yes: when the
// database holds no data (only civicgraph's own Meta nodes, if any), or
// when it holds civicgraph's import run marker, which every import writes
// and no wipe removes, so the database is one civicgraph imported into
// before. A database with data and no marker may belong to someone else
// (a mistyped NEO4J_URI); wiping it needs --yes.
func wipeAllowed(ctx context.Context, db *neo4jdb.DB) error {
	prev, err := db.LastImportRun(ctx)
	if err != nil {
		return err
	}
	if prev != nil {
		return nil
	}
	n, err := db.DataNodes(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("it holds %d nodes and no civicgraph import has run on it, so it may not be civicgraph's; add --yes to wipe it anyway", n)
	}
	return nil
}
