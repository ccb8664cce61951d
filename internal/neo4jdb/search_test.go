package neo4jdb_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestSearchRankingIgnoresWriteOrder: initiatives whose text scores the
// same for a query come back in key order, whatever order they were
// written in and whatever the index held before (Lucene alone orders ties
// by its document number, that is by write order).
func TestSearchRankingIgnoresWriteOrder(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	ins := importFixture(12) // the same summary each: every hit ties
	search := func() []string {
		t.Helper()
		hits, err := db.Search(ctx, domain.SearchQuery{Text: "participatory budget", First: 12})
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, len(hits))
		for k, h := range hits {
			keys[k] = h.Key
		}
		return keys
	}
	write := func(ins []*domain.Initiative) {
		t.Helper()
		dbtest.Wipe(t, db)
		if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: 3, Fresh: true}); err != nil {
			t.Fatal(err)
		}
	}
	write(ins)
	first := search()
	if len(first) != len(ins) || !slices.IsSorted(first) {
		t.Fatalf("tied hits %v: want all %d, in key order", first, len(ins))
	}
	rev := slices.Clone(ins)
	slices.Reverse(rev)
	write(rev)
	if again := search(); !slices.Equal(again, first) {
		t.Errorf("written in reverse order: %v, want %v", again, first)
	}
}

