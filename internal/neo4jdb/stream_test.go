package neo4jdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// TestSimilarityStream checks the streamed full refresh on the real Neo4j:
// a stream that failed before scoring writes nothing and returns its
// error; a streamed computation replaces every initiative's links with
// exactly what similarity.Compute gives, whether the element IDs are
// known (read ahead) or not (written by key); a stream whose links will
// not be written still lets its computation end once discarded.
func TestSimilarityStream(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	fixtureThemes(t, db)
	const n = 600
	ins := importFixture(n)
	words := []string{"budget", "assembly", "climate", "youth", "housing", "transport", "libraries", "elderly"}
	sdocs := make([]neo4jdb.SimDoc, n)
	docs := make([]similarity.Doc, n)
	keys := make([]string, n)
	for k, in := range ins {
		in.Summary = "A participatory " + words[k%len(words)] + " and " + words[(k/len(words))%len(words)] + " plan."
		sdocs[k] = neo4jdb.SimDoc{Key: in.ID, CityID: in.City.ID, Title: in.Title, Summary: in.Summary, Themes: []string{"wt-budget"}}
		docs[k] = similarity.Doc{ID: in.ID, CityID: in.City.ID, Title: in.Title, Summary: in.Summary, Themes: []string{"wt-budget"}}
		keys[k] = in.ID
	}
	if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	old := map[string][]domain.SimilarLink{}
	for k, in := range ins {
		old[in.ID] = []domain.SimilarLink{{To: ins[(k+1)%n].ID, Score: 0.01, SharedTerms: []string{"old"}}}
	}
	if err := db.WriteSimilar(ctx, old, 100); err != nil {
		t.Fatal(err)
	}
	count := func(cypher string) int64 { t.Helper(); return readCount(t, db, cypher, nil) }

	failed := neo4jdb.NewSimilarityStream()
	boom := errors.New("sentences could not be embedded")
	failed.Fail(boom)
	if _, err := db.WriteStream(ctx, failed, nil); !errors.Is(err, boom) {
		t.Fatalf("WriteStream of a failed stream: %v, want its error", err)
	}
	if got := count(`MATCH (:Initiative)-[s:SIMILAR {score: 0.01}]->() RETURN count(s)`); got != n {
		t.Fatalf("a failed stream changed the links: %d of the %d old ones left", got, n)
	}

	want := similarity.Compute(docs, similarity.Options{})
	if len(want) == 0 {
		t.Fatal("the fixture gives no similar links")
	}
	ids, err := db.InitiativeIDs(ctx, keys[:n/2]) // half known: the other half is written by key
	if err != nil {
		t.Fatal(err)
	}
	for name, known := range map[string]map[string]string{"half the IDs known": ids, "no IDs known": nil} {
		s := neo4jdb.NewSimilarityStream()
		go s.Compute(sdocs, neo4jdb.SimilarityInput{})
		run, err := db.WriteStream(ctx, s, known)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if run.Links != len(want) || run.Docs != n {
			t.Errorf("%s: run reports %d links of %d initiatives, want %d of %d", name, run.Links, run.Docs, len(want), n)
		}
		if got := count(`MATCH (:Initiative)-[s:SIMILAR]->(:Initiative) RETURN count(s)`); got != int64(len(want)) {
			t.Errorf("%s: %d SIMILAR links stored, want %d", name, got, len(want))
		}
		if got := count(`MATCH ()-[s:SIMILAR]->() WHERE s.score = 0.01 RETURN count(s)`); got != 0 {
			t.Errorf("%s: %d links of the earlier write left", name, got)
		}
		l := want[len(want)/2]
		recs, err := db.ReadForTest(ctx, `MATCH (:Initiative {key: $a})-[s:SIMILAR]->(:Initiative {key: $b}) RETURN s.score, s.sharedTerms`,
			map[string]any{"a": l.From, "b": l.To})
		if err != nil || len(recs) != 1 || recs[0].Values[0] != l.Score {
			t.Errorf("%s: the link %s -> %s: %v (%v), want one with score %v", name, l.From, l.To, recs, err, l.Score)
		}
	}

	abandoned := neo4jdb.NewSimilarityStream()
	done := make(chan struct{})
	go func() { abandoned.Compute(sdocs, neo4jdb.SimilarityInput{}); close(done) }()
	abandoned.Discard()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("a discarded stream's computation did not end")
	}
}
