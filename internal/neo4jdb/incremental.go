package neo4jdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// Incremental similarity refresh (after a curation edit).
//
// # What is stored
//
// A full refresh (the import's similarity phase) stores the corpus
// statistics the score needs besides the two documents of a pair
// (similarity.Corpus): the number of initiatives N and the document
// frequency of every term found in at least two of them. They live on
// (:Meta {key: 'similarity'}) {generation, n, terms, parts, computedAt}
// and on parts (:Meta {key: 'similarity-terms:<generation>:<part>'})
// {terms: [stem…], dfs: [int…]} of at most corpusPart terms each, one
// transaction per part; the head node is switched to the new generation
// after its parts are written, and old parts are deleted after that, so a
// reader never sees half a table. A server reads the table once per
// generation and keeps it (db.corpus); every refresh only reads the
// generation, in the statement that reads the edited initiative. (At 100k
// synthetic initiatives: see BENCHMARKS.md, "Curation refresh".)
//
// The statistics are those of the last full refresh: a curation edit
// does not update them, so after edits a term's df may be off by the
// number of edited initiatives that gained or lost it (N likewise, by
// the initiatives added since). That is fine: a df of 40 instead of 41
// changes a term's weight ln(1+N/df) by under 1%, so scores move in the
// third decimal and rankings hardly at all, and the next import
// recomputes every link and stores fresh statistics.
//
// # Candidates
//
// One statement finds, for each initiative refreshed, the three sources
// of candidates the full precompute uses, from indexes: the nearest
// initiatives by passage vector (the vector index, vectorCandidates of
// them; the scorer keeps the closest similarity.SemanticNeighbours as the
// full precompute does), the initiatives matching its rarest indexed
// terms in the full-text index (ftCandidates best hits; the scorer keeps
// only those sharing an indexed term), and its theme windows (per theme,
// the next similarity.ThemeBudget initiatives in key order, cyclically:
// exactly the full precompute's theme candidates, read from HAS_THEME in
// key order). The candidates come with their title, summary, themes,
// city and vector, and are scored by similarity.Incremental, the full
// precompute's scorer. The work is bounded by those caps, not by the
// graph.
//
// # Links others hold
//
// The same statement returns, for every candidate, its current links,
// the initiatives that link to the edited one and up to cityCandidates
// initiatives of its city (whose same-city lists it may enter; they are
// scored as candidates only when the full precompute would take them). Because the score is
// symmetric, an initiative whose links may change is one that links to
// the edited initiative now, or whose score with it would enter its kept
// top K (in its city class). Those are marked similarLinksStale (durable,
// visible), unless their stored list can be patched exactly in place
// (see heldLinks.patch). Marked neighbours are recomputed the same way
// (without propagating further: their text did not change) by the
// sweeper (RefreshStale), which then clears the marks; a failed refresh
// leaves them for its next round.
const (
	corpusPart       = 20_000
	vectorCandidates = 100
	ftCandidates     = 400
	ftQueryTerms     = 40
	cityCandidates   = 100
	heldCandidates   = 50
)

// storedCorpus is a corpus table read from the database.
type storedCorpus struct {
	generation string
	corpus     similarity.Corpus
}

// writeCorpus stores c as the statistics of a new generation.
func (db *DB) writeCorpus(ctx context.Context, c similarity.Corpus) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	gen := hex.EncodeToString(b[:])
	terms := make([]string, 0, len(c.DF))
	for t := range c.DF {
		terms = append(terms, t)
	}
	parts := 0
	for lo := 0; lo < len(terms); lo += corpusPart {
		hi := min(lo+corpusPart, len(terms))
		dfs := make([]int64, hi-lo)
		for k, t := range terms[lo:hi] {
			dfs[k] = int64(c.DF[t])
		}
		if err := db.exec(ctx, `MERGE (p:Meta {key: $key}) SET p.terms = $terms, p.dfs = $dfs`,
			map[string]any{"key": partKey(gen, parts), "terms": terms[lo:hi], "dfs": dfs}); err != nil {
			return fmt.Errorf("write similarity statistics part %d: %w", parts, err)
		}
		parts++
	}
	if err := db.exec(ctx, `MERGE (m:Meta {key: 'similarity'})
SET m.generation = $gen, m.n = $n, m.terms = $count, m.parts = $parts, m.computedAt = timestamp()`,
		map[string]any{"gen": gen, "n": int64(c.N), "count": int64(len(terms)), "parts": int64(parts)}); err != nil {
		return fmt.Errorf("write similarity statistics: %w", err)
	}
	db.corpus.Store(&storedCorpus{generation: gen, corpus: c})
	return db.exec(ctx, `MATCH (p:Meta) WHERE p.key STARTS WITH 'similarity-terms:' AND NOT p.key STARTS WITH $prefix DELETE p`,
		map[string]any{"prefix": "similarity-terms:" + gen + ":"})
}

