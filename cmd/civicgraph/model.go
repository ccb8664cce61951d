package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// meaningModel is the embedding side of a run: the model and the vector
// cache, or why there is none (then everything stays lexical).
type meaningModel struct {
	emb   embed.Embedder
	cache *embed.Cache
	why   string // set when emb is nil
}

// loadModel opens the embedding model and its vector cache. It never
// fails the run: without a model the import and the server fall back to
// lexical search and similarity and say so once, clearly.
func loadModel(c config.Model, log *slog.Logger) *meaningModel {
	if c.Off {
		m := &meaningModel{why: "turned off (--no-model / CIVICGRAPH_NO_MODEL=1)"}
		log.Warn("embedding model off: search, similarity, duplicates and themes are lexical only", "why", m.why)
		return m
	}
	start := time.Now()
	e, err := embed.OpenE5(c.Dir, c.Threads)
	if err != nil {
		m := &meaningModel{why: err.Error()}
		log.Warn("embedding model not loaded: search, similarity, duplicates and themes are lexical only (run `make model` or scripts/model.sh ensure)", "err", err)
		return m
	}
	cache, err := embed.OpenCache(embed.DefaultCachePath(c.Dir), e.Dim())
	if err != nil {
		log.Warn("vector cache unreadable; vectors are kept in memory only this run", "err", err)
		cache, _ = embed.OpenCache("", e.Dim())
	}
	log.Info("embedding model loaded", "model", e.Model(), "dir", c.Dir, "cached.vectors", cache.Len(), "took", time.Since(start).Round(time.Millisecond))
	return &meaningModel{emb: e, cache: cache}
}

// on reports whether a model is loaded.
func (m *meaningModel) on() bool { return m != nil && m.emb != nil }

// passages embeds every initiative's passage (through the cache).
func (m *meaningModel) passages(ctx context.Context, ins []*domain.Initiative) ([][]float32, embed.Stats, error) {
	if !m.on() {
		return nil, embed.Stats{}, nil
	}
	return enrich.Embed(ctx, m.cache, m.emb, ins)
}

// embedSentences embeds every sentence of the summaries (through the
// cache), so the similarity refresh can quote the closest pair.
func (m *meaningModel) embedSentences(ctx context.Context, ins []*domain.Initiative) (embed.Stats, error) {
	var texts []string
	for _, in := range ins {
		texts = append(texts, similarity.Sentences(in.Summary)...)
	}
	_, st, err := m.cache.Embed(ctx, m.emb, texts)
	return st, err
}

// similarityInput is what the similarity refresh reads from the model:
// cached passage vectors by hash and cached sentence vectors.
func (m *meaningModel) similarityInput(opt similarity.Options) neo4jdb.SimilarityInput {
	in := neo4jdb.SimilarityInput{Options: opt}
	if !m.on() {
		in.Options.SemanticWeight = -1
		return in
	}
	in.Known = m.cache.Lookup
	in.Sentences = func(summary string) ([]string, [][]float32) {
		ss := similarity.Sentences(summary)
		vs := make([][]float32, len(ss))
		for i, s := range ss {
			if vs[i] = m.cache.Get(m.emb.Model(), s); vs[i] == nil {
				return nil, nil // not embedded: no closest-sentence quote for this one
			}
		}
		return ss, vs
	}
	return in
}

// writeVectors stores the passage vectors on their initiatives.
func (m *meaningModel) writeVectors(ctx context.Context, db *neo4jdb.DB, ins []*domain.Initiative, vecs [][]float32) (neo4jdb.EmbeddingRun, error) {
	if !m.on() || len(vecs) != len(ins) {
		return neo4jdb.EmbeddingRun{}, nil
	}
	hubs, err := m.hubs(ctx, ins, vecs)
	if err != nil {
		return neo4jdb.EmbeddingRun{}, err
	}
	es := make([]neo4jdb.Embedding, len(ins))
	for i, in := range ins {
		es[i] = neo4jdb.Embedding{Key: in.ID, Hash: embed.KeyOf(m.emb.Model(), enrich.Passage(in)).String(), Vec: vecs[i], Hub: hubs[i]}
	}
	run, err := db.WriteEmbeddings(ctx, m.emb.Model(), es, 500)
	if err != nil {
		return run, fmt.Errorf("write embeddings: %w", err)
	}
	return run, nil
}

// maxProbes bounds the probe queries of the hubness estimate.
const maxProbes = 200

// hubs estimates each passage's hubness (embed.Hubs) with probe queries:
// the titles of every k-th initiative, embedded as queries (cached), at
// most maxProbes of them.
func (m *meaningModel) hubs(ctx context.Context, ins []*domain.Initiative, vecs [][]float32) ([]float64, error) {
	step := max(1, len(ins)/maxProbes)
	var probes []string
	for i := 0; i < len(ins) && len(probes) < maxProbes; i += step {
		if t := ins[i].Title; t != "" && !ins[i].TitleDerived {
			probes = append(probes, t)
		}
	}
	pv, _, err := m.cache.EmbedQueries(ctx, m.emb, probes)
	if err != nil {
		return nil, fmt.Errorf("embed probe queries: %w", err)
	}
	return embed.Hubs(vecs, pv), nil
}
