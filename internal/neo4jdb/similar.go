package neo4jdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// SimilarityRun reports one refresh of similar-initiative links.
type SimilarityRun struct {
	Docs, Links int // initiatives read, links written
	// Neighbours is how many other initiatives' links a curation refresh
	// recomputed because their kept links may include or drop the edited one.
	Neighbours int
	// Patched is how many other initiatives' stored lists a curation
	// refresh updated in place (the edited initiative entered them or
	// rose in them).
	Patched              int
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
// similarity for the score) by reading every initiative: of every
// initiative when keys is nil, as after an import, or only of the given
// initiatives. The recomputed initiatives' old links are replaced, even by
// none. A full refresh (keys nil) then stores the corpus statistics
// (see incremental.go) that curation refreshes score with instead of
// reading every initiative; a refresh of a few keys here (the fallback
// when no statistics are stored yet) costs a read of the whole graph and
// leaves the links other initiatives hold to them as they were.
func (db *DB) RefreshSimilarity(ctx context.Context, keys []string, in SimilarityInput) (SimilarityRun, error) {
	t0 := time.Now()
	sdocs, err := db.SimilarityDocs(ctx, in.Known)
	if err != nil {
		return SimilarityRun{}, err
	}
	if keys == nil {
		all := make([]string, len(sdocs))
		for i, d := range sdocs {
			all[i] = d.Key
		}
		ids, err := db.InitiativeIDs(ctx, all)
		if err != nil {
			return SimilarityRun{}, fmt.Errorf("read the element IDs of the initiatives: %w", err)
		}
		read := time.Since(t0)
		s := NewSimilarityStream()
		go s.Compute(sdocs, in)
		run, err := db.WriteStream(ctx, s, ids, false)
		run.Read = read
		return run, err
	}
	c := computeFor(sdocs, in, keys)
	c.run.Read = time.Since(t0) - c.run.Compute
	t2 := time.Now()
	err = db.WriteSimilar(ctx, c.byFrom, 500)
	c.run.Write = time.Since(t2)
	return c.run, err
}

// computedSimilarity is a similarity computation's links grouped by the
// initiative holding them.
type computedSimilarity struct {
	byFrom map[string][]domain.SimilarLink
	run    SimilarityRun
}

// similarityDocs turns what SimilarityDocs reads into the documents
// package similarity scores, with their sentences when in asks for them;
// it also returns how many have a passage vector.
func similarityDocs(sdocs []SimDoc, in SimilarityInput) ([]similarity.Doc, int) {
	docs := make([]similarity.Doc, len(sdocs))
	withVectors := 0
	for i, d := range sdocs {
		docs[i] = similarity.Doc{ID: d.Key, CityID: d.CityID, Title: d.Title, Summary: d.Summary, Themes: d.Themes, Vec: d.Vec}
		if in.Sentences != nil && d.Vec != nil {
			docs[i].Sentences, docs[i].SentVecs = in.Sentences(d.Summary)
		}
		if d.Vec != nil {
			withVectors++
		}
	}
	return docs, withVectors
}

// domainLink converts one scored link.
func domainLink(l similarity.Link) domain.SimilarLink {
	return domain.SimilarLink{To: l.To, Score: l.Score, TextScore: l.TextScore,
		ThemeScore: l.ThemeScore, SemanticScore: l.SemanticScore, SharedThemes: l.SharedThemes, SharedTerms: l.SharedTerms,
		ClosestFrom: l.ClosestA, ClosestTo: l.ClosestB}
}

// domainLinks converts one initiative's scored links (nil: none).
func domainLinks(ls []similarity.Link) []domain.SimilarLink {
	if len(ls) == 0 {
		return nil
	}
	out := make([]domain.SimilarLink, len(ls))
	for i, l := range ls {
		out[i] = domainLink(l)
	}
	return out
}

// computeFor scores the initiatives with the given keys against all of
// sdocs and groups their links by the initiative holding them; each of
// keys is in byFrom, so its links are replaced even by none.
func computeFor(sdocs []SimDoc, in SimilarityInput, keys []string) *computedSimilarity {
	c := &computedSimilarity{}
	t0 := time.Now()
	docs, withVectors := similarityDocs(sdocs, in)
	c.run.WithVectors = withVectors
	links := similarity.ComputeFor(docs, keys, in.Options)
	c.byFrom = make(map[string][]domain.SimilarLink, len(keys))
	for _, k := range keys {
		c.byFrom[k] = nil // replaced even with none
	}
	for _, l := range links {
		c.byFrom[l.From] = append(c.byFrom[l.From], domainLink(l))
	}
	c.run.Docs, c.run.Links, c.run.Compute = len(docs), len(links), time.Since(t0)
	return c
}

// SimilarityStream is a full similarity refresh written while it is
// computed: Compute hands each initiative's links over in key order as
// soon as they are scored, and WriteStream writes them in batches as they
// come, so Neo4j's writing overlaps the end of the scoring.
type SimilarityStream struct {
	groups  chan similarGroup
	discard sync.Once
	// Set before groups is closed.
	err    error
	corpus similarity.Corpus
	run    SimilarityRun
}

type similarGroup struct {
	key   string
	links []domain.SimilarLink
}

// NewSimilarityStream returns a stream for one Compute and one WriteStream.
func NewSimilarityStream() *SimilarityStream {
	return &SimilarityStream{groups: make(chan similarGroup, 1024)}
}

// Compute scores every initiative of sdocs into the stream and closes it;
// it returns when the last initiative is handed over (to WriteStream, or
// dropped after Discard).
func (s *SimilarityStream) Compute(sdocs []SimDoc, in SimilarityInput) {
	t0 := time.Now()
	docs, withVectors := similarityDocs(sdocs, in)
	opt := in.Options
	opt.Emit = func(id string, ls []similarity.Link) { s.groups <- similarGroup{key: id, links: domainLinks(ls)} }
	_, st, corpus := similarity.ComputeCorpus(docs, opt)
	s.corpus = corpus
	s.run = SimilarityRun{Docs: st.Docs, Links: st.Links, WithVectors: withVectors, Compute: time.Since(t0)}
	close(s.groups)
}

// Fail closes the stream with err instead of computing: WriteStream writes
// nothing and returns err.
func (s *SimilarityStream) Fail(err error) {
	s.err = err
	close(s.groups)
}

// Discard lets a Compute whose links will not be written finish: what it
// still hands over is dropped. Safe to call more than once.
func (s *SimilarityStream) Discard() {
	s.discard.Do(func() {
		go func() {
			for range s.groups {
			}
		}()
	})
}

// WriteStream writes the stream's links as they come, each pair of
// initiatives once (pairs.go), then the corpus statistics (see
// incremental.go). fresh says the graph holds no similar links (after a
// wipe); otherwise the stream must hand the initiatives over in key order
// (as SimilarityDocs reads them), and each row replaces the links between
// its initiative and those before it. ids are the initiatives' element
// IDs (see InitiativeIDs); a batch with a key it lacks is written by key.
// The run's Write is the time from the call to the last write.
func (db *DB) WriteStream(ctx context.Context, s *SimilarityStream, ids map[string]string, fresh bool) (SimilarityRun, error) {
	defer s.Discard()
	t0 := time.Now()
	var handed []string
	mutual := map[string]int{} // mutual pairs per initiative, both sides
	rows := pairOnce(func(yield func(string, []domain.SimilarLink) bool) {
		for g := range s.groups {
			handed = append(handed, g.key)
			if !yield(g.key, g.links) {
				return
			}
		}
	}, !fresh)
	err := db.writeSimilarBatches(ctx, pairBatches(func(yield func(pairedRow) bool) {
		for r := range rows {
			for _, l := range r.links {
				if l.mutual {
					mutual[r.key]++
					mutual[l.partner]++
				}
			}
			if !yield(r) {
				return
			}
		}
	}, ids, 500))
	if err != nil {
		return s.run, err
	}
	if s.err != nil {
		return s.run, s.err
	}
	t1 := time.Now()
	if err := db.writeMutualCounts(ctx, handed, mutual, ids); err != nil {
		return s.run, fmt.Errorf("store the mutual similar counts: %w", err)
	}
	db.log.Debug("similarity: mutual counts stored", "initiatives", len(handed), "took", time.Since(t1).Round(time.Millisecond))
	if err := db.writeCorpus(ctx, s.corpus); err != nil {
		return s.run, err
	}
	run := s.run
	run.Write = time.Since(t0)
	return run, nil
}

// RefreshSimilar keeps a curated initiative's similar links in step with
// its new text, themes or city (internal/curation calls it after each
// edit). The edit is already saved, and saved with the mark similarStale
// (the time of the edit) in its own transaction, so a refresh that fails —
// or never runs, as after a commit whose outcome the client never learned
// — is not lost: RefreshStale (the server runs it periodically) and the
// next import redo it, and the mark stays visible on the node until then.
// A passage that cannot be re-embedded is logged and the stored vector
// used; only a failed link refresh is an error.
func (db *DB) RefreshSimilar(ctx context.Context, key string) error {
	if err := db.embedCurated(ctx, key); err != nil {
		db.log.Warn("passage vector not refreshed after curation; similarity uses the stored one", "initiative", key, "err", err)
	}
	run, err := db.refreshMarked(ctx, []string{key}, false)
	if err != nil {
		return err
	}
	db.log.Debug("similar links refreshed after curation", "initiative", key, "links", run.Links, "neighbours", run.Neighbours,
		"read", run.Read, "compute", run.Compute, "write", run.Write)
	return nil
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
	var d decoder
	text := embed.Passage(d.str(m, "title"), d.str(m, "summary"), d.boolean(m, "derived"))
	if err := decodeErr("read the curated passage", &d); err != nil {
		return err
	}
	vs, err := db.emb.Passages(ctx, []string{text})
	if err != nil {
		return err
	}
	_, err = db.WriteEmbeddings(ctx, db.emb.Model(), []Embedding{{Key: key, Hash: embed.KeyOf(db.emb.Model(), text).String(), Vec: vs[0]}}, 1)
	return err
}

// refreshMarked refreshes the similar links of edited initiatives (keys)
// and then clears their similarStale marks, but only marks set before the
// refresh read the graph (an edit made meanwhile stays marked for the next
// round). The refresh is incremental (see incremental.go): candidates
// from indexes, scored with the stored corpus statistics; the other
// initiatives whose links may change are marked similarLinksStale and
// refreshed next, the same way. Without stored statistics it falls back to
// RefreshSimilarity (a read of every initiative, the edited ones only).
//
// With inlineNeighbours (the sweeper) the marked neighbours are recomputed
// in the same call; without (a curation request, which should answer
// quickly) they are left marked for the sweeper, within 15 s.
func (db *DB) refreshMarked(ctx context.Context, keys []string, inlineNeighbours bool) (SimilarityRun, error) {
	if len(keys) == 0 {
		return SimilarityRun{}, nil
	}
	seen, err := db.marks(ctx, keys, "similarStale")
	if err != nil {
		return SimilarityRun{}, err
	}
	run, neighbours, err := db.refreshIncremental(ctx, keys, true)
	if errors.Is(err, errNoCorpus) {
		db.log.Debug("no similarity statistics stored; curation refresh reads every initiative", "initiatives", len(keys))
		run, err = db.RefreshSimilarity(ctx, keys, SimilarityInput{Options: db.simOpts})
	}
	if err != nil {
		return run, err
	}
	if len(seen) > 0 {
		if err = db.exec(ctx, `UNWIND $seen AS s MATCH (i:Initiative {key: s.key}) WHERE i.similarStale = s.at REMOVE i.similarStale`, map[string]any{"seen": seen}); err != nil {
			return run, err
		}
	}
	if len(neighbours) > 0 && inlineNeighbours {
		nrun, err := db.refreshNeighbours(ctx, neighbours)
		if err != nil {
			db.log.Warn("links of neighbours of a curated initiative not refreshed; they stay marked (similarLinksStale) for the sweeper", "initiatives", len(neighbours), "err", err)
		} else {
			run.Neighbours += nrun.Docs
		}
	}
	return run, nil
}

// RefreshStale is the sweeper's round: it refreshes the similar links of
// up to limit initiatives still marked similarStale (their refresh after
// a curation edit failed or never ran; their neighbours are recomputed in
// the same call) or similarLinksStale (neighbours of an edited initiative
// left for the sweeper), by the incremental path, and returns how many
// edited (similarStale) initiatives it refreshed; neighbours refreshed are
// logged. Several API servers may run it at once: a refresh is
// idempotent.
func (db *DB) RefreshStale(ctx context.Context, limit int) (int, error) {
	edited, linksOnly, err := db.staleKeys(ctx, limit)
	if err != nil || len(edited)+len(linksOnly) == 0 {
		return 0, err
	}
	for _, k := range edited {
		if err := db.embedCurated(ctx, k); err != nil {
			db.log.Warn("passage vector not refreshed for a stale initiative", "initiative", k, "err", err)
		}
	}
	if _, err := db.refreshMarked(ctx, edited, true); err != nil {
		return 0, err
	}
	if len(linksOnly) > 0 {
		if _, err := db.refreshNeighbours(ctx, linksOnly); err != nil {
			if !errors.Is(err, errNoCorpus) {
				return len(edited), err
			}
			// No statistics (cannot happen: neighbours are only marked by
			// an incremental refresh); drop the marks rather than loop.
			if err := db.exec(ctx, `UNWIND $keys AS k MATCH (i:Initiative {key: k}) REMOVE i.similarLinksStale`, map[string]any{"keys": linksOnly}); err != nil {
				return len(edited), err
			}
		}
	}
	if len(linksOnly) > 0 {
		db.log.Info("similar links of neighbours of curated initiatives refreshed", "initiatives", len(linksOnly))
	}
	return len(edited), nil
}

// ClearStale removes the similarStale and similarLinksStale marks set at
// or before t (ms since the epoch): a full similarity refresh that read
// the graph after t has covered them.
func (db *DB) ClearStale(ctx context.Context, t int64) error {
	if err := db.exec(ctx, `MATCH (i:Initiative) WHERE i.similarStale <= $t REMOVE i.similarStale`, map[string]any{"t": t}); err != nil {
		return err
	}
	return db.exec(ctx, `MATCH (i:Initiative) WHERE i.similarLinksStale <= $t REMOVE i.similarLinksStale`, map[string]any{"t": t})
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

// mutualCountsPerTx bounds the initiatives of one writeMutualCounts
// transaction.
const mutualCountsPerTx = 10_000

// writeMutualCounts stores, on every initiative a full refresh handed
// over, how many mutual pairs it is part of (mutualSimilar, see
// mutualDegree; 0 included, so a count left by an earlier refresh is
// replaced), finding nodes by element ID where ids has one, else by key.
func (db *DB) writeMutualCounts(ctx context.Context, keys []string, counts map[string]int, ids map[string]string) error {
	type batch struct {
		byID bool
		rows []map[string]any
	}
	return inParallel(ctx, similarWriters, func(yield func(batch) bool) {
		byID, byKey := batch{byID: true}, batch{}
		flush := func(b *batch, force bool) bool {
			if len(b.rows) == 0 || (!force && len(b.rows) < mutualCountsPerTx) {
				return true
			}
			ok := yield(*b)
			b.rows = nil
			return ok
		}
		for _, k := range keys {
			row := map[string]any{"key": k, "n": int64(counts[k])}
			b := &byKey
			if id := ids[k]; id != "" {
				row["id"], b = id, &byID
			}
			b.rows = append(b.rows, row)
			if !flush(b, false) {
				return
			}
		}
		_ = flush(&byID, true) && flush(&byKey, true)
	}, func(ctx context.Context, b batch) error {
		q := `UNWIND $rows AS row MATCH (i:Initiative {key: row.key}) SET i.mutualSimilar = row.n`
		if b.byID {
			q = `UNWIND $rows AS row MATCH (i) WHERE elementId(i) = row.id AND i.key = row.key AND 'Initiative' IN labels(i) SET i.mutualSimilar = row.n`
		}
		return db.write(ctx, func(tx neo4j.ManagedTransaction) error {
			_, err := run(ctx, tx, q, map[string]any{"rows": b.rows})
			return err
		})
	})
}
