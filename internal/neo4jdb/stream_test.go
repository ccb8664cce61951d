package neo4jdb_test

import (
	"context"
	"errors"
	"fmt"
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
		// Initiatives in threes share a rare word: mutual pairs.
		in.Summary = fmt.Sprintf("A participatory %s and %s plan for quarter%dx.", words[k%len(words)], words[(k/len(words))%len(words)], k/3)
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
	if _, err := db.WriteStream(ctx, failed, nil, false); !errors.Is(err, boom) {
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
	// Each run replaces the one before: the old one-way links first, then
	// the pairs of the run before (the order of a map's range is random,
	// so either case comes first).
	for name, known := range map[string]map[string]string{"half the IDs known": ids, "no IDs known": nil} {
		s := neo4jdb.NewSimilarityStream()
		go s.Compute(sdocs, neo4jdb.SimilarityInput{})
		run, err := db.WriteStream(ctx, s, known, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if run.Links != len(want) || run.Docs != n {
			t.Errorf("%s: run reports %d links of %d initiatives, want %d of %d", name, run.Links, run.Docs, len(want), n)
		}
		checkHeld(t, db, name, want)
		checkMutualCounts(t, db, name, n)
		if got := count(`MATCH ()-[s:SIMILAR]->() WHERE s.score = 0.01 RETURN count(s)`); got != 0 {
			t.Errorf("%s: %d links of the earlier write left", name, got)
		}
	}
	// After a wipe the stream writes without deleting: the same links.
	if err := db.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	fresh := neo4jdb.NewSimilarityStream()
	go fresh.Compute(sdocs, neo4jdb.SimilarityInput{})
	if _, err := db.WriteStream(ctx, fresh, nil, true); err != nil {
		t.Fatal(err)
	}
	checkHeld(t, db, "after a wipe", want)
	checkMutualCounts(t, db, "after a wipe", n)
	centre := "initiative/" + ins[3].ID
	before, err := db.Neighbourhood(ctx, centre, 2, 40)
	if err != nil {
		t.Fatal(err)
	}

	// The stored counts only spare the neighbourhood a count: without
	// them it draws the same graph.
	if err := db.WriteForTest(ctx, `MATCH (i:Initiative) REMOVE i.mutualSimilar`, nil); err != nil {
		t.Fatal(err)
	}
	counted, err := db.Neighbourhood(ctx, centre, 2, 40)
	if err != nil {
		t.Fatal(err)
	}
	if b, c := fmt.Sprint(before), fmt.Sprint(counted); b != c || len(before.Nodes) < 10 {
		t.Errorf("neighbourhood with stored mutual counts (%d nodes) differs from the counted one (%d nodes):\n%s\n%s", len(before.Nodes), len(counted.Nodes), b, c)
	}
	fresh = neo4jdb.NewSimilarityStream()
	go fresh.Compute(sdocs, neo4jdb.SimilarityInput{})
	if _, err := db.WriteStream(ctx, fresh, nil, false); err != nil {
		t.Fatal(err)
	}
	checkMutualCounts(t, db, "after a refresh over the same links", n)

	// Replacing the lists of some initiatives (as curation does) splits
	// their mutual pairs: the others keep their links to them, in their
	// own view, and the replaced ones hold exactly their new lists.
	replaced := map[string][]domain.SimilarLink{}
	for k, in := range ins {
		if k%2 == 0 {
			replaced[in.ID] = nil
		}
	}
	var after []similarity.Link
	for _, l := range want {
		if _, ok := replaced[l.From]; !ok {
			after = append(after, l)
		} else if len(replaced[l.From]) == 0 {
			l.Score, l.SharedTerms = 0.5, []string{"replaced"}
			replaced[l.From] = []domain.SimilarLink{{To: l.To, Score: l.Score, SharedTerms: l.SharedTerms}}
			after = append(after, l)
		}
	}
	if err := db.WriteSimilar(ctx, replaced, 100); err != nil {
		t.Fatal(err)
	}
	checkHeld(t, db, "after replacing half the lists", after)
	checkMutualCounts(t, db, "after replacing half the lists", -1)

	// Deleting an initiative in mutual pairs forgets its partners' counts
	// (all stored first, as a full refresh leaves them).
	if err := db.WriteForTest(ctx, `MATCH (i:Initiative) SET i.mutualSimilar = COUNT { (i)-[s:SIMILAR]-() WHERE s.mutual }`, nil); err != nil {
		t.Fatal(err)
	}
	recs, err := db.ReadForTest(ctx, `MATCH (a:Initiative)-[s:SIMILAR]-(b:Initiative) WHERE s.mutual AND a.mutualSimilar IS NOT NULL
RETURN a.key AS a, collect(b.key) AS partners LIMIT 1`, nil)
	if err != nil || len(recs) == 0 {
		t.Fatalf("no initiative left in a mutual pair after the replacement (%v)", err)
	}
	gone, _ := recs[0].Get("a")
	if ok, err := db.DeleteInitiative(ctx, gone.(string)); err != nil || !ok {
		t.Fatalf("delete %s: %v, %v", gone, ok, err)
	}
	checkMutualCounts(t, db, "after a delete", -1)
	partners, _ := recs[0].Get("partners")
	if kept := readCount(t, db, `MATCH (i:Initiative) WHERE i.key IN $keys AND i.mutualSimilar IS NOT NULL RETURN count(i)`,
		map[string]any{"keys": partners}); kept != 0 {
		t.Errorf("after a delete: %d of the deleted initiative's %d mutual partners keep a stored count", kept, len(partners.([]any)))
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

// heldCypher reads every link each initiative holds, in its own view:
// its outgoing SIMILAR relationships, and the incoming ones marked mutual
// with the other side's spelling of the shared terms (internal/neo4jdb,
// held.go).
const heldCypher = `MATCH (a:Initiative)-[s:SIMILAR]-(b:Initiative) WHERE startNode(s) = a OR s.mutual
RETURN a.key AS from, b.key AS to, s.score AS score, CASE WHEN startNode(s) = a THEN s.sharedTerms ELSE s.backTerms END AS terms`

// checkHeld checks that the links the initiatives hold are exactly want
// (ends, score and shared terms), that mutual pairs are stored once (as
// many relationships as links, less one per mutual relationship) and that
// there are such pairs.
func checkHeld(t *testing.T, db *neo4jdb.DB, what string, want []similarity.Link) {
	t.Helper()
	ctx := context.Background()
	recs, err := db.ReadForTest(ctx, heldCypher, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		m := r.AsMap()
		got[m["from"].(string)+" -> "+m["to"].(string)] = fmt.Sprint(m["score"], " ", m["terms"])
	}
	if len(got) != len(recs) {
		t.Errorf("%s: %d held links, %d distinct: a pair is stored twice", what, len(recs), len(got))
	}
	missing := 0
	for _, l := range want {
		k := l.From + " -> " + l.To
		if w := fmt.Sprint(l.Score, " ", l.SharedTerms); got[k] != w {
			if missing++; missing <= 3 {
				t.Errorf("%s: link %s holds %q, want %q", what, k, got[k], w)
			}
		}
	}
	if missing > 0 || len(got) != len(want) {
		t.Errorf("%s: %d held links, want %d (%d wrong or missing)", what, len(got), len(want), missing)
	}
	stored := readCount(t, db, `MATCH (:Initiative)-[s:SIMILAR]->(:Initiative) RETURN count(s)`, nil)
	mutual := readCount(t, db, `MATCH (:Initiative)-[s:SIMILAR]->(:Initiative) WHERE s.mutual RETURN count(s)`, nil)
	if mutual == 0 || stored != int64(len(want))-mutual {
		t.Errorf("%s: %d relationships of which %d mutual for %d links, want one per mutual pair", what, stored, mutual, len(want))
	}
}

// checkMutualCounts checks the stored mutual counts (held.go,
// mutualDegree): every stored count equals the initiative's mutual
// relationships, and stored of them are there (-1: any number).
func checkMutualCounts(t *testing.T, db *neo4jdb.DB, what string, stored int) {
	t.Helper()
	wrong := readCount(t, db, `MATCH (i:Initiative) WHERE i.mutualSimilar IS NOT NULL
  AND i.mutualSimilar <> COUNT { (i)-[s:SIMILAR]-() WHERE s.mutual } RETURN count(i)`, nil)
	if wrong != 0 {
		t.Errorf("%s: %d initiatives store a mutual count that is not theirs", what, wrong)
	}
	if stored < 0 {
		return
	}
	if got := readCount(t, db, `MATCH (i:Initiative) WHERE i.mutualSimilar IS NOT NULL RETURN count(i)`, nil); got != int64(stored) {
		t.Errorf("%s: %d initiatives store a mutual count, want %d", what, got, stored)
	}
}