// TestVectorIndexScoresAreExact: the vector index answers with the exact
// cosine of the stored vectors. A quantized index (Neo4j's default) is off
// by up to ~1e-3, enough to reorder nearby hits, and by how much depends
// on what the index held before.
func TestVectorIndexScoresAreExact(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	rng := rand.New(rand.NewPCG(1, 2))
	unit := func() []float64 {
		v := make([]float64, neo4jdb.VectorDims)
		var n float64
		for k := range v {
			v[k] = rng.NormFloat64()
			n += v[k] * v[k]
		}
		for k := range v {
			v[k] = float64(float32(v[k] / math.Sqrt(n)))
		}
		return v
	}
	const n = 300
	vecs := make(map[string][]float64, n)
	rows := make([]map[string]any, n)
	for k := range rows {
		key := fmt.Sprintf("vec-%03d", k)
		vecs[key] = unit()
		rows[k] = map[string]any{"key": key, "v": vecs[key]}
	}
	if err := db.WriteForTest(ctx, `UNWIND $rows AS r CREATE (i:Initiative {key: r.key, title: r.key})
WITH i, r CALL db.create.setNodeVectorProperty(i, 'embedding', r.v)`, map[string]any{"rows": rows}); err != nil {
		t.Fatal(err)
	}
	if err := db.AwaitIndexes(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	q := unit()
	recs, err := db.ReadForTest(ctx, `CALL db.index.vector.queryNodes($index, 50, $q) YIELD node, score RETURN node.key, score`,
		map[string]any{"index": neo4jdb.VectorIndex, "q": q})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 50 {
		t.Fatalf("%d hits, want 50", len(recs))
	}
	var worst float64
	for _, r := range recs {
		key, score := r.Values[0].(string), r.Values[1].(float64)
		var dot float64
		for k, x := range vecs[key] {
			dot += x * q[k]
		}
		worst = max(worst, math.Abs(score-(1+dot)/2)) // Neo4j's cosine score is (1 + cos) / 2
	}
	if worst > 1e-5 {
		t.Errorf("vector index scores differ from the exact cosine by up to %.2g, want < 1e-5 (a quantized index?)", worst)
	}
}

// TestMigrateReplacesTheQuantizedIndex: a database of schema version 5
// (the quantized vector index) ends up with the exact one only.
func TestMigrateReplacesTheQuantizedIndex(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	for _, stmt := range []string{
		"DROP INDEX " + neo4jdb.VectorIndex + " IF EXISTS",
		"CREATE VECTOR INDEX initiative_embedding FOR (n:Initiative) ON (n.embedding) " +
			"OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}",
	} {
		if err := db.WriteForTest(ctx, stmt, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := db.ReadForTest(ctx, `SHOW VECTOR INDEXES YIELD name, options RETURN name, options.indexConfig['vector.quantization.enabled']`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Values[0] != neo4jdb.VectorIndex || recs[0].Values[1] != false {
		var got [][]any
		for _, r := range recs {
			got = append(got, r.Values)
		}
		t.Errorf("vector indexes after the migration: %v, want only [%s false]", got, neo4jdb.VectorIndex)
	}
}

// TestSearchStatementsPlan: each shape of the search statement (words
// only, meaning only, both fused) plans, with the real model.
func TestSearchStatementsPlan(t *testing.T) {
	dbtest.Shared(t)
	db, err := neo4jdb.Connect(neo4jdb.Config{URI: dbtest.URI(), Embedder: embedtest.Model(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	ctx := neo4jdb.WithExplain(context.Background())
	for text, shape := range map[string]string{"climate housing": "both lists", "the": "meaning only (stop words)"} {
		if _, err := db.Search(ctx, domain.SearchQuery{Text: text, First: 5, MatchedTerms: true}); err != nil {
			t.Errorf("search %q (%s): %v", text, shape, err)
		}
	}
	words := dbtest.Shared(t) // no model: words only
	if _, err := words.Search(ctx, domain.SearchQuery{Text: "climate housing", First: 5}); err != nil {
		t.Errorf("search by words only: %v", err)
	}
}

// mapTranslator renders the foreign words it knows, per word.
type mapTranslator map[string][]string

func (m mapTranslator) Translate(text string) [][]string {
	var out [][]string
	for _, w := range strings.Fields(text) {
		if r, ok := m[w]; ok {
			out = append(out, r)
		}
	}
	return out
}

// TestSearchTranslatesForeignWords: with a Translator, a foreign word
// finds the English summaries its renderings name, by words; a rendering
// of several words matches as a phrase, not word by word; renderings are
// escaped like user input; without a Translator the word finds nothing.
func TestSearchTranslatesForeignWords(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	dbtest.Wipe(t, db)
	fixtureThemes(t, db)
	mk := func(id, title, summary string) *domain.Initiative {
		return &domain.Initiative{ID: id, Title: title, Summary: summary,
			Country: &domain.CountryRef{Code: "AT", Name: "Austria"}}
	}
	ins := []*domain.Initiative{
		mk("tr-housing", "Housing First", "Flats for homeless people who sleep rough."),
		mk("tr-air", "Sensors on School Roofs", "Pupils measure the air quality around their schools."),
		mk("tr-meals", "Better School Meals", "Quality standards for the food of schools, and fresh air breaks."),
	}
	if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: 10, Fresh: true}); err != nil {
		t.Fatal(err)
	}
	keys := func(q string) ([]string, []domain.SearchHit) {
		t.Helper()
		hits, err := db.Search(ctx, domain.SearchQuery{Text: q, First: 10, MatchedTerms: true})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var ks []string
		for _, h := range hits {
			ks = append(ks, h.Key)
		}
		return ks, hits
	}
	if ks, _ := keys("Obdachlose"); len(ks) != 0 {
		t.Fatalf("no translator: %v, want nothing", ks)
	}
	db.SetTranslator(mapTranslator{
		"Obdachlose":   {"homeless people", "homeless"},
		"Luftqualität": {"air quality"},
		"Böse":         {`evil" OR *:* OR "x`},
	})
	t.Cleanup(func() { db.SetTranslator(nil) })
	ks, hits := keys("Obdachlose")
	if !slices.Equal(ks, []string{"tr-housing"}) || !hits[0].ByWords || !slices.Contains(hits[0].MatchedTerms, "homeless") {
		t.Errorf("Obdachlose: %v %+v, want tr-housing by words, highlighting homeless", ks, hits)
	}
	if ks, _ := keys("Luftqualität"); !slices.Equal(ks, []string{"tr-air"}) {
		t.Errorf("Luftqualität: %v, want only tr-air (the phrase, not every air or quality)", ks)
	}
	if ks, _ := keys("Böse"); len(ks) != 0 {
		t.Errorf("a rendering with query syntax matched %v, want nothing", ks)
	}
	// The query's own words still count, and rank first where they match.
	if ks, _ := keys("Obdachlose school"); len(ks) != 3 || ks[0] == "tr-housing" {
		t.Errorf("Obdachlose school: %v, want all three, a school first", ks)
	}
}
