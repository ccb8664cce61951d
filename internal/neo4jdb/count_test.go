package neo4jdb_test

import (
	"context"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestCountByPlace checks the totals of place filters on the real Neo4j,
// with one value (the anchor match without DISTINCT, see filterAnchor.match)
// and with several, after a fresh import (CREATE) and after a re-import
// over the stored graph (MERGE), and that no initiative ever holds two
// links to one place and no other node holds one, the rules the
// DISTINCT-free count and the degree count (placeCount) rely on.
func TestCountByPlace(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	fixtureThemes(t, db)
	vienna, graz := fixtureVienna, fixtureGraz
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
		if n := readCount(t, db, `MATCH (i:Initiative)-[r:IN_CITY|IN_COUNTRY|HAS_THEME]->(p) WITH i, p, type(r) AS t, count(*) AS n
			WHERE n > 1 RETURN count(*)`, nil); n != 0 {
			t.Errorf("%s: %d initiative–place or initiative–theme pairs with more than one link", step, n)
		}
		if n := readCount(t, db, `MATCH (p)<-[:IN_CITY|IN_COUNTRY|HAS_THEME]-(x) WHERE NOT x:Initiative RETURN count(*)`, nil); n != 0 {
			t.Errorf("%s: %d place or theme links held by a node that is not an initiative", step, n)
		}
		// The degree counts of the lists against counting the initiatives.
		ths, _, err := db.Themes(ctx, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range ths {
			n := readCount(t, db, `MATCH (:Theme {slug: $s})<-[:HAS_THEME]-(i:Initiative) RETURN count(DISTINCT i)`, map[string]any{"s": th.Node.Slug})
			if int64(th.Count) != n {
				t.Errorf("%s: theme %s counts %d initiatives, want %d", step, th.Node.Slug, th.Count, n)
			}
		}
		cos, _, err := db.Countries(ctx, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(cos) != 2 || cos[0].Node.Code != "AT" || cos[0].Count != 5 || cos[1].Count != 1 {
			t.Errorf("%s: countries %+v %+v, want AT 5 and DE 1", step, cos[0], cos[len(cos)-1])
		}
		cs, _, err := db.Cities(ctx, nil, "", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 || cs[0].Node.ID != vienna.ID || cs[0].Count != 3 || cs[1].Count != 2 {
			t.Errorf("%s: %d cities, first %+v, want Vienna 3 and Graz 2", step, len(cs), cs[0])
		}
	}
	// A theme named twice is still one link: the enrichment deduplicates
	// by slug, and the store does not rely on it.
	ins[0].Themes = append(ins[0].Themes, ins[0].Themes[0])
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
