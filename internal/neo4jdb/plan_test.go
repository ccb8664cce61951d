package neo4jdb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// planShapes are the plans the API can produce, by kind: no part, each
// part alone, every part, and similar lists nested two deep under two
// response keys (the largest shape the tests produce is smaller).
func planShapes() map[string]domain.InitiativePlan {
	shapes := map[string]domain.InitiativePlan{
		"base":  {},
		"whole": domain.WholePlan,
	}
	for name, p := range map[string]domain.Parts{"summary": domain.PartSummary, "sources": domain.PartSources,
		"place": domain.PartPlace, "themes": domain.PartThemes, "awards": domain.PartAwards, "level": domain.PartLevel, "flags": domain.PartFlags, "alternate titles": domain.PartAltTitles,
		"city": domain.PartCity, "country": domain.PartCountry, "city with its country": domain.PartCity | domain.PartCityCountry,
		"city names": domain.PartCity | domain.PartCityNames, "links with evidence": domain.PartCity | domain.PartCountry | domain.PartPlaceEvidence} {
		shapes[name] = domain.InitiativePlan{Parts: p}
	}
	inner := domain.InitiativePlan{Parts: domain.PartPlace, Similar: []domain.SimilarPlan{{Key: "similar", First: 2, DifferentCity: true, Links: domain.LinkThemeNodes}}}
	shapes["nested similar"] = domain.InitiativePlan{Parts: domain.PartsAll, Similar: []domain.SimilarPlan{
		{Key: "near", First: 3, DifferentCity: false, Target: inner},
		{Key: "far", First: 5, DifferentCity: true, Links: domain.LinksAll, Target: domain.WholePlan},
	}}
	return shapes
}

// TestReadStatementsPlan runs every read of the store as EXPLAIN, with
// every plan shape: Neo4j parses and plans each statement, so a fragment
// that does not compose (a syntax error, a variable it shadows or
// misses) fails here whatever the data.
func TestReadStatementsPlan(t *testing.T) {
	db := dbtest.Open(t)
	ctx := neo4jdb.WithExplain(context.Background())
	covid := true
	filters := map[string]domain.InitiativeFilter{
		"none": {},
		"all":  {Themes: []string{"culture"}, Countries: []string{"DE"}, Cities: []string{"2950159"}, Years: []int{2020}, Status: []string{"winner"}, Covid: &covid, Levels: []string{domain.LevelMunicipal}},
		"text": {Text: "climate housing"},
		// Counted by the places' degree (placeCount).
		"countries": {Countries: []string{"DE", "FR"}},
		"city":      {Cities: []string{"2950159"}},
	}
	orders := []domain.InitiativeOrder{{}, {Field: domain.OrderYear, Desc: true}, {Field: domain.OrderCity}, {Field: domain.OrderTitle, AfterSortKey: "m"}}
	check := func(what string, err error) {
		t.Helper()
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("%s: %v", what, err)
		}
	}
	// The shapes tried with every filter and order; the others, with
	// every filter under the default order (planning each statement
	// costs Neo4j tens of milliseconds).
	crossed := map[string]bool{"base": true, "whole": true, "nested similar": true}
	for name, plan := range planShapes() {
		_, err := db.Initiative(ctx, "k", plan)
		check("Initiative/"+name, err)
		for fn, f := range filters {
			for oi, o := range orders {
				if oi > 0 && !crossed[name] {
					continue // a part's fragment composes the same way under every order
				}
				for _, parts := range [][3]bool{{true, false, false}, {true, true, true}, {false, true, false}, {false, false, true}} {
					_, err := db.InitiativePage(ctx, domain.PageQuery{Filter: f, Order: o, First: 3, Offset: 1, Plan: plan,
						Page: parts[0], Total: parts[1], WithFacets: parts[2]})
					check(fmt.Sprintf("InitiativePage/%s/%s/%s/%v", name, fn, o.Field, parts), err)
				}
			}
		}
		for _, kind := range []string{domain.KindCity, domain.KindCountry, domain.KindTheme, domain.KindYear} {
			_, err := db.InitiativesOf(ctx, kind, []string{"1"}, 3, 0, plan)
			check("InitiativesOf/"+name+"/"+kind, err)
		}
		_, err = db.WinnersOf(ctx, []int{2020}, plan)
		check("WinnersOf/"+name, err)
		for _, links := range []domain.LinkParts{0, domain.LinkDetail, domain.LinksAll} {
			_, err = db.SimilarOf(ctx, []string{"k"}, domain.SimilarPlan{First: 3, DifferentCity: true, Links: links, Target: plan})
			check(fmt.Sprintf("SimilarOf/%s/links %b", name, links), err)
		}
		_, _, err = db.City(ctx, "1", []domain.PagePlan{{First: 3, Plan: plan}, {First: 2, Offset: 2, Plan: plan}})
		check("City/"+name, err)
		for _, terms := range []bool{false, true} {
			_, err = db.Search(ctx, domain.SearchQuery{Text: "climate housing", First: 5, Plan: plan, MatchedTerms: terms})
			check(fmt.Sprintf("Search/%s/terms %v", name, terms), err)
		}
	}
	// The reads whose statements do not depend on a plan.
	_, err := db.InitiativesByKeys(ctx, []string{"k"})
	check("InitiativesByKeys", err)
	for _, kind := range []string{domain.KindCity, domain.KindCountry, domain.KindTheme, domain.KindYear} {
		_, err := db.CountOf(ctx, kind, []string{"1"})
		check("CountOf/"+kind, err)
	}
	_, err = db.CitiesByIDs(ctx, []string{"1"})
	check("CitiesByIDs", err)
	_, err = db.CountriesByCodes(ctx, []string{"DE"})
	check("CountriesByCodes", err)
	_, err = db.ThemesBySlugs(ctx, []string{"culture"})
	check("ThemesBySlugs", err)
	_, err = db.CitiesOfCountries(ctx, []string{"DE"}, 3)
	check("CitiesOfCountries", err)
	_, _, err = db.Cities(ctx, []string{"DE"}, "Le", 3, 0)
	check("Cities", err)
	_, _, err = db.Countries(ctx, 3, 0)
	check("Countries", err)
	_, _, err = db.Themes(ctx, 3, 0)
	check("Themes", err)
	_, err = db.AwardYears(ctx)
	check("AwardYears", err)
	_, err = db.SimilarCities(ctx, "1", 3)
	check("SimilarCities", err)
	_, err = db.ThemeTrends(ctx, []string{"culture"}, []string{"DE"})
	check("ThemeTrends", err)
	_, err = db.ThemeByCountry(ctx, nil)
	check("ThemeByCountry", err)
	_, err = db.CityRanking(ctx, "culture", "DE", 3)
	check("CityRanking", err)
	_, err = db.ThemeCooccurrence(ctx, 1)
	check("ThemeCooccurrence", err)
	_, err = db.Coverage(ctx)
	check("Coverage", err)
}

// TestExplainFindsBrokenStatements: the check above can fail — a
// statement Neo4j cannot plan is an error under EXPLAIN too.
func TestExplainFindsBrokenStatements(t *testing.T) {
	db := dbtest.Open(t)
	if err := neo4jdb.ExplainCypher(neo4jdb.WithExplain(context.Background()), db, "MATCH (i:Initiative) RETURN i {.key, COLLECT { RETURN } }"); err == nil {
		t.Error("a broken statement planned without error")
	}
}
