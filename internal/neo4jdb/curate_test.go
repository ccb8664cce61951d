package neo4jdb_test

import (
	"context"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestCurationStatements checks the adapter's curation Cypher on the real
// Neo4j: a checked edit is written with curated links and the similarStale
// mark in one transaction; an unknown city or theme, or a country that is
// not the city's, writes nothing; a
// re-upsert replaces the curated place; RefreshSimilar links the edited
// initiative and clears its mark; a delete removes it with its links.
func TestCurationStatements(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	fixtureThemes(t, db)
	if _, err := db.ImportInitiatives(ctx, importFixture(4), neo4jdb.ImportOptions{Fresh: true}); err != nil {
		t.Fatal(err)
	}
	count := func(cypher string) int64 { t.Helper(); return readCount(t, db, cypher, nil) }
	edit := domain.InitiativeEdit{Key: "curate-test", Title: "Curate test", Summary: "A participatory budget, curated.",
		CityID: fixtureVienna.ID, Themes: []string{"wt-budget"}, URL: "https://example.org/curated"}

	if err := db.UpsertInitiative(ctx, withCity(edit, "0")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown city: %v, want ENOTFOUND", err)
	}
	if err := db.UpsertInitiative(ctx, withThemes(edit, "wt-budget", "no-such-theme")); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("unknown theme: %v, want EINVALID", err)
	}
	wrongCountry := edit
	wrongCountry.Country = &domain.Country{Code: "PL", Name: "Poland"}
	if err := db.UpsertInitiative(ctx, wrongCountry); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a country that is not the city's: %v, want EINVALID", err)
	}
	if n := count(`MATCH (i:Initiative {key: 'curate-test'}) RETURN count(i)`); n != 0 {
		t.Fatalf("a refused edit wrote %d initiatives", n)
	}
	rightCountry := edit
	rightCountry.Country = &domain.Country{Code: "AT", Name: "Austria"}
	if err := db.UpsertInitiative(ctx, rightCountry); err != nil {
		t.Errorf("the city's own country: %v", err)
	}

	if err := db.UpsertInitiative(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if n := count(`MATCH (i:Initiative {key: 'curate-test', title: 'Curate test', importHash: 'curated'})
WHERE i.similarStale IS NOT NULL AND i.sourceUrls = ['https://example.org/curated'] AND i.sourceMethods = ['curation']
MATCH (i)-[c:IN_CITY {curated: true}]->(:City {id: '2761369'}), (i)-[:IN_COUNTRY {curated: true}]->(:Country {code: 'AT'}),
      (i)-[h:HAS_THEME {curated: true, source: 'user'}]->(:Theme {slug: 'wt-budget'})
RETURN count(*)`); n != 1 {
		t.Fatalf("the upsert's initiative with its curated links and mark: %d rows, want 1", n)
	}

	// A country instead of a city replaces the curated place.
	moved := edit
	moved.CityID, moved.Country = "", &domain.Country{Code: "PL", Name: "Poland"}
	if err := db.UpsertInitiative(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if n := count(`MATCH (i:Initiative {key: 'curate-test'})-[r:IN_COUNTRY]->(c:Country) RETURN count(CASE WHEN c.code = 'PL' AND c.name = 'Poland' AND r.curated THEN 1 END) * 10 + count(r)`); n != 11 {
		t.Errorf("after moving to a country: %d, want 11 (one IN_COUNTRY, to Poland, curated)", n)
	}

	if err := db.RefreshSimilar(ctx, "curate-test"); err != nil {
		t.Fatal(err)
	}
	if n := count(`MATCH (i:Initiative {key: 'curate-test'}) WHERE i.similarStale IS NULL RETURN count(i)`); n != 1 {
		t.Errorf("the mark is still set after RefreshSimilar")
	}
	if n := count(`MATCH (:Initiative {key: 'curate-test'})-[s:SIMILAR]-(:Initiative) RETURN count(s)`); n == 0 {
		t.Errorf("no similar link after RefreshSimilar, though every fixture shares its words and theme")
	}

	if ok, err := db.DeleteInitiative(ctx, "curate-test"); !ok || err != nil {
		t.Fatalf("delete: %v, %v", ok, err)
	}
	if n := count(`MATCH (i:Initiative {key: 'curate-test'}) RETURN count(i)`); n != 0 {
		t.Errorf("deleted initiative still there")
	}
	if ok, err := db.DeleteInitiative(ctx, "curate-test"); ok || err != nil {
		t.Errorf("second delete: %v, %v; want false", ok, err)
	}
}

func withCity(e domain.InitiativeEdit, city string) domain.InitiativeEdit { e.CityID = city; return e }

func withThemes(e domain.InitiativeEdit, themes ...string) domain.InitiativeEdit {
	e.Themes = themes
	return e
}