func partKey(gen string, part int) string { return fmt.Sprintf("similarity-terms:%s:%d", gen, part) }

// loadCorpus returns the statistics of generation gen, read once per
// generation.
func (db *DB) loadCorpus(ctx context.Context, gen string) (similarity.Corpus, error) {
	if c := db.corpus.Load(); c != nil && c.generation == gen {
		return c.corpus, nil
	}
	recs, err := db.read(ctx, `MATCH (m:Meta {key: 'similarity'}) WHERE m.generation = $gen
UNWIND range(0, m.parts - 1) AS k
MATCH (p:Meta {key: 'similarity-terms:' + $gen + ':' + toString(k)})
RETURN m.n AS n, p.terms AS terms, p.dfs AS dfs`, map[string]any{"gen": gen})
	if err != nil {
		return similarity.Corpus{}, err
	}
	if len(recs) == 0 {
		return similarity.Corpus{}, fmt.Errorf("similarity statistics of generation %s gone (a new import?)", gen)
	}
	c := similarity.Corpus{DF: map[string]int{}}
	for _, r := range recs {
		m := r.AsMap()
		n, _ := m["n"].(int64)
		c.N = int(n)
		terms, _ := m["terms"].([]any)
		dfs, _ := m["dfs"].([]any)
		for k := range min(len(terms), len(dfs)) {
			t, _ := terms[k].(string)
			f, _ := dfs[k].(int64)
			c.DF[t] = int(f)
		}
	}
	db.corpus.Store(&storedCorpus{generation: gen, corpus: c})
	return c, nil
}

// errNoCorpus: no statistics stored yet (a graph imported before they
// were, or never fully refreshed); the caller falls back to a full read.
var errNoCorpus = fmt.Errorf("no similarity statistics stored")

