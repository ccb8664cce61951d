package neo4jdb

import (
	"context"
	"time"

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
// with its new text, themes or city. The edit itself is already saved, so
// a failure here is logged, not returned: the next import refreshes
// everything anyway.
func (db *DB) refreshAfterCuration(ctx context.Context, key string) {
	if err := db.embedCurated(ctx, key); err != nil {
		db.log.Warn("passage vector not refreshed after curation; similarity uses the stored one", "initiative", key, "err", err)
	}
	run, err := db.RefreshSimilarity(ctx, []string{key}, SimilarityInput{})
	if err != nil {
		db.log.Warn("similar links not refreshed after curation", "initiative", key, "err", err)
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
