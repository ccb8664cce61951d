package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// meaningDB is the imported showroom read through a store that embeds
// queries with the real model (the API server's setup).
func meaningDB(t *testing.T) *neo4jdb.DB {
	t.Helper()
	importedDB(t)
	db, err := neo4jdb.Connect(neo4jdb.Config{URI: dbtest.URI(), Embedder: embedtest.Model(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	return db
}

type hybridHit struct {
	Score        float64
	MatchedBy    string   `json:"matchedBy"`
	MatchedTerms []string `json:"matchedTerms"`
	Initiative   struct {
		Key, Title, Summary string
	}
}

// TestHybridSearch runs the queries of issue 9 and others like them against
// the imported showroom with the real model: each must return what it
// means, judged by the words of the hits' own text (not by fixed keys).
func TestHybridSearch(t *testing.T) {
	srv := newAPI(t, meaningDB(t), nil)
	search := func(q string, first int) []hybridHit {
		t.Helper()
		var res struct{ Search []hybridHit }
		mustData(t, srv, `query($q: String!, $n: Int) { search(query: $q, first: $n) { score matchedBy matchedTerms initiative { key title summary } } }`,
			map[string]any{"q": q, "n": first}, &res)
		return res.Search
	}
	text := func(h hybridHit) string { return strings.ToLower(h.Initiative.Title + " " + h.Initiative.Summary) }
	mentions := func(h hybridHit, words ...string) bool {
		for _, w := range words {
			if strings.Contains(text(h), w) {
				return true
			}
		}
		return false
	}
	// Every one of the top n hits must mention one of the words.
	topMean := func(q string, n int, words ...string) []hybridHit {
		t.Helper()
		hits := search(q, 10)
		if len(hits) < n {
			t.Errorf("search(%q): %d hits, want at least %d", q, len(hits), n)
			return hits
		}
		for i, h := range hits[:n] {
			if !mentions(h, words...) {
				t.Errorf("search(%q) hit %d %q (%s) mentions none of %v", q, i+1, h.Initiative.Title, h.MatchedBy, words)
			}
		}
		return hits
	}

	// Stop words never zero a result; an exact title comes first.
	topMean("the citizens assembly", 3, "assembl")
	for _, title := range []string{"Hello, How Are You?", "Bristol’s First Citizens’ Assembly", "Gdynia Storm Shelter"} {
		if hits := search(title, 3); len(hits) == 0 || hits[0].Initiative.Title != title {
			t.Errorf("search(%q): first hit %+v, want that title", title, hits)
		}
	}
	// Meaning, in English and across languages.
	topMean("elderly loneliness", 3, "lonel", "isolat", "elderly", "senior", "older")
	topMean("working hours", 3, "working", "work", "labour", "employ")
	topMean("Klimaschutz", 3, "climat", "carbon", "emission", "green roof")
	topMean("Bürgerbeteiligung", 3, "particip", "citizen", "democra", "deliberat", "politic")
	topMean("budżet obywatelski", 3, "budget")
	for _, h := range search("Klimaschutz", 5) {
		if h.MatchedBy == "WORDS" {
			t.Errorf("Klimaschutz: hit %q by words only; the corpus is English", h.Initiative.Title)
		}
	}
	// Typo tolerance never turns "flood" into "blood" or "food".
	for _, h := range search("flood", 10) {
		if mentions(h, "blood", " food") && !mentions(h, "flood", "rain", "storm", "water") {
			t.Errorf("flood: hit %q is about blood or food", h.Initiative.Title)
		}
	}
	topMean("flood", 2, "flood", "rain", "storm", "water")
	// A title match ranks above summary matches of the same word.
	hits := search("volunteers", 10)
	var titled, firstTitled int = -1, -1
	for i, h := range hits {
		if strings.Contains(strings.ToLower(h.Initiative.Title), "volunteer") && firstTitled < 0 {
			firstTitled = i
		}
		if !strings.Contains(strings.ToLower(h.Initiative.Title), "volunteer") && titled < 0 {
			titled = i
		}
	}
	if firstTitled < 0 || titled >= 0 && firstTitled > titled {
		t.Errorf("volunteers: first title match at %d, first other hit at %d: %+v", firstTitled, titled, hits)
	}
	// Highlights for fuzzy matches; matchedBy says how.
	for _, h := range search("voluntears", 5) {
		if h.MatchedBy != "MEANING" && !containsFold(h.MatchedTerms, "voluntears") {
			t.Errorf("voluntears: hit %q by %s without the fuzzy term highlighted: %v", h.Initiative.Title, h.MatchedBy, h.MatchedTerms)
		}
	}
	// Nonsense means nothing: no semantic filler.
	if hits := search("xyzzy plugh", 5); len(hits) != 0 {
		t.Errorf("xyzzy plugh: %d hits (%q…), want none", len(hits), hits[0].Initiative.Title)
	}
	// The text filter is the same hybrid search, and counts agree.
	var f struct {
		Initiatives struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct{ Title, Summary string }
			}
		}
	}
	mustData(t, srv, `{ initiatives(first: 100, filter: {text: "Klimaschutz"}) { totalCount edges { node { title summary } } } }`, nil, &f)
	if f.Initiatives.TotalCount == 0 || f.Initiatives.TotalCount != len(f.Initiatives.Edges) {
		t.Errorf("initiatives(filter: {text: Klimaschutz}): totalCount %d, %d edges", f.Initiatives.TotalCount, len(f.Initiatives.Edges))
	}
	// Input with no word is a client error, not a fault.
	for _, q := range []string{"*", "~", "(", `\`, `"`, "*:*"} {
		r := post(t, srv, `query($q: String!) { initiatives(first: 1, filter: {text: $q}) { totalCount } }`, map[string]any{"q": q})
		if r.code() != "BAD_USER_INPUT" {
			t.Errorf("filter text %q: %+v, want BAD_USER_INPUT", q, r.Errors)
		}
	}
}

// TestImportWithoutModel: with no model the import says so and goes on
// lexically; nothing fails.
func TestImportWithoutModel(t *testing.T) {
	var out bytes.Buffer
	err := runImport(context.Background(), append([]string{"--dry-run", "--model-dir", t.TempDir(), "--log-level", "error"}, pagePaths(t)...), &out, io.Discard)
	if err != nil {
		t.Fatalf("dry run without a model: %v", err)
	}
	if !strings.Contains(out.String(), "meaning:              off, lexical only") {
		t.Errorf("summary does not say the model is off:\n%s", out.String())
	}
}
