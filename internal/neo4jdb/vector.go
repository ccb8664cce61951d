package neo4jdb

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Embedding is one initiative's passage vector and the content hash it
// was computed from (embed.KeyOf of model and passage text).
type Embedding struct {
	Key, Hash string
	Vec       []float32
	// Hub is the passage's hubness (embed.Hubs), subtracted from its
	// cosine in semantic search.
	Hub float64
}

// EmbeddingRun reports a WriteEmbeddings call.
type EmbeddingRun struct {
	Written, Unchanged int
}

// WriteEmbeddings stores passage vectors on their initiatives, in batches
// of batchSize, one transaction and one round trip each. The hash check
// happens inside the write: an initiative whose stored embeddingHash
// equals the new one is not touched, so an unchanged re-import writes
// nothing, and a run killed halfway is completed by the next (every
// vector not yet stored still differs). Unknown keys are skipped.
func (db *DB) WriteEmbeddings(ctx context.Context, model string, es []Embedding, batchSize int) (EmbeddingRun, error) {
	var out EmbeddingRun
	if batchSize <= 0 {
		batchSize = 500
	}
	for lo := 0; lo < len(es); lo += batchSize {
		hi := min(lo+batchSize, len(es))
		rows := make([]map[string]any, 0, hi-lo)
		for _, e := range es[lo:hi] {
			if len(e.Vec) != VectorDims {
				return out, fmt.Errorf("embedding of %s has %d dimensions, the index takes %d", e.Key, len(e.Vec), VectorDims)
			}
			v := make([]float64, len(e.Vec))
			for i, x := range e.Vec {
				v[i] = float64(x)
			}
			rows = append(rows, map[string]any{"key": e.Key, "hash": e.Hash, "vec": v, "hub": e.Hub})
		}
		written, err := db.writeCount(ctx, `UNWIND $rows AS row
MATCH (i:Initiative {key: row.key})
CALL { WITH i, row WITH i, row WHERE i.hub IS NULL OR abs(i.hub - row.hub) > 1e-5 SET i.hub = row.hub }
WITH i, row WHERE i.embeddingHash IS NULL OR i.embeddingHash <> row.hash OR i.embedding IS NULL
CALL db.create.setNodeVectorProperty(i, 'embedding', row.vec)
SET i.embeddingHash = row.hash, i.embeddingModel = $model
RETURN count(*) AS n`, map[string]any{"rows": rows, "model": model})
		if err != nil {
			return out, fmt.Errorf("write embeddings batch %d: %w", lo/batchSize, err)
		}
		out.Written += written
		out.Unchanged += hi - lo - written
	}
	return out, nil
}

// EmbeddingStats counts initiatives with and without a vector of model.
func (db *DB) EmbeddingStats(ctx context.Context, model string) (with, without int, err error) {
	recs, err := db.read(ctx, `MATCH (i:Initiative)
RETURN count(CASE WHEN i.embedding IS NOT NULL AND i.embeddingModel = $model THEN 1 END) AS with,
       count(CASE WHEN i.embedding IS NULL OR i.embeddingModel <> $model THEN 1 END) AS without`, map[string]any{"model": model})
	if err != nil || len(recs) == 0 {
		return 0, 0, err
	}
	w, _, err1 := neo4j.GetRecordValue[int64](recs[0], "with")
	wo, _, err2 := neo4j.GetRecordValue[int64](recs[0], "without")
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("decode embedding stats: %v %v", err1, err2)
	}
	return int(w), int(wo), nil
}

// vec decodes the stored vector m[k]: absent is nil, anything but a list
// of floats is a decoding error.
func (d *decoder) vec(m map[string]any, k string) []float32 {
	v := m[k]
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			if _, ok := x.(float64); !ok {
				d.fail(k, x, "a float in a vector")
				return nil
			}
		}
	}
	out := toFloat32s(v)
	if out == nil && v != nil {
		d.fail(k, v, "a vector")
	}
	return out
}

// toFloat32s converts a stored vector (a list of floats) for Go.
func toFloat32s(v any) []float32 {
	switch xs := v.(type) {
	case []any:
		out := make([]float32, len(xs))
		for i, x := range xs {
			f, _ := x.(float64)
			out[i] = float32(f)
		}
		return out
	case []float64:
		out := make([]float32, len(xs))
		for i, x := range xs {
			out[i] = float32(x)
		}
		return out
	case []float32:
		return xs
	}
	return nil
}