// refreshIncremental recomputes the similar links of keys from the stored
// statistics and index-found candidates (see the top of this file) and
// writes them. With propagate, it also marks similarLinksStale and
// returns the other initiatives whose links may change.
func (db *DB) refreshIncremental(ctx context.Context, keys []string, propagate bool) (SimilarityRun, []string, error) {
	var run SimilarityRun
	t0 := time.Now()
	recs, err := db.read(ctx, `OPTIONAL MATCH (m:Meta {key: 'similarity'})
WITH m UNWIND $keys AS k
OPTIONAL MATCH (i:Initiative {key: k})
RETURN m.generation AS gen, i.key AS key, i.title AS title, i.summary AS summary,
       head([(i)-[:IN_CITY]->(c:City) | c.id]) AS city,
       [(i)-[:HAS_THEME]->(t:Theme) | t.slug] AS themes, i.embedding AS vec`, map[string]any{"keys": keys})
	if err != nil {
		return run, nil, err
	}
	if len(recs) == 0 || recs[0].AsMap()["gen"] == nil {
		return run, nil, errNoCorpus
	}
	var d decoder
	corpus, err := db.loadCorpus(ctx, d.str(recs[0].AsMap(), "gen"))
	if err != nil {
		return run, nil, err
	}
	opt := similarity.Resolved(db.simOpts, corpus.N)
	docs := map[string]similarity.Doc{}
	var params []map[string]any
	budget := 0
	for _, r := range recs {
		m := r.AsMap()
		if m["key"] == nil {
			continue // deleted meanwhile: its links went with it
		}
		doc := similarity.Doc{ID: d.str(m, "key"), Title: d.str(m, "title"), Summary: d.str(m, "summary"), CityID: d.str(m, "city"),
			Themes: d.strs(m, "themes"), Vec: d.vec(m, "vec")}
		if err := decodeErr("read refreshed initiatives", &d); err != nil {
			return run, nil, err
		}
		docs[doc.ID] = doc
		terms := similarity.QueryTerms(doc, corpus, opt, ftQueryTerms)
		for k, t := range terms {
			terms[k] = EscapeLucene(t)
		}
		b := similarity.ThemeBudget(len(doc.Themes), opt)
		budget = max(budget, b)
		params = append(params, map[string]any{"key": doc.ID, "ftq": strings.Join(terms, " OR "), "themes": doc.Themes, "budget": int64(b)})
		if doc.Vec != nil {
			run.WithVectors++
		}
	}
	byFrom := make(map[string][]domain.SimilarLink, len(keys))
	for _, k := range keys {
		if _, ok := docs[k]; ok {
			byFrom[k] = nil // replaced even with none
		}
	}
	if len(params) == 0 {
		return run, nil, nil
	}
	cands, linkers, err := db.candidates(ctx, params, max(budget, 1), propagate)
	if err != nil {
		return run, nil, err
	}
	t1 := time.Now()
	refreshed := map[string]bool{}
	for _, k := range keys {
		refreshed[k] = true
	}
	neighbours := map[string]bool{} // to recompute
	patched := map[string]bool{}    // lists patched in place
	for key, d := range docs {
		links, pairs := similarity.Incremental(d, cands[key], corpus, opt)
		run.Docs++
		run.Links += len(links)
		for _, l := range links {
			byFrom[key] = append(byFrom[key], domainLink(l))
		}
		if !propagate {
			continue
		}
		// The initiatives whose kept links may include or drop d: those
		// linking to it, and of the others the heldCandidates best
		// scored with it (a weaker one would rarely keep it).
		score := make(map[string]similarity.Pair, len(pairs))
		for _, p := range pairs {
			score[p.ID] = p
		}
		sort.Slice(pairs, func(a, b int) bool { return pairs[a].Score > pairs[b].Score })
		docOf := map[string]similarity.Doc{}
		for _, c := range cands[key] {
			docOf[c.ID] = c.Doc
		}
		var ask []similarity.Doc
		for _, p := range pairs {
			if linkers[key][p.ID] || (len(ask) < heldCandidates+len(linkers[key]) && p.Score >= opt.MinScore) {
				ask = append(ask, docOf[p.ID])
			}
		}
		held, err := db.heldLinksOf(ctx, key, ask)
		if err != nil {
			return run, nil, err
		}
		for j, h := range held {
			if refreshed[j] || patched[j] {
				continue
			}
			p, ok := score[j]
			if !h.linksTo && !(ok && h.mayChange(p, opt)) {
				continue
			}
			if ls, ok := h.patch(d, corpus, opt); ok {
				byFrom[j] = ls
				patched[j] = true
				run.Patched++
			} else {
				neighbours[j] = true
			}
		}
	}
	t2 := time.Now()
	if err := db.WriteSimilar(ctx, byFrom, 500); err != nil {
		return run, nil, err
	}
	var out []string
	for j := range neighbours {
		out = append(out, j)
	}
	if len(out) > 0 {
		if err := db.exec(ctx, `UNWIND $keys AS k MATCH (j:Initiative {key: k}) SET j.similarLinksStale = timestamp()`,
			map[string]any{"keys": out}); err != nil {
			return run, nil, fmt.Errorf("mark neighbours similarLinksStale: %w", err)
		}
	}
	run.Read, run.Compute, run.Write = t1.Sub(t0), t2.Sub(t1), time.Since(t2)
	db.log.Debug("incremental similarity refresh", "initiatives", len(keys), "propagate", propagate, "read", run.Read,
		"compute", run.Compute, "write", run.Write, "neighbours.recompute", len(out), "neighbours.patched", run.Patched)
	return run, out, nil
}

// heldLinks is what a candidate holds now: its city, the scores of its
// links per city class (same city as itself or not), and whether one of
// them goes to the initiative being refreshed.
type heldLinks struct {
	doc         similarity.Doc
	same, other []float64
	links       []domain.SimilarLink
	sameCity    []bool // per link: target in the holder's city
	linksTo     bool
	oldScore    float64 // of the link to the refreshed initiative
}

// mayChange: with score p with the refreshed initiative, the candidate
// would keep it among its links (it has room in that city class, or p
// beats its weakest kept link there). Ties count, to be safe.
func (h heldLinks) mayChange(p similarity.Pair, opt similarity.Options) bool {
	if p.Score <= 0 || p.Score < opt.MinScore {
		return false
	}
	list, k := h.other, opt.K
	if p.SameCity {
		list, k = h.same, opt.SameCityK
	}
	if k <= 0 {
		return false
	}
	if len(list) < k {
		return true
	}
	weakest := list[0]
	for _, s := range list {
		weakest = min(weakest, s)
	}
	return p.Score >= weakest
}

