package ingest

import (
	"context"
	"fmt"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// Model is the embedding side of a run: the model and the vector cache,
// or why there is none (then everything stays lexical). The caller loads
// it (cmd/civicgraph does, for import, serve and export alike).
type Model struct {
	Emb   embed.Embedder
	Cache *embed.Cache
	Why   string // set when Emb is nil
}

// on reports whether a model is loaded.
func (m *Model) On() bool { return m != nil && m.Emb != nil }

// passages embeds every initiative's passage (through the cache).
func (m *Model) passages(ctx context.Context, ins []*domain.Initiative) ([][]float32, embed.Stats, error) {
	if !m.On() {
		return nil, embed.Stats{}, nil
	}
	return enrich.Embed(ctx, m.Cache, m.Emb, ins)
}

// embedSentences embeds every sentence of the summaries (through the
// cache), so the similarity refresh can quote the closest pair.
func (m *Model) embedSentences(ctx context.Context, ins []*domain.Initiative) (embed.Stats, error) {
	var texts []string
	for _, in := range ins {
		texts = append(texts, similarity.Sentences(in.Summary)...)
	}
	_, st, err := m.Cache.Embed(ctx, m.Emb, texts)
	return st, err
}

// similarityInput is what the similarity refresh reads from the model:
// cached passage vectors by hash and cached sentence vectors.
func (m *Model) similarityInput(opt similarity.Options) neo4jdb.SimilarityInput {
	in := neo4jdb.SimilarityInput{Options: opt}
	if !m.On() {
		in.Options.SemanticWeight = -1
		return in
	}
	in.Known = m.Cache.Lookup
	in.Sentences = func(summary string) ([]string, [][]float32) {
		ss := similarity.Sentences(summary)
		vs := make([][]float32, len(ss))
		for i, s := range ss {
			if vs[i] = m.Cache.Get(m.Emb.Model(), s); vs[i] == nil {
				return nil, nil // not embedded: no closest-sentence quote for this one
			}
		}
		return ss, vs
	}
	return in
}

// writeVectors stores the passage vectors on their initiatives.
func (m *Model) writeVectors(ctx context.Context, db *neo4jdb.DB, ins []*domain.Initiative, vecs [][]float32) (neo4jdb.EmbeddingRun, error) {
	if !m.On() || len(vecs) != len(ins) {
		return neo4jdb.EmbeddingRun{}, nil
	}
	hubs, err := m.hubs(ctx, ins, vecs)
	if err != nil {
		return neo4jdb.EmbeddingRun{}, err
	}
	es := make([]neo4jdb.Embedding, len(ins))
	for i, in := range ins {
		es[i] = neo4jdb.Embedding{Key: in.ID, Hash: embed.KeyOf(m.Emb.Model(), enrich.Passage(in)).String(), Vec: vecs[i], Hub: hubs[i]}
	}
	run, err := db.WriteEmbeddings(ctx, m.Emb.Model(), es, 500)
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
func (m *Model) hubs(ctx context.Context, ins []*domain.Initiative, vecs [][]float32) ([]float64, error) {
	step := max(1, len(ins)/maxProbes)
	var probes []string
	for i := 0; i < len(ins) && len(probes) < maxProbes; i += step {
		if t := ins[i].Title; t != "" && !ins[i].TitleDerived {
			probes = append(probes, t)
		}
	}
	pv, _, err := m.Cache.EmbedQueries(ctx, m.Emb, probes)
	if err != nil {
		return nil, fmt.Errorf("embed probe queries: %w", err)
	}
	return embed.Hubs(vecs, pv), nil
}
