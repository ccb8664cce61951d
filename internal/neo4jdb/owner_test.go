package neo4jdb_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestOwnerPages checks the pages of an owner's initiatives (a city's in
// City, any owner's in InitiativesOf) on the real Neo4j against the
// initiatives sorted by title, for pages where ownerPage walks the title
// index (a city holding most initiatives) and where it expands the
// owner's links (a city of two), and for an award year one initiative
// is awarded in twice, which must list it once. The same pages through
// InitiativePage's filter by city (pageQuery, which chooses between the
// two plans by the same rule), in both directions and after a sort key.
func TestOwnerPages(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	fixtureThemes(t, db)
	big, small := fixtureVienna, fixtureGraz
	const n = 24
	ins := importFixture(n)
	want := map[string][]string{} // city → keys in title order
	for k, in := range ins {
		// Titles out of key order, so that a page by key would differ.
		in.Title = fmt.Sprintf("Owner page %02d", (k*7)%n)
		in.City = &big
		if k%12 == 0 { // titles 00 and 12: the first of all is not the big city's
			in.City = &small
		}
	}
	ins[3].Awards = []domain.Award{{Year: 2020, Status: domain.AwardFinalist, Category: "a"}, {Year: 2020, Status: domain.AwardWinner, Category: "b"}}
	if _, err := db.ImportInitiatives(ctx, ins, neo4jdb.ImportOptions{BatchSize: 8, Fresh: true}); err != nil {
		t.Fatal(err)
	}
	byTitle := slices.Clone(ins)
	slices.SortFunc(byTitle, func(a, b *domain.Initiative) int { return cmp.Compare(a.Title, b.Title) })
	var in2020, titled []string // titled: every initiative, each in one of the two cities
	for _, in := range byTitle {
		titled = append(titled, in.ID)
		want[in.City.ID] = append(want[in.City.ID], in.ID)
		if in.Awards[0].Year == 2020 {
			in2020 = append(in2020, in.ID)
		}
	}
	keys := func(rows []*domain.InitiativeRow) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r.Initiative.ID)
		}
		return out
	}
	window := func(all []string, first, offset int) []string {
		if offset >= len(all) {
			return []string{}
		}
		return all[offset:min(len(all), offset+first)]
	}
	plan := domain.InitiativePlan{}
	walked, expanded := 0, 0
	for _, city := range []string{big.ID, small.ID} {
		d := len(want[city])
		for _, pg := range [][2]int{{2, 0}, {3, 1}, {5, 4}, {10, 12}, {4, 20}} {
			first, offset := pg[0], pg[1]
			// ownerPage's rule, to show both plans are tried.
			if d*d >= neo4jdb.OwnerWalkFactor*(first+offset)*n {
				walked++
			} else {
				expanded++
			}
			c, pages, err := db.City(ctx, city, []domain.PagePlan{{First: first, Offset: offset, Plan: plan}})
			if err != nil {
				t.Fatal(err)
			}
			if c.Count != d {
				t.Errorf("city %s counts %d, want %d", city, c.Count, d)
			}
			if got, w := keys(pages[0]), window(want[city], first, offset); !slices.Equal(got, w) {
				t.Errorf("City %s first %d offset %d: %v, want %v", city, first, offset, got, w)
			}
			of, err := db.InitiativesOf(ctx, domain.KindCity, []string{city}, first, offset, plan)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := keys(of[city]), window(want[city], first, offset); !slices.Equal(got, w) {
				t.Errorf("InitiativesOf city %s first %d offset %d: %v, want %v", city, first, offset, got, w)
			}
		}
	}
	if walked == 0 || expanded == 0 {
		t.Fatalf("the pages tried %d walks and %d expansions; the test must try both", walked, expanded)
	}
	page := func(f domain.InitiativeFilter, o domain.InitiativeOrder, first, offset int) []*domain.InitiativeRow {
		t.Helper()
		p, err := db.InitiativePage(ctx, domain.PageQuery{Filter: f, Order: o, First: first, Offset: offset, Plan: plan, Page: true})
		if err != nil {
			t.Fatal(err)
		}
		return p.Rows
	}
	for _, c := range []struct {
		name   string
		filter domain.InitiativeFilter
		want   []string
	}{
		{"big city", domain.InitiativeFilter{Cities: []string{big.ID}}, want[big.ID]},
		{"small city", domain.InitiativeFilter{Cities: []string{small.ID}}, want[small.ID]},
		{"both cities", domain.InitiativeFilter{Cities: []string{small.ID, big.ID}}, titled},
		{"year with a double award", domain.InitiativeFilter{Years: []int{2020}}, in2020},
	} {
		for _, desc := range []bool{false, true} {
			ordered := slices.Clone(c.want)
			if desc {
				slices.Reverse(ordered)
			}
			for _, pg := range [][2]int{{2, 0}, {3, 1}, {10, 12}, {4, 20}} {
				got := keys(page(c.filter, domain.InitiativeOrder{Desc: desc}, pg[0], pg[1]))
				if w := window(ordered, pg[0], pg[1]); !slices.Equal(got, w) {
					t.Errorf("%s desc=%v first %d offset %d: %v, want %v", c.name, desc, pg[0], pg[1], got, w)
				}
			}
			first := page(c.filter, domain.InitiativeOrder{Desc: desc}, 1, 0)
			if len(first) == 0 {
				t.Fatalf("%s: no first item", c.name)
			}
			after := page(c.filter, domain.InitiativeOrder{Desc: desc, AfterSortKey: first[0].SortKey}, 3, 0)
			if got, w := keys(after), window(ordered, 3, 1); !slices.Equal(got, w) {
				t.Errorf("%s desc=%v after the first: %v, want %v", c.name, desc, got, w)
			}
		}
	}
	// 2020 holds half the initiatives (a walk for a first page), one of
	// them with two awards that year.
	for _, pg := range [][2]int{{3, 0}, {20, 0}} {
		of, err := db.InitiativesOf(ctx, domain.KindYear, []string{"2020"}, pg[0], pg[1], plan)
		if err != nil {
			t.Fatal(err)
		}
		if got, w := keys(of["2020"]), window(in2020, pg[0], pg[1]); !slices.Equal(got, w) {
			t.Errorf("InitiativesOf year 2020 first %d: %v, want %v", pg[0], got, w)
		}
	}
}