// patch returns the holder's links after d changed, computed from its
// stored ones, when that is exact. The holder's best unstored candidate
// scores at most the weakest link it keeps in that city class, so:
//
//   - d enters a class (it shares an indexed term with the holder, so it
//     is among its candidates) when there is room or it beats the
//     weakest kept link, which then drops out;
//   - d stays in its class when its new score is at least its old one or
//     at least every other link kept there;
//   - d leaves a class (score below MinScore, or moved to the other city
//     class) only when the class had room: nothing unstored could take
//     its place.
//
// Otherwise ok is false and the holder is recomputed.
func (h heldLinks) patch(d similarity.Doc, c similarity.Corpus, opt similarity.Options) ([]domain.SimilarLink, bool) {
	l, shared := similarity.PairLink(h.doc, d, c, opt)
	keep := l.Score > 0 && l.Score >= opt.MinScore
	classK := func(same bool) int {
		if same {
			return opt.SameCityK
		}
		return opt.K
	}
	// Stored links per class (0 other city, 1 same city) and the weakest
	// of each, d's link excluded. d's class when stored is not known for
	// sure: the edit may have moved it to another city.
	var inClass [2]int
	weakest := [2]float64{2, 2}
	old := false
	for k, x := range h.links {
		if x.To == d.ID {
			old = true
			continue
		}
		c := 0
		if h.sameCity[k] {
			c = 1
		}
		inClass[c]++
		weakest[c] = min(weakest[c], x.Score)
	}
	cls := func(same bool) int {
		if same {
			return 1
		}
		return 0
	}
	// fullWith: the class was full with d in it.
	fullWith := func(same bool) bool { return inClass[cls(same)]+1 >= classK(same) }
	switch {
	case old && !keep: // leaves: exact only when nothing could replace it
		if fullWith(true) || fullWith(false) {
			return nil, false
		}
	case old:
		if fullWith(!l.SameCity) {
			return nil, false // it may have left that full class
		}
		if fullWith(l.SameCity) && l.Score < h.oldScore && l.Score < weakest[cls(l.SameCity)] {
			return nil, false // weaker and now the weakest: an unstored candidate may beat it
		}
	case !keep || !shared: // not a link, or perhaps not a candidate of the holder
		return nil, false
	}
	type entry struct {
		link     domain.SimilarLink
		sameCity bool
	}
	es := make([]entry, 0, len(h.links)+1)
	for k, x := range h.links {
		if x.To != d.ID {
			es = append(es, entry{x, h.sameCity[k]})
		}
	}
	if keep {
		es = append(es, entry{domain.SimilarLink{To: l.To, Score: l.Score, TextScore: l.TextScore, ThemeScore: l.ThemeScore,
			SemanticScore: l.SemanticScore, SharedThemes: l.SharedThemes, SharedTerms: l.SharedTerms}, l.SameCity})
	}
	sort.SliceStable(es, func(a, b int) bool {
		if es[a].link.Score != es[b].link.Score {
			return es[a].link.Score > es[b].link.Score
		}
		return es[a].link.To < es[b].link.To
	})
	out := make([]domain.SimilarLink, 0, len(es))
	same, other := 0, 0
	for _, e := range es {
		if e.sameCity {
			if same == opt.SameCityK {
				continue
			}
			same++
		} else {
			if other == opt.K {
				continue
			}
			other++
		}
		out = append(out, e.link)
	}
	return out, true
}

