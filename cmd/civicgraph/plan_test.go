package main

import (
	"encoding/base64"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/server"
)

// TestOneTripPerRootField: the reads of the benchmark's mix (bench/
// queries.go) that the planner compiles each take one Cypher round trip,
// nested lists and similar links included. One handler serves them all,
// as in the benchmark, so the theme slugs a filter names are checked
// against the store once (a cold server's first theme filter costs one
// more trip, for that check).
func TestOneTripPerRootField(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var rank struct {
		CityRanking []struct{ City struct{ ID string } } `json:"cityRanking"`
	}
	mustData(t, srv, `{ cityRanking(first: 1) { city { id } } }`, nil, &rank)
	var page struct {
		Initiatives struct {
			Edges []struct{ Node struct{ Key string } }
		}
	}
	mustData(t, srv, `{ initiatives(first: 1, filter: {countries: ["DE"]}) { edges { node { key } } } }`, nil, &page)
	if len(rank.CityRanking) == 0 || len(page.Initiatives.Edges) == 0 {
		t.Fatal("no city or initiative to ask for")
	}
	key, city := page.Initiatives.Edges[0].Node.Key, rank.CityRanking[0].City.ID
	h := server.New(server.Options{Config: config.Defaults().Server, Store: db, Writer: curation.New(db, nil, nil), Health: db})
	trips := func(name, query string, vars map[string]any) int64 {
		ctx, counter := withCounter()
		if r := postHandler(t, h, ctx, query, vars); len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", name, r.Errors)
		}
		return counter.Load()
	}
	// No warm-up: a filter's theme slugs are checked inside its own
	// statement, so even the first request naming a theme is one trip.
	for name, c := range map[string]struct {
		query string
		vars  map[string]any
	}{
		"lookup": {`query($id: ID!) { initiative(id: $id) { key title summary city { city { name countryCode } } country { country { code name } } } }`,
			map[string]any{"id": key}},
		"list": {`{ initiatives(filter: {countries: ["DE", "FR"], covid: false}, orderBy: {field: TITLE, direction: DESC}, first: 20) { edges { node { key title city { city { name } } } } } }`, nil},
		"nesting": {`query($id: ID!) { city(id: $id) { name country { name } initiatives(first: 10) { edges { node { key title themes { theme { slug name } } } } } } }`,
			map[string]any{"id": city}},
		"similar": {`query($id: ID!) { similarInitiatives(id: $id, first: 5, differentCity: false) { initiative { key title } score sharedThemes { slug } } }`,
			map[string]any{"id": key}},
		"search":     {`{ search(query: "climate housing", first: 10) { initiative { key title } score } }`, nil},
		"deepfilter": {`{ initiatives(filter: {countries: ["FR", "DE"], themes: ["participation"], status: [WINNER, FINALIST], years: [2022, 2023]}, first: 20) { edges { node { key title awards { year status } } } } }`, nil},
		"relfilter":  {`{ initiatives(filter: {themes: ["culture"], years: [2021]}, first: 20) { edges { node { key title } } } }`, nil},
		"connection": {`{ initiatives(filter: {themes: ["health-care"]}, first: 10, after: "` + base64.RawURLEncoding.EncodeToString([]byte("o:9")) + `") { totalCount edges { node { key title } } pageInfo { hasNextPage } } }`, nil},
		"count":      {`{ initiatives(filter: {countries: ["IT"]}) { totalCount } }`, nil},
		"facets":     {`{ initiatives(filter: {text: "climate"}, first: 5) { totalCount facets { themes { value count } years { value count } } edges { node { key } } } }`, nil},
		"aggregate":  {`{ themes(first: 50) { edges { node { slug name initiativeCount } } } }`, nil},
		"nesting with counts": {`query($id: ID!) { city(id: $id) { name initiativeCount country { name } initiatives(first: 3) { totalCount edges { node { key } } } } }`,
			map[string]any{"id": city}},
		"similar of similar": {`query($id: ID!) { initiative(id: $id) { key a: similar(first: 2) { initiative { key similar(first: 2, differentCity: false) { score initiative { title } } } } b: similar(first: 3) { score } } }`,
			map[string]any{"id": key}},
	} {
		if n := trips(name, c.query, c.vars); n != 1 {
			t.Errorf("%s: %d round trips, want 1", name, n)
		}
	}
}
