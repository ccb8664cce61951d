package neo4jdb

import (
	"context"
	"regexp"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Hybrid search: how `search` and `initiatives(filter: {text})` rank.
//
// Two lists are fused by reciprocal rank fusion (RRF, Cormack et al.
// 2009): an initiative's score is the sum over the lists it appears in of
// 1/(RRFK + rank), rank counted from 1.
//
//   - Words: Neo4j's full-text index (standard-folding analyzer) queried
//     with LuceneQuery: any query word may match (OR), so stop words and a
//     missing word never empty the result; hits matching every word, or
//     the words as a phrase, are boosted; the last word also matches as a
//     prefix (search as you type); words of six letters or more also match
//     within one edit (typos), so "flood" never becomes "blood".
//   - Meaning: the vector index over passage embeddings, queried with the
//     query's e5 embedding ("query:" convention; repeated queries come from
//     the embedder's cache). The SemanticK nearest are re-ranked by cosine
//     minus the passage's hubness (embed.Hubs: generic passages close to
//     every query are pushed down); a hit counts when that is at least
//     SemanticMin and within SemanticMargin of the best, so a query that
//     means nothing in the corpus adds nothing.
//
// Equal scores in either list are ordered by key, so a ranking depends on
// the stored data only, not on the order the indexes hold it in (Lucene
// orders ties by its internal document number, which follows the write
// order of the import's parallel batches).
//
// With a Translator (SetTranslator; the server loads internal/lexicon),
// the English renderings of the query's foreign words join both lists
// (see textMatch).
//
// A hit whose title holds every query word gets TitleBoost on top, which
// puts exact title matches first. Without a model, or when embedding the
// query fails, only the words list is used (logged once per failure).
const (
	RRFK           = 60
	TitleBoost     = 2.0 / (RRFK + 1)
	SemanticK      = 100
	SemanticMin    = 0.805
	SemanticMargin = 0.035
	// MaxWordHits bounds the words list of a text filter (and so its
	// totalCount by words); search ranks the best max(200, 20 × first).
	MaxWordHits = 10000
)

// SearchParams are the words-list parameters search uses for a query
// (the benchmark's peer and floor run the same statement by hand).
func SearchParams(q string, first int) (lucene, titleRe string, limit int) {
	return LuceneQuery(q), titleRegex(contentTerms(queryTerms(q))), max(200, 20*first)
}

// textMatch prepares the parameters of a text condition and returns the
// Cypher fragment that yields (i, score, byWords, byMeaning) for it, and
// the words a hit's highlights are looked for with. With a Translator,
// the English renderings of the query's foreign words join both lists:
// the words list looks for them too (a rendering of several words as a
// phrase, within two positions, so "air quality" does not match every
// "quality"), and the query is embedded with the best rendering of each
// foreign word after it ("Impfung vaccination"). The title boost stays
// with the query's own words.
func (db *DB) textMatch(ctx context.Context, text string, params map[string]any, wordHits int) (string, string, error) {
	terms := queryTerms(text)
	if len(terms) == 0 {
		return "", "", domain.Errorf(domain.EINVALID, "search text %q has no words (letters or digits) to look for", clipText(text, 80))
	}
	content := contentTerms(terms)
	ftq, embedded, highlight := LuceneQuery(text), text, text
	if groups := db.translate(text); groups != nil {
		var all []string
		for _, g := range groups {
			embedded += " " + g[0]
			all = append(all, g...)
		}
		ftq = withRenderings(ftq, all)
		highlight = text + " " + strings.Join(all, " ")
	}
	var vec []float64
	if db.emb != nil && strings.TrimSpace(text) != "" {
		v, err := db.emb.Query(ctx, embedded)
		if err != nil {
			if ctx.Err() != nil {
				return "", "", domain.Errorf(domain.EUNAVAILABLE, "search cancelled: %v", ctx.Err())
			}
			db.log.Warn("query not embedded; searching by words only", "err", err)
		} else {
			vec = make([]float64, len(v))
			for i, x := range v {
				vec[i] = float64(x)
			}
		}
	}
	if ftq == "" && vec == nil {
		return "", "", domain.Errorf(domain.EINVALID, "search text %q has only stop words and no embedding model is loaded", clipText(text, 80))
	}
	params["titleRe"] = titleRegex(content)
	params["titleBoost"] = TitleBoost
	params["rrfK"] = float64(RRFK)
	var branches []string
	if ftq != "" {
		params["ftq"], params["lexK"] = ftq, int64(wordHits)
		branches = append(branches, wordsBranch)
	}
	if vec != nil {
		params["qvec"], params["semK"], params["semMin"], params["semMargin"] = vec, int64(SemanticK), SemanticMin, SemanticMargin
		branches = append(branches, meaningBranch)
	}
	const boost = "CASE WHEN size($titleRe) > 0 AND i.sortTitle =~ $titleRe THEN $titleBoost ELSE 0.0 END"
	if len(branches) == 1 {
		// One list holds each initiative once: nothing to fuse, and the
		// grouping would cost Neo4j 5–8 % more CPU per search (measured
		// on the generated 1k graph, words only).
		return "CALL {\n" + branches[0] + "}\nWITH i, s + " + boost + " AS score, w AS byWords, m AS byMeaning\n", highlight, nil
	}
	return "CALL {\n" + strings.Join(branches, "  UNION ALL\n") + "}\n" +
		"WITH i, sum(s) + " + boost + " AS score,\n" +
		"     max(w) AS byWords, max(m) AS byMeaning\n", highlight, nil
}

// The two ranked lists, as constant fragments (values are parameters).
const (
	wordsBranch = `  CALL db.index.fulltext.queryNodes('` + FulltextIndex + `', $ftq, {limit: $lexK}) YIELD node, score
  WITH node ORDER BY score DESC, node.key
  WITH collect(node) AS ns
  UNWIND range(0, size(ns) - 1) AS r
  RETURN ns[r] AS i, 1.0 / ($rrfK + r + 1) AS s, 1 AS w, 0 AS m
`
	meaningBranch = `  CALL db.index.vector.queryNodes('` + VectorIndex + `', $semK, $qvec) YIELD node, score
  WITH node, 2 * score - 1 - coalesce(node.hub, 0.0) AS c ORDER BY c DESC, node.key
  WITH collect({n: node, c: c}) AS hits
  WITH [h IN hits WHERE h.c >= $semMin AND h.c >= hits[0].c - $semMargin] AS hits
  UNWIND range(0, size(hits) - 1) AS r
  RETURN hits[r].n AS i, 1.0 / ($rrfK + r + 1) AS s, 0 AS w, 1 AS m
`
)

// englishStop are the stop words Lucene's standard analyzer drops: they
// are not in the index, so they are not looked for (but never make a
// query fail).
var englishStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with") {
		englishStop[w] = true
	}
}