// candidatesCypher reads the candidates of each of $docs (see
// candidates).
const candidatesCypher = `UNWIND $docs AS d
CALL {
  WITH d
  MATCH (i:Initiative {key: d.key}) WHERE i.embedding IS NOT NULL
  CALL db.index.vector.queryNodes($vindex, $vk, i.embedding) YIELD node
  RETURN node AS j, 'v' AS via
  UNION
  WITH d
  WITH d WHERE d.ftq <> ''
  CALL db.index.fulltext.queryNodes($ftindex, d.ftq, {limit: $ftk}) YIELD node
  RETURN node AS j, 't' AS via
  UNION
  WITH d
  UNWIND d.themes AS th
  CALL {
    WITH d, th
    MATCH (j:Initiative) USING INDEX j:Initiative(key)
    WHERE j.key > d.key AND EXISTS { (j)-[:HAS_THEME]->(:Theme {slug: th}) }
    WITH j ORDER BY j.key LIMIT $budget RETURN collect(j) AS after
  }
  CALL {
    WITH d, th
    MATCH (j:Initiative) USING INDEX j:Initiative(key)
    WHERE j.key < d.key AND EXISTS { (j)-[:HAS_THEME]->(:Theme {slug: th}) }
    WITH j ORDER BY j.key LIMIT $budget RETURN collect(j) AS before
  }
  UNWIND (after + before)[0..d.budget] AS j
  RETURN j, 'h' AS via
  UNION
  WITH d
  WITH d WHERE $propagate
  MATCH (x:Initiative {key: d.key})-[s:SIMILAR]-(j:Initiative) WHERE endNode(s) = x OR s.mutual
  RETURN j, 'r' AS via
  UNION
  WITH d
  WITH d WHERE $propagate
  MATCH (:Initiative {key: d.key})-[:IN_CITY]->(:City)<-[:IN_CITY]-(j:Initiative)
  WITH j LIMIT $cityk
  RETURN j, 'c' AS via
}
WITH d, j, collect(DISTINCT via) AS vias
WHERE j.key <> d.key
RETURN d.key AS of, j.key AS key, j.title AS title, j.summary AS summary,
       head([(j)-[:IN_CITY]->(c:City) | c.id]) AS city,
       [(j)-[:HAS_THEME]->(t:Theme) | t.slug] AS themes, j.embedding AS vec, vias`

// heldCypher reads the stored links of $keys (those each holds: see
// heldMatch).
const heldCypher = `UNWIND $keys AS k
MATCH (j:Initiative {key: k})
RETURN k AS key, COLLECT { ` + heldMatch + `
  RETURN {to: {t}.key, city: coalesce(head([({t})-[:IN_CITY]->(c:City) | c.id]), ''), score: {s}.score, text: {s}.textScore,
   theme: {s}.themeScore, sem: {s}.semanticScore, closest: ` + heldClosest + `, themes: {s}.sharedThemes, terms: ` + heldTerms + `} } AS held`

// heldStatement is heldCypher for node j, link s and linked initiative t.
var heldStatement = held(heldCypher, "j", "s", "t")

// candidates reads, in one statement, the candidates of each doc in
// params (see the top of this file), keyed by the doc's key, and with
// propagate the initiatives that link to it.
func (db *DB) candidates(ctx context.Context, params []map[string]any, budget int, propagate bool) (map[string][]similarity.Candidate, map[string]map[string]bool, error) {
	recs, err := db.read(ctx, candidatesCypher,
		map[string]any{"docs": params, "vindex": VectorIndex, "vk": int64(vectorCandidates), "ftindex": FulltextIndex,
			"ftk": int64(ftCandidates), "budget": int64(budget), "propagate": propagate, "cityk": int64(cityCandidates)})
	if err != nil {
		return nil, nil, fmt.Errorf("read similarity candidates: %w", err)
	}
	cands := map[string][]similarity.Candidate{}
	linkers := map[string]map[string]bool{}
	var d decoder
	for _, r := range recs {
		m := r.AsMap()
		of := d.str(m, "of")
		c := similarity.Candidate{Doc: similarity.Doc{ID: d.str(m, "key"), Title: d.str(m, "title"), Summary: d.str(m, "summary"),
			CityID: d.str(m, "city"), Themes: d.strs(m, "themes"), Vec: d.vec(m, "vec")}}
		for _, v := range d.strs(m, "vias") {
			switch v {
			case "v":
				c.NearVector = true
			case "h":
				c.InThemeWindow = true
			case "r":
				if linkers[of] == nil {
					linkers[of] = map[string]bool{}
				}
				linkers[of][c.ID] = true
			}
		}
		cands[of] = append(cands[of], c)
	}
	if err := decodeErr("read similarity candidates", &d); err != nil {
		return nil, nil, err
	}
	return cands, linkers, nil
}

