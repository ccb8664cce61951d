package neo4jdb

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// SimilarityRun reports one refresh of similar-initiative links.
type SimilarityRun struct {
	Docs, Links          int // initiatives read, links written
	WithVectors          int // initiatives scored with their passage vector
	Read, Compute, Write time.Duration
}

// SimilarityInput is what a refresh may use besides the stored graph.
type SimilarityInput struct {
	// Known answers passage vectors by content hash (the importer's
	// cache) so they need not be read back; nil reads them all.
	Known func(hash string) []float32
	// Sentences splits a summary and embeds its sentences, for the
	// closest-sentence part of reasons; nil leaves it out.
	Sentences func(summary string) ([]string, [][]float32)
	Options   similarity.Options
}

// RefreshSimilarity recomputes similar-initiative links (see package
// similarity for the score): of every initiative when keys is nil, as
// after an import, or only of the given initiatives, as after a curation
// edit. Either way every initiative is read, because term weights and
// candidates depend on all of them, and the recomputed initiatives' old
// links are replaced, even by none. A refresh of a few keys leaves the
// links other initiatives hold to them as they were until the next full
// refresh (the next import).
func (db *DB) RefreshSimilarity(ctx context.Context, keys []string, in SimilarityInput) (SimilarityRun, error) {
	var run SimilarityRun
	t0 := time.Now()
	sdocs, err := db.SimilarityDocs(ctx, in.Known)
	if err != nil {
		return run, err
	}
	docs := make([]similarity.Doc, len(sdocs))
	for i, d := range sdocs {
		docs[i] = similarity.Doc{ID: d.Key, CityID: d.CityID, Title: d.Title, Summary: d.Summary, Themes: d.Themes, Vec: d.Vec}
		if in.Sentences != nil && d.Vec != nil {
			docs[i].Sentences, docs[i].SentVecs = in.Sentences(d.Summary)
		}
		if d.Vec != nil {
			run.WithVectors++
		}
	}
	t1 := time.Now()
	var links []similarity.Link
	if keys == nil {
		links = similarity.Compute(docs, in.Options)
		keys = make([]string, len(docs))
		for i, d := range docs {
			keys[i] = d.ID
		}
	} else {
		links = similarity.ComputeFor(docs, keys, in.Options)
	}
	t2 := time.Now()
	byFrom := make(map[string][]domain.SimilarLink, len(keys))
	for _, k := range keys {
		byFrom[k] = nil // replaced even with none
	}
	for _, l := range links {
		byFrom[l.From] = append(byFrom[l.From], domain.SimilarLink{To: l.To, Score: l.Score, TextScore: l.TextScore,
			ThemeScore: l.ThemeScore, SemanticScore: l.SemanticScore, SharedThemes: l.SharedThemes, SharedTerms: l.SharedTerms,
			ClosestFrom: l.ClosestA, ClosestTo: l.ClosestB})
	}
	err = db.WriteSimilar(ctx, byFrom, 500)
	run.Docs, run.Links, run.Read, run.Compute, run.Write = len(docs), len(links), t1.Sub(t0), t2.Sub(t1), time.Since(t2)
	return run, err
}

// refreshAfterCuration keeps a curated initiative's similar links in step
// with its new text, themes or city. The edit is already saved, and saved
// with the mark similarStale (the time of the edit) in its own
// transaction, so a refresh that fails — or never runs, as after a commit
// whose outcome the client never learned — is not lost: RefreshStale (the
// server runs it periodically) and the next import redo it, and the mark
// stays visible on the node until then.
func (db *DB) refreshAfterCuration(ctx context.Context, key string) {
	if err := db.embedCurated(ctx, key); err != nil {
		db.log.Warn("passage vector not refreshed after curation; similarity uses the stored one", "initiative", key, "err", err)
	}
	run, err := db.refreshMarked(ctx, []string{key})
	if err != nil {
		db.log.Warn("similar links not refreshed after curation; the initiative stays marked (similarStale) and the server's sweeper or the next import retries", "initiative", key, "err", err)
		return
	}
	db.log.Debug("similar links refreshed after curation", "initiative", key, "links", run.Links,
		"read", run.Read, "compute", run.Compute, "write", run.Write)
}