// contentTerms drops stop words.
func contentTerms(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if !englishStop[t] {
			out = append(out, t)
		}
	}
	return out
}

// titleRegex matches a stored sort key (folded title, \x1f, key) whose
// title holds a word starting with every term; "" for no terms.
func titleRegex(terms []string) string {
	if len(terms) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("(?s)")
	for _, t := range terms {
		// A word starting with the term, plural "s" dropped: "volunteers"
		// finds "Volunteer Parent-Mediators".
		if len(t) >= 5 && strings.HasSuffix(t, "s") {
			t = t[:len(t)-1]
		}
		b.WriteString(`(?=[^\x1f]*\b\Q` + strings.ReplaceAll(t, `\E`, ``) + `\E)`)
	}
	b.WriteString(".*")
	return b.String()
}

// Search implements graph.InitiativeReader: hybrid search, in one statement.
func (db *DB) Search(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error) {
	params := map[string]any{"limit": int64(q.First)}
	match, highlight, err := db.textMatch(ctx, q.Text, params, max(200, 20*q.First))
	if err != nil {
		return nil, err
	}
	plan, places := q.Plan, "null"
	if q.MatchedTerms { // found in the title, summary and place names
		plan.Parts |= domain.PartSummary
		places = "i.places"
	}
	pl := planner{params: params}
	recs, err := db.read(ctx, match+`WITH i, score, byWords, byMeaning ORDER BY score DESC, i.key LIMIT $limit
RETURN i.key AS key, score, byWords, byMeaning, `+places+` AS places, `+pl.initiative("i", plan, 0)+` AS i`, params)
	if err != nil {
		return nil, err
	}
	terms := contentTerms(queryTerms(highlight)) // with the renderings of foreign words
	out := make([]domain.SearchHit, 0, len(recs))
	for _, r := range recs {
		k, _, err1 := neo4j.GetRecordValue[string](r, "key")
		s, _, err2 := neo4j.GetRecordValue[float64](r, "score")
		w, _, err3 := neo4j.GetRecordValue[int64](r, "byWords")
		m, _, err4 := neo4j.GetRecordValue[int64](r, "byMeaning")
		if err := firstErr(err1, err2, err3, err4); err != nil {
			return nil, domain.Errorf(domain.EINTERNAL, "decode search hit: %v", err)
		}
		var d decoder
		places := recordValue[string](&d, r, "places") // null for initiatives without a place
		in := d.row(d.record(r, "i"), plan)
		if d.err != nil {
			return nil, decodeErr("decode search hit", &d)
		}
		hit := domain.SearchHit{Key: k, Score: s, Initiative: in, ByWords: w > 0, ByMeaning: m > 0}
		if q.MatchedTerms {
			hit.MatchedTerms = matchedTerms(terms, in.Title+" "+in.Summary+" "+places)
		}
		out = append(out, hit)
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

var wordRe = regexp.MustCompile(`[\p{L}\p{N}]+`)

// matchedTerms returns the query terms found in text, for highlighting: as
// a word prefix, or, for terms of six letters or more, within one edit of
// a word (the fuzzy matches the index makes).
func matchedTerms(terms []string, text string) []string {
	words := wordRe.FindAllString(Fold(text), -1)
	out := []string{}
	for _, t := range terms {
		for _, w := range words {
			if strings.HasPrefix(w, t) || len([]rune(t)) >= fuzzyMinLen && levenshtein.ComputeDistance(t, w) <= 1 {
				out = append(out, t)
				break
			}
		}
	}
	return out
}