// heldLinksOf reads the stored links of the given candidates of the
// refreshed initiative of.
func (db *DB) heldLinksOf(ctx context.Context, of string, docs []similarity.Doc) (map[string]heldLinks, error) {
	keys := make([]string, len(docs))
	byKey := make(map[string]similarity.Doc, len(docs))
	for i, d := range docs {
		keys[i] = d.ID
		byKey[d.ID] = d
	}
	recs, err := db.read(ctx, heldStatement, map[string]any{"keys": keys})
	if err != nil {
		return nil, fmt.Errorf("read links held by neighbours: %w", err)
	}
	out := make(map[string]heldLinks, len(recs))
	var d decoder
	for _, r := range recs {
		m := r.AsMap()
		doc := byKey[d.str(m, "key")]
		h := heldLinks{doc: doc}
		for _, l := range d.maps(m, "held") {
			hl := domain.SimilarLink{To: d.str(l, "to"), SharedThemes: d.strs(l, "themes"), SharedTerms: d.strs(l, "terms"),
				Score: d.f64(l, "score"), TextScore: d.f64(l, "text"), ThemeScore: d.f64(l, "theme"), SemanticScore: d.f64(l, "sem")}
			if cl := d.strs(l, "closest"); len(cl) == 2 {
				hl.ClosestFrom, hl.ClosestTo = cl[0], cl[1]
			}
			sameCity := doc.CityID != "" && d.str(l, "city") == doc.CityID
			if sameCity {
				h.same = append(h.same, hl.Score)
			} else {
				h.other = append(h.other, hl.Score)
			}
			if hl.To == of {
				h.linksTo, h.oldScore = true, hl.Score
			}
			h.links = append(h.links, hl)
			h.sameCity = append(h.sameCity, sameCity)
		}
		out[doc.ID] = h
	}
	return out, decodeErr("read links held by neighbours", &d)
}

// refreshNeighbours refreshes the links of initiatives marked
// similarLinksStale (neighbours of an edited initiative), without
// propagating further, and clears the marks set before the refresh read
// the graph.
func (db *DB) refreshNeighbours(ctx context.Context, keys []string) (SimilarityRun, error) {
	if len(keys) == 0 {
		return SimilarityRun{}, nil
	}
	seen, err := db.marks(ctx, keys, "similarLinksStale")
	if err != nil {
		return SimilarityRun{}, err
	}
	run, _, err := db.refreshIncremental(ctx, keys, false)
	if err != nil {
		return run, err
	}
	if len(seen) > 0 {
		err = db.exec(ctx, `UNWIND $seen AS s MATCH (i:Initiative {key: s.key}) WHERE i.similarLinksStale = s.at REMOVE i.similarLinksStale`,
			map[string]any{"seen": seen})
	}
	return run, err
}

// marks reads the given mark (similarStale or similarLinksStale) of keys.
func (db *DB) marks(ctx context.Context, keys []string, mark string) ([]map[string]any, error) {
	q := `UNWIND $keys AS k MATCH (i:Initiative {key: k}) WHERE i.similarStale IS NOT NULL RETURN i.key AS key, i.similarStale AS at`
	if mark == "similarLinksStale" {
		q = `UNWIND $keys AS k MATCH (i:Initiative {key: k}) WHERE i.similarLinksStale IS NOT NULL RETURN i.key AS key, i.similarLinksStale AS at`
	}
	recs, err := db.read(ctx, q, map[string]any{"keys": keys})
	if err != nil {
		return nil, err
	}
	seen := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		m := r.AsMap()
		seen = append(seen, map[string]any{"key": m["key"], "at": m["at"]})
	}
	return seen, nil
}

// staleKeys returns up to limit initiatives marked similarStale (edited)
// or similarLinksStale (neighbours of an edit), oldest first.
func (db *DB) staleKeys(ctx context.Context, limit int) (edited, linksOnly []string, err error) {
	recs, err := db.read(ctx, `CALL {
  MATCH (i:Initiative) WHERE i.similarStale IS NOT NULL RETURN i
  UNION
  MATCH (i:Initiative) WHERE i.similarLinksStale IS NOT NULL RETURN i
}
RETURN i.key AS key, i.similarStale IS NOT NULL AS edited
ORDER BY coalesce(i.similarStale, i.similarLinksStale), key LIMIT $limit`, map[string]any{"limit": int64(limit)})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range recs {
		k, _, err := neo4j.GetRecordValue[string](r, "key")
		if err != nil {
			return nil, nil, fmt.Errorf("decode stale key: %w", err)
		}
		e, _, err := neo4j.GetRecordValue[bool](r, "edited")
		if err != nil {
			return nil, nil, fmt.Errorf("decode stale mark: %w", err)
		}
		if e {
			edited = append(edited, k)
		} else {
			linksOnly = append(linksOnly, k)
		}
	}
	return edited, linksOnly, nil
}