// embedCurated re-embeds a curated initiative's passage (title + summary,
// as the import does) and stores it when it changed.
func (db *DB) embedCurated(ctx context.Context, key string) error {
	if db.emb == nil {
		return nil
	}
	recs, err := db.read(ctx, `MATCH (i:Initiative {key: $key}) RETURN i.title AS title, i.summary AS summary, coalesce(i.titleDerived, false) AS derived`, map[string]any{"key": key})
	if err != nil || len(recs) == 0 {
		return err
	}
	m := recs[0].AsMap()
	derived, _ := m["derived"].(bool)
	text := embed.Passage(str(m, "title"), str(m, "summary"), derived)
	vs, err := db.emb.Passages(ctx, []string{text})
	if err != nil {
		return err
	}
	_, err = db.WriteEmbeddings(ctx, db.emb.Model(), []Embedding{{Key: key, Hash: embed.KeyOf(db.emb.Model(), text).String(), Vec: vs[0]}}, 1)
	return err
}

// refreshMarked refreshes the similar links of keys and then clears
// their similarStale marks, but only marks set before the refresh read
// the graph (an edit made meanwhile stays marked for the next round).
func (db *DB) refreshMarked(ctx context.Context, keys []string) (SimilarityRun, error) {
	recs, err := db.read(ctx, `UNWIND $keys AS k MATCH (i:Initiative {key: k}) WHERE i.similarStale IS NOT NULL
RETURN i.key AS key, i.similarStale AS at`, map[string]any{"keys": keys})
	if err != nil {
		return SimilarityRun{}, err
	}
	seen := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		m := r.AsMap()
		seen = append(seen, map[string]any{"key": m["key"], "at": m["at"]})
	}
	run, err := db.RefreshSimilarity(ctx, keys, SimilarityInput{Options: db.simOpts})
	if err != nil {
		return run, err
	}
	if len(seen) > 0 {
		err = db.exec(ctx, `UNWIND $seen AS s MATCH (i:Initiative {key: s.key}) WHERE i.similarStale = s.at REMOVE i.similarStale`, map[string]any{"seen": seen})
	}
	return run, err
}

// RefreshStale refreshes the similar links of up to limit initiatives
// still marked similarStale (their refresh after a curation edit failed or
// never ran) and returns how many it refreshed. Several API servers may
// run it at once: a refresh is idempotent.
func (db *DB) RefreshStale(ctx context.Context, limit int) (int, error) {
	recs, err := db.read(ctx, `MATCH (i:Initiative) WHERE i.similarStale IS NOT NULL
RETURN i.key AS key ORDER BY i.similarStale LIMIT $limit`, map[string]any{"limit": int64(limit)})
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		k, _, err := neo4j.GetRecordValue[string](r, "key")
		if err != nil {
			return 0, fmt.Errorf("decode stale key: %w", err)
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		if err := db.embedCurated(ctx, k); err != nil {
			db.log.Warn("passage vector not refreshed for a stale initiative", "initiative", k, "err", err)
		}
	}
	if _, err := db.refreshMarked(ctx, keys); err != nil {
		return 0, err
	}
	return len(keys), nil
}

// ClearStale removes the similarStale marks set at or before t (ms since
// the epoch): a full similarity refresh that read the graph after t has
// covered them.
func (db *DB) ClearStale(ctx context.Context, t int64) error {
	return db.exec(ctx, `MATCH (i:Initiative) WHERE i.similarStale <= $t REMOVE i.similarStale`, map[string]any{"t": t})
}

// Now is the database's clock (ms since the epoch), the one similarStale
// marks are written with.
func (db *DB) Now(ctx context.Context) (int64, error) {
	recs, err := db.read(ctx, `RETURN timestamp() AS t`, nil)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	t, _, err := neo4j.GetRecordValue[int64](recs[0], "t")
	return t, err
}
