package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/enrich"
)

// MeaningReport is what the import's meaning step did.
type MeaningReport struct {
	// Model names the model used; "" when none was loaded, and Why says
	// why (then duplicates are the lexical suspicions only).
	Model, Why string
	// Passages and Descriptions are the vector cache's work.
	Passages, Descriptions embed.Stats
	Duplicates             enrich.DuplicateReport
	Took                   time.Duration
}

// ApplyMeaning is the import's step between enrichment and writing: with
// the model it embeds every initiative (title + summary passages and
// summaries alone, through the on-disk cache beside the model), merges
// certain near-duplicates (enrich.MergeDuplicates) and adds themes by
// meaning (Enricher.SemanticThemes). It returns the initiatives to import
// and their passage vectors (nil without a model). A model that is
// missing, switched off or failing is not an error: the initiatives come
// back unchanged with the lexical duplicate report, and the log says so.
// Only a cancelled ctx is returned as an error.
func ApplyMeaning(ctx context.Context, mm *Model, en *enrich.Enricher, ins []*domain.Initiative, log *slog.Logger) ([]*domain.Initiative, [][]float32, MeaningReport, error) {
	start := time.Now()
	lexical := func(why string) ([]*domain.Initiative, [][]float32, MeaningReport, error) {
		log.Warn("no embedding model: duplicates are lexical only (suspicions, nothing merged), themes by categories and keywords", "why", why)
		out, _, dr := enrich.MergeDuplicates(ins, nil, nil)
		return out, nil, MeaningReport{Why: why, Duplicates: dr, Took: time.Since(start)}, nil
	}
	if !mm.On() {
		return lexical(mm.Why)
	}
	e5, cache := mm.Emb, mm.Cache
	mr := MeaningReport{Model: e5.Model()}
	fail := func(step string, err error) ([]*domain.Initiative, [][]float32, MeaningReport, error) {
		if ctx.Err() != nil {
			return nil, nil, mr, ctx.Err()
		}
		return lexical(fmt.Sprintf("%s: %v", step, err))
	}
	vecs, st, err := enrich.Embed(ctx, cache, e5, ins)
	if err != nil {
		return fail("embed passages", err)
	}
	mr.Passages = st
	desc, st, err := enrich.EmbedDescriptions(ctx, cache, e5, ins)
	if err != nil {
		return fail("embed descriptions", err)
	}
	mr.Descriptions = st
	out, outVecs, dr := enrich.MergeDuplicates(ins, vecs, desc)
	mr.Duplicates = dr
	// A survivor that took the other's summary has a new passage.
	var stale []*domain.Initiative
	var at []int
	for i, v := range outVecs {
		if v == nil {
			stale, at = append(stale, out[i]), append(at, i)
		}
	}
	if len(stale) > 0 {
		vs, _, err := enrich.Embed(ctx, cache, e5, stale)
		if err != nil {
			return fail("embed merged passages", err)
		}
		for k, i := range at {
			outVecs[i] = vs[k]
		}
	}
	// Themes by meaning, on the merged initiatives (the prototypes'
	// query vectors come from the cache after the first run).
	if err := en.SemanticThemes(ctx, out, outVecs, embed.WithQueryCache(e5, cache)); err != nil {
		if ctx.Err() != nil {
			return nil, nil, mr, ctx.Err()
		}
		log.Warn("themes by meaning failed; themes stay lexical", "err", err)
	}
	for _, in := range out { // one rule for the flag: the COVID-19 theme (enrich.IsCovid)
		in.Covid = enrich.IsCovid(in.Themes)
	}
	mr.Took = time.Since(start)
	log.Info("meaning", "model", mr.Model, "initiatives", len(ins), "embedded", mr.Passages.Embedded+mr.Descriptions.Embedded,
		"cached", mr.Passages.Cached+mr.Descriptions.Cached, "merged", len(ins)-len(out), "uncertain", len(dr.Uncertain),
		"candidates", dr.Method, "took", mr.Took.Round(time.Millisecond))
	return out, outVecs, mr, nil
}
