package neo4jdb_test

import (
	"context"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestCountByPlace checks the totals of place filters on the real Neo4j,
// with one value (the anchor match without DISTINCT, see distinctUnless)
// and with several, after a fresh import (CREATE) and after a re-import
// over the stored graph (MERGE), and that no initiative ever holds two
// links to one place, the rule the DISTINCT-free count relies on.
func TestCountByPlace(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	fixtureThemes(t, db)
	vienna := domain.CityRef{ID: "2761369", Name: "Vienna", CountryCode: "AT", Lat: 48.2, Lon: 16.37}
	graz := domain.CityRef{ID: "2778067", Name: "Graz", CountryCode: "AT", Lat: 47.07, Lon: 15.44}
	at, de := domain.CountryRef{Code: "AT", Name: "Austria"}, domain.CountryRef{Code: "DE", Name: "Germany"}
	// importFixture's initiatives, placed 3 in Vienna, 2 in Graz and 1
	// in Germany without a city (a national one).
	ins := importFixture(6)
	for k, in := range ins {
		switch {
		case k < 3:
			in.City, in.Country = &vienna, &at
		case k < 5:
			in.City, in.Country = &graz, &at
		default:
			in.City, in.Country = nil, &de
		}
	}
	want := []struct {
		name string
		f    domain.InitiativeFilter
		n    int
	}{
		{"one country", domain.InitiativeFilter{Countries: []string{"AT"}}, 5},
		{"two countries", domain.InitiativeFilter{Countries: []string{"AT", "DE"}}, 6},
		{"a country twice", domain.InitiativeFilter{Countries: []string{"AT", "AT"}}, 5},
		{"one city", domain.InitiativeFilter{Cities: []string{vienna.ID}}, 3},
		{"two cities", domain.InitiativeFilter{Cities: []string{vienna.ID, graz.ID}}, 5},
		{"a city and a theme", domain.InitiativeFilter{Cities: []string{graz.ID}, Themes: []string{"wt-budget"}}, 2},
		{"an unknown city", domain.InitiativeFilter{Cities: []string{"0"}}, 0},
	}
	check := func(step string) {
		t.Helper()
		for _, w := range want {
			p, err := db.InitiativePage(ctx, domain.PageQuery{Filter: w.f, First: 10, Page: true, Total: true, WithFacets: true})
			if err != nil {
				t.Fatalf("%s, %s: %v", step, w.name, err)
			}
			if p.Total != w.n || len(p.Rows) != w.n {
				t.Errorf("%s, %s: total %d and %d rows, want %d", step, w.name, p.Total, len(p.Rows), w.n)
			}
		}
		if n := readCount(t, db, `MATCH (i:Initiative)-[r:IN_CITY|IN_COUNTRY]->(p) WITH i, p, type(r) AS t, count(*) AS n
			WHERE n > 1 RETURN count(*)`, nil); n != 0 {
			t.Errorf("%s: %d initiative–place pairs with more than one link", step, n)
		}
	}
	if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: 4, Fresh: true}); err != nil {
		t.Fatal(err)
	}
	check("fresh import")
	for _, in := range ins {
		in.Summary = "A participatory budget, revised."
	}
	st, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: 4, IgnoreHashes: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Updated+st.Rewritten != len(ins) {
		t.Fatalf("re-import: %+v, want every initiative written again", st)
	}
	check("re-import over the stored graph")
}
