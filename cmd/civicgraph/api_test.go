package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
)

// These tests run the whole path — HTTP → gqlgen → loaders → Cypher →
// real Neo4j — over the showroom pages imported from ../shared.

type node struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Title string `json:"title"`
	City  *struct {
		City struct {
			ID      string `json:"id"`
			Name    string `json:"name"`
			Country struct {
				Code string `json:"code"`
			} `json:"country"`
		} `json:"city"`
	} `json:"city"`
	Themes []struct {
		Theme struct {
			Slug string `json:"slug"`
		} `json:"theme"`
		Source     string  `json:"source"`
		Confidence float64 `json:"confidence"`
	} `json:"themes"`
	Sources []struct {
		URL    string `json:"url"`
		Method string `json:"method"`
	} `json:"sources"`
}

func (n node) themeSlugs() []string {
	var out []string
	for _, t := range n.Themes {
		out = append(out, t.Theme.Slug)
	}
	return out
}

const nodeFields = `id key title city { city { id name country { code } } } themes { theme { slug } source confidence } sources { url method }`

type connection struct {
	TotalCount int `json:"totalCount"`
	Edges      []struct {
		Cursor string `json:"cursor"`
		Node   node   `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
	Facets struct {
		Themes, Countries, Years, Status []struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		}
	} `json:"facets"`
}

func TestInitiativesConnection(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)

	var first struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 10) { totalCount edges { cursor node { `+nodeFields+` } } pageInfo { hasNextPage endCursor }
	  facets { themes { value count } countries { value count } years { value count } status { value count } } } }`, nil, &first)
	c := first.Initiatives
	if c.TotalCount < 400 {
		t.Fatalf("totalCount = %d, want the ~450 imported initiatives", c.TotalCount)
	}
	if len(c.Edges) != 10 || !c.PageInfo.HasNextPage {
		t.Fatalf("first page: %d edges, hasNext %v", len(c.Edges), c.PageInfo.HasNextPage)
	}
	for _, e := range c.Edges {
		if e.Node.Title == "" || !strings.HasPrefix(e.Node.ID, "initiative/") || len(e.Node.Sources) == 0 {
			t.Errorf("incomplete node %+v", e.Node)
		}
	}
	// Facets over the whole set: country and status buckets add up to totalCount.
	for name, buckets := range map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	}{"countries": c.Facets.Countries, "status": c.Facets.Status} {
		sum := 0
		for _, b := range buckets {
			sum += b.Count
		}
		if sum != c.TotalCount {
			t.Errorf("facet %s sums to %d, totalCount is %d", name, sum, c.TotalCount)
		}
	}

	// The next page continues without overlap.
	var second struct{ Initiatives connection }
	mustData(t, srv, `query($after: String) { initiatives(first: 10, after: $after) { edges { node { key } } } }`,
		map[string]any{"after": c.PageInfo.EndCursor}, &second)
	seen := map[string]bool{}
	for _, e := range c.Edges {
		seen[e.Node.Key] = true
	}
	for _, e := range second.Initiatives.Edges {
		if seen[e.Node.Key] {
			t.Errorf("page 2 repeats %s", e.Node.Key)
		}
	}
	if len(second.Initiatives.Edges) != 10 {
		t.Errorf("page 2 has %d edges", len(second.Initiatives.Edges))
	}

	t.Run("first above 100 is refused", func(t *testing.T) {
		r := post(t, srv, `{ initiatives(first: 101) { totalCount } }`, nil)
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "between 1 and 100") {
			t.Fatalf("got %+v", r.Errors)
		}
	})
	t.Run("malformed cursor is refused", func(t *testing.T) {
		r := post(t, srv, `{ initiatives(first: 5, after: "nope!") { totalCount } }`, nil)
		if r.code() != "BAD_USER_INPUT" {
			t.Fatalf("got %+v", r.Errors)
		}
	})
}

func TestInitiativeFilters(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)

	var covid struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 100, filter: {themes: ["covid-19"]}) { totalCount edges { node { `+nodeFields+` } }
	  facets { themes { value count } status { value count } countries { value count } } } }`, nil, &covid)
	if covid.Initiatives.TotalCount < 40 {
		t.Fatalf("covid-19 initiatives = %d, want ≥ 40 (51 COVID measures in the corpus)", covid.Initiatives.TotalCount)
	}
	for _, e := range covid.Initiatives.Edges {
		if !containsFold(e.Node.themeSlugs(), "covid-19") {
			t.Errorf("%s has themes %v, not covid-19", e.Node.Title, e.Node.themeSlugs())
		}
	}
	// The theme facet of a theme-filtered set counts every initiative in it.
	for _, f := range covid.Initiatives.Facets.Themes {
		if f.Value == "covid-19" && f.Count != covid.Initiatives.TotalCount {
			t.Errorf("facet covid-19 = %d, totalCount %d", f.Count, covid.Initiatives.TotalCount)
		}
	}

	// Country + year + status combine with AND.
	var de struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 100, filter: {countries: ["de"]}) { totalCount edges { node { key country { country { code } } } } } }`, nil, &de)
	if de.Initiatives.TotalCount == 0 {
		t.Fatal("no German initiatives")
	}
	// totalCount (an anchored count query) agrees with the page (an index
	// walk) for single and combined filters.
	for _, f := range []string{`{countries: ["DE"]}`, `{themes: ["participation"], countries: ["PL", "DE"]}`,
		`{years: [2020, 2023], status: [FINALIST, WINNER]}`, `{cities: ["3093133"]}`, `{text: "city", themes: ["covid-19"]}`} {
		var c struct{ Initiatives connection }
		mustData(t, srv, `{ initiatives(first: 100, filter: `+f+`) { totalCount edges { node { key } } facets { status { value count } } } }`, nil, &c)
		sum := 0
		for _, b := range c.Initiatives.Facets.Status {
			sum += b.Count
		}
		if c.Initiatives.TotalCount == 0 || c.Initiatives.TotalCount != len(c.Initiatives.Edges) || sum != c.Initiatives.TotalCount {
			t.Errorf("filter %s: totalCount %d, page %d, status facets %d", f, c.Initiatives.TotalCount, len(c.Initiatives.Edges), sum)
		}
	}
	var winners struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 100, filter: {status: [WINNER]}) { totalCount } }`, nil, &winners)
	var winners2020 struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 100, filter: {status: [WINNER], years: [2020]}) { totalCount } }`, nil, &winners2020)
	if winners.Initiatives.TotalCount == 0 || winners2020.Initiatives.TotalCount > winners.Initiatives.TotalCount {
		t.Errorf("winners %d, winners 2020 %d", winners.Initiatives.TotalCount, winners2020.Initiatives.TotalCount)
	}

	// Ordering by year puts the latest award first.
	var byYear struct {
		Initiatives struct {
			Edges []struct {
				Node struct {
					Awards []struct{ Year int } `json:"awards"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"initiatives"`
	}
	mustData(t, srv, `{ initiatives(first: 20, orderBy: {field: YEAR, direction: DESC}) { edges { node { awards { year } } } } }`, nil, &byYear)
	prev := 9999
	for _, e := range byYear.Initiatives.Edges {
		best := 0
		for _, a := range e.Node.Awards {
			best = max(best, a.Year)
		}
		if best > prev {
			t.Errorf("not ordered by year: %d after %d", best, prev)
		}
		prev = best
	}
}

func TestLookupsAndNodes(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var page struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 100, filter: {countries: ["GB"]}) { edges { node { `+nodeFields+` } } } }`, nil, &page)
	var withCity *node
	for _, e := range page.Initiatives.Edges {
		if e.Node.City != nil {
			n := e.Node
			withCity = &n
			break
		}
	}
	if withCity == nil {
		t.Fatal("no British initiative with a city")
	}
	var got struct {
		Initiative node
		ByKey      node `json:"byKey"`
		City       struct {
			ID, Name        string
			Latitude        float64 `json:"latitude"`
			InitiativeCount int     `json:"initiativeCount"`
			Initiatives     connection
		}
		Node struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
	}
	mustData(t, srv, `query($id: ID!, $key: ID!, $city: ID!) {
	  initiative(id: $id) { `+nodeFields+` }
	  byKey: initiative(id: $key) { key }
	  city(id: $city) { id name latitude initiativeCount initiatives(first: 50) { totalCount edges { node { key } } } }
	  node(id: $city) { id ... on City { name } }
	}`, map[string]any{"id": withCity.ID, "key": withCity.Key, "city": withCity.City.City.ID}, &got)
	if got.Initiative.Title != withCity.Title || got.ByKey.Key != withCity.Key {
		t.Errorf("initiative lookup: %+v / %+v", got.Initiative, got.ByKey)
	}
	if got.City.Name != withCity.City.City.Name || got.City.Latitude == 0 || got.City.InitiativeCount < 1 ||
		got.City.Initiatives.TotalCount != got.City.InitiativeCount {
		t.Errorf("city: %+v", got.City)
	}
	found := false
	for _, e := range got.City.Initiatives.Edges {
		found = found || e.Node.Key == withCity.Key
	}
	if !found {
		t.Errorf("city %s does not list %s", got.City.Name, withCity.Key)
	}
	if got.Node.ID != withCity.City.City.ID || got.Node.Name != got.City.Name {
		t.Errorf("node(id) = %+v", got.Node)
	}

	// Every kind of global ID resolves through node().
	var kinds struct {
		T, C, Y struct {
			ID string `json:"id"`
		}
		Missing *struct{ ID string } `json:"missing"`
	}
	mustData(t, srv, `{ t: node(id: "theme/covid-19") { id } c: node(id: "country/DE") { id } y: node(id: "year/2020") { id }
	  missing: node(id: "initiative/does-not-exist") { id } }`, nil, &kinds)
	if kinds.T.ID != "theme/covid-19" || kinds.C.ID != "country/DE" || kinds.Y.ID != "year/2020" || kinds.Missing != nil {
		t.Errorf("node kinds: %+v", kinds)
	}
	r := post(t, srv, `{ node(id: "nonsense") { id } }`, nil)
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("bad global id: %+v", r.Errors)
	}
}

func TestListsAndYears(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var got struct {
		Cities struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Name            string
					InitiativeCount int `json:"initiativeCount"`
				}
			}
		}
		Countries struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Code            string
					InitiativeCount int `json:"initiativeCount"`
					Cities          []struct{ Name string }
				}
			}
		}
		Themes struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Slug            string
					InitiativeCount int `json:"initiativeCount"`
				}
			}
		}
		AwardYears []struct {
			Year            int
			InitiativeCount int `json:"initiativeCount"`
			Winners         []struct{ Title string }
		} `json:"awardYears"`
	}
	mustData(t, srv, `{
	  cities(first: 5) { totalCount edges { node { name initiativeCount } } }
	  countries(first: 100) { totalCount edges { node { code initiativeCount cities(first: 3) { name } } } }
	  themes { totalCount edges { node { slug initiativeCount } } }
	  awardYears { year initiativeCount winners { title } }
	}`, nil, &got)
	if got.Cities.TotalCount < 50 || len(got.Cities.Edges) != 5 {
		t.Errorf("cities: %+v", got.Cities)
	}
	for i := 1; i < len(got.Cities.Edges); i++ {
		if got.Cities.Edges[i].Node.InitiativeCount > got.Cities.Edges[i-1].Node.InitiativeCount {
			t.Errorf("cities not ranked by initiatives")
		}
	}
	if got.Countries.TotalCount < 15 || got.Countries.TotalCount != len(got.Countries.Edges) {
		t.Errorf("countries: total %d, edges %d", got.Countries.TotalCount, len(got.Countries.Edges))
	}
	if got.Themes.TotalCount < 14 {
		t.Errorf("themes: %d, want the 14 of the taxonomy", got.Themes.TotalCount)
	}
	years := map[int]bool{}
	winners := 0
	for _, y := range got.AwardYears {
		years[y.Year] = true
		winners += len(y.Winners)
		if y.InitiativeCount < len(y.Winners) {
			t.Errorf("year %d: %d initiatives < %d winners", y.Year, y.InitiativeCount, len(y.Winners))
		}
	}
	if !years[2020] || !years[2024] || winners == 0 {
		t.Errorf("award years %v, winners %d", years, winners)
	}
	r := post(t, srv, `{ cities(first: 0) { totalCount } }`, nil)
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("cities(first: 0): %+v", r.Errors)
	}
}

func TestSearch(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	type hits struct {
		Search []struct {
			Score        float64
			MatchedTerms []string `json:"matchedTerms"`
			Initiative   struct {
				Title, Summary string
			}
		}
	}
	var volunteers hits
	mustData(t, srv, `{ search(query: "volunteers", first: 10) { score matchedTerms initiative { title summary } } }`, nil, &volunteers)
	if len(volunteers.Search) < 3 {
		t.Fatalf("search volunteers: %d hits", len(volunteers.Search))
	}
	for i, h := range volunteers.Search {
		text := strings.ToLower(h.Initiative.Title + " " + h.Initiative.Summary)
		if !strings.Contains(text, "volunt") {
			t.Errorf("hit %q does not mention volunteers", h.Initiative.Title)
		}
		if i > 0 && h.Score > volunteers.Search[i-1].Score {
			t.Errorf("hits not ranked by score")
		}
	}
	// Missing diacritics: "Lodz" finds Łódź; a typo still finds volunteers.
	var lodz, typo hits
	mustData(t, srv, `{ search(query: "Lodz") { initiative { title summary } } }`, nil, &lodz)
	if len(lodz.Search) == 0 || !strings.Contains(lodz.Search[0].Initiative.Title+lodz.Search[0].Initiative.Summary, "Łódź") {
		t.Errorf("Lodz: %+v", lodz.Search)
	}
	mustData(t, srv, `{ search(query: "voluntears") { initiative { title summary } } }`, nil, &typo)
	if len(typo.Search) == 0 {
		t.Error("typo 'voluntears' found nothing")
	}
	// Lucene syntax in user input is escaped, never an error.
	for _, q := range []string{`"(volunteers:*`, `AND OR NOT`, `title:x~~ \\ /`, `+-&&||!(){}[]^"~*?:\/`} {
		r := post(t, srv, `query($q: String!) { search(query: $q) { score } }`, map[string]any{"q": q})
		if len(r.Errors) > 0 && r.code() != "BAD_USER_INPUT" {
			t.Errorf("query %q: %+v", q, r.Errors)
		}
	}
	r := post(t, srv, `{ search(query: "   ") { score } }`, nil)
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("empty query: %+v", r.Errors)
	}
	// The text filter uses the same index and combines with facets.
	var filtered struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 50, filter: {text: "volunteers", themes: ["covid-19"]}) { totalCount edges { node { `+nodeFields+` } } } }`, nil, &filtered)
	if filtered.Initiatives.TotalCount == 0 {
		t.Error("text+theme filter found nothing")
	}
}

type similarResult struct {
	Initiative struct {
		Key  string
		City *struct {
			City struct{ ID, Name string }
		}
	}
	Score        float64
	SharedThemes []struct{ Slug string } `json:"sharedThemes"`
	SharedTerms  []string                `json:"sharedTerms"`
	Reason       string
}

func TestSimilarInitiatives(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	// A COVID volunteer platform with a city.
	var res struct{ Search []struct{ Initiative node } }
	mustData(t, srv, `{ search(query: "volunteers", first: 30) { initiative { `+nodeFields+` } } }`, nil, &res)
	var src *node
	for _, h := range res.Search {
		if h.Initiative.City != nil && containsFold(h.Initiative.themeSlugs(), "covid-19") {
			n := h.Initiative
			src = &n
			break
		}
	}
	if src == nil {
		t.Fatal("no COVID volunteer initiative with a city found")
	}
	var got struct {
		SimilarInitiatives []similarResult `json:"similarInitiatives"`
	}
	mustData(t, srv, `query($id: ID!) { similarInitiatives(id: $id, first: 10) {
	  initiative { key city { city { id name } } } score sharedThemes { slug } sharedTerms reason } }`,
		map[string]any{"id": src.ID}, &got)
	sims := got.SimilarInitiatives
	if len(sims) < 3 {
		t.Fatalf("%s: %d similar initiatives", src.Title, len(sims))
	}
	related := 0
	for i, s := range sims {
		if s.Initiative.City != nil && s.Initiative.City.City.ID == src.City.City.ID {
			t.Errorf("differentCity=true returned same city %s", s.Initiative.City.City.Name)
		}
		if s.Reason == "" || s.Score <= 0 || s.Score > 1 {
			t.Errorf("bad link %+v", s)
		}
		if i > 0 && s.Score > sims[i-1].Score {
			t.Error("similar not ranked by score")
		}
		for _, th := range s.SharedThemes {
			if th.Slug == "covid-19" || th.Slug == "social-inclusion" {
				related++
				break
			}
		}
	}
	if related < len(sims)/2 {
		t.Errorf("only %d of %d similar initiatives share COVID/community themes with %q", related, len(sims), src.Title)
	}
	t.Logf("similar to %q (%s): first %q — %s", src.Title, src.City.City.Name, sims[0].Initiative.Key, sims[0].Reason)

	r := post(t, srv, `{ similarInitiatives(id: "initiative/does-not-exist") { score } }`, nil)
	if r.code() != "NOT_FOUND" {
		t.Errorf("unknown initiative: %+v", r.Errors)
	}
}

func TestSimilarCitiesConnectionNeighbourhood(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var ranking struct {
		CityRanking []struct {
			City  struct{ ID, Name string }
			Count int
		} `json:"cityRanking"`
	}
	mustData(t, srv, `{ cityRanking(first: 10) { city { id name } count } }`, nil, &ranking)
	if len(ranking.CityRanking) < 2 {
		t.Fatalf("cityRanking: %+v", ranking)
	}
	a := ranking.CityRanking[0].City

	var sc struct {
		SimilarCities []struct {
			City         struct{ ID, Name string }
			Score        float64
			SharedThemes []struct{ Slug string } `json:"sharedThemes"`
		} `json:"similarCities"`
	}
	mustData(t, srv, `query($id: ID!) { similarCities(id: $id, first: 5) { city { id name } score sharedThemes { slug } } }`,
		map[string]any{"id": a.ID}, &sc)
	if len(sc.SimilarCities) == 0 {
		t.Fatalf("no cities similar to %s", a.Name)
	}
	for _, c := range sc.SimilarCities {
		if c.City.ID == a.ID || len(c.SharedThemes) == 0 || c.Score <= 0 || c.Score > 1 {
			t.Errorf("similar city %+v", c)
		}
	}
	b := sc.SimilarCities[0].City

	type graphT struct {
		Nodes []struct {
			ID, Kind, Label string
		}
		Edges []struct {
			Source, Target, Type string
			Weight               float64
		}
		Truncated bool
	}
	var conn struct{ Connection *graphT }
	mustData(t, srv, `query($a: ID!, $b: ID!) { connection(from: $a, to: $b, maxHops: 4) {
	  nodes { id kind label } edges { source target type weight } } }`, map[string]any{"a": a.ID, "b": b.ID}, &conn)
	if conn.Connection == nil {
		t.Fatalf("no connection between %s and %s", a.Name, b.Name)
	}
	viaTheme := false
	ids := map[string]bool{}
	for _, n := range conn.Connection.Nodes {
		ids[n.ID] = true
		viaTheme = viaTheme || n.Kind == "THEME"
	}
	if !ids[a.ID] || !ids[b.ID] {
		t.Errorf("path misses an endpoint: %+v", conn.Connection.Nodes)
	}
	if !viaTheme {
		t.Errorf("no path through a shared theme between %s and %s: %+v", a.Name, b.Name, conn.Connection.Nodes)
	}
	for _, e := range conn.Connection.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			t.Errorf("edge %+v refers to a node outside the graph", e)
		}
	}
	// One round trip, and each kind of bad input named.
	const cq = `query($a: ID!, $b: ID!) { connection(from: $a, to: $b) { nodes { id } } }`
	if _, n := postCounted(t, db, "connection", cq, map[string]any{"a": a.ID, "b": b.ID}); n != 1 {
		t.Errorf("connection: %d round trips, want 1", n)
	}
	for _, c := range []struct{ from, to, code, in string }{
		{a.ID, "city/1", "NOT_FOUND", "city/1"},
		{"theme/no-such-theme", b.ID, "NOT_FOUND", "no-such-theme"},
		{a.ID, a.ID, "BAD_USER_INPUT", "same node"},
	} {
		r := post(t, srv, cq, map[string]any{"a": c.from, "b": c.to})
		if r.code() != c.code || !strings.Contains(r.Errors[0].Message, c.in) {
			t.Errorf("connection %s → %s: %+v, want %s naming %q", c.from, c.to, r.Errors, c.code, c.in)
		}
	}

	var nb struct{ Neighbourhood graphT }
	mustData(t, srv, `query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 25) {
	  nodes { id kind label } edges { source target type weight } truncated } }`, map[string]any{"id": "theme/covid-19"}, &nb)
	g := nb.Neighbourhood
	if len(g.Nodes) == 0 || len(g.Nodes) > 25 || !g.Truncated {
		t.Errorf("neighbourhood: %d nodes, truncated %v", len(g.Nodes), g.Truncated)
	}
	nids := map[string]bool{}
	for _, n := range g.Nodes {
		if nids[n.ID] {
			t.Errorf("duplicate node %s", n.ID)
		}
		nids[n.ID] = true
	}
	if g.Nodes[0].ID != "theme/covid-19" || len(g.Edges) == 0 {
		t.Errorf("centre %s, %d edges", g.Nodes[0].ID, len(g.Edges))
	}
	for _, e := range g.Edges {
		if !nids[e.Source] || !nids[e.Target] {
			t.Errorf("dangling edge %+v", e)
		}
	}
	r := post(t, srv, `{ neighbourhood(id: "theme/covid-19", depth: 9) { truncated } }`, nil)
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("depth 9: %+v", r.Errors)
	}
	r = post(t, srv, `{ neighbourhood(id: "city/1") { truncated } }`, nil)
	if r.code() != "NOT_FOUND" {
		t.Errorf("unknown node: %+v", r.Errors)
	}
}

func TestAggregations(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var got struct {
		ThemeTrends []struct {
			Theme struct{ Slug string }
			Year  int
			Count int
		} `json:"themeTrends"`
		ThemeByCountry []struct {
			Theme   struct{ Slug string }
			Country struct{ Code string }
			Count   int
		} `json:"themeByCountry"`
		ThemeCooccurrence []struct {
			A, B    struct{ Slug string }
			Count   int
			Jaccard float64
			Lift    float64
		} `json:"themeCooccurrence"`
		Covid struct {
			Initiatives struct{ TotalCount int } `json:"initiatives"`
		} `json:"covid"`
	}
	mustData(t, srv, `{
	  themeTrends { theme { slug } year count }
	  themeByCountry(themes: ["covid-19"]) { theme { slug } country { code } count }
	  themeCooccurrence(minCount: 2) { a { slug } b { slug } count jaccard lift }
	  covid: node(id: "theme/covid-19") { ... on Theme { initiatives(first: 1) { totalCount } } }
	}`, nil, &got)
	if len(got.ThemeTrends) < 10 {
		t.Errorf("themeTrends has %d rows", len(got.ThemeTrends))
	}
	for _, r := range got.ThemeTrends {
		// Every year of the range has a row, so counts may be 0.
		if r.Year < 2017 || r.Year > 2025 || r.Count < 0 {
			t.Errorf("trend row %+v", r)
		}
	}
	sum := 0
	for _, r := range got.ThemeByCountry {
		if r.Theme.Slug != "covid-19" || len(r.Country.Code) != 2 {
			t.Errorf("themeByCountry row %+v", r)
		}
		sum += r.Count
	}
	if sum == 0 || sum > got.Covid.Initiatives.TotalCount {
		t.Errorf("covid per country sums to %d, covid total %d", sum, got.Covid.Initiatives.TotalCount)
	}
	if len(got.ThemeCooccurrence) == 0 {
		t.Fatal("no theme pairs")
	}
	for _, p := range got.ThemeCooccurrence {
		if p.A.Slug >= p.B.Slug || p.Count < 2 || p.Jaccard <= 0 || p.Jaccard > 1 || p.Lift <= 0 {
			t.Errorf("pair %+v", p)
		}
	}
}

func TestCurationMutations(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	auth := []string{"Authorization", "Bearer " + testToken}
	upsert := `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { id key title themes { theme { slug } source } city { city { name } } } }`
	in := map[string]any{"in": map[string]any{"title": "Test Curated Initiative", "summary": "Added by a curator in a test.", "themes": []string{"culture"}, "countryCode": "AT"}}

	if r := post(t, srv, upsert, in); r.code() != "UNAUTHENTICATED" {
		t.Fatalf("no token: %+v", r.Errors)
	}
	if r := post(t, srv, upsert, in, "Authorization", "Bearer wrong"); r.code() != "UNAUTHENTICATED" {
		t.Fatalf("wrong token: %+v", r.Errors)
	}
	r := post(t, srv, upsert, in, auth...)
	if len(r.Errors) > 0 {
		t.Fatalf("upsert: %+v", r.Errors)
	}
	var created struct{ UpsertInitiative node }
	_ = json.Unmarshal(r.Data, &created)
	if created.UpsertInitiative.Key != "test-curated-initiative" || !containsFold(created.UpsertInitiative.themeSlugs(), "culture") {
		t.Fatalf("created %+v", created.UpsertInitiative)
	}
	id := created.UpsertInitiative.ID
	if r := post(t, srv, `mutation($id: ID!) { linkTheme(initiative: $id, theme: "education-youth") { key } }`, map[string]any{"id": id}, auth...); len(r.Errors) > 0 {
		t.Fatalf("linkTheme: %+v", r.Errors)
	}
	if r := post(t, srv, `mutation($id: ID!) { unlinkTheme(initiative: $id, theme: "culture") { key } }`, map[string]any{"id": id}, auth...); len(r.Errors) > 0 {
		t.Fatalf("unlinkTheme: %+v", r.Errors)
	}
	var check struct{ Initiative node }
	mustData(t, srv, `query($id: ID!) { initiative(id: $id) { `+nodeFields+` } }`, map[string]any{"id": id}, &check)
	if got := check.Initiative.themeSlugs(); !containsFold(got, "education-youth") || containsFold(got, "culture") {
		t.Errorf("themes after link/unlink: %v", got)
	}
	// Link a city (one that has initiatives), then unlink it; the country stays.
	var ranking struct {
		CityRanking []struct{ City struct{ ID, Name string } } `json:"cityRanking"`
	}
	mustData(t, srv, `{ cityRanking(first: 1) { city { id name } } }`, nil, &ranking)
	cityID := ranking.CityRanking[0].City.ID
	var linked struct {
		LinkCity struct {
			City *struct {
				City struct{ ID string }
			}
			Country *struct {
				Country struct{ Code string }
			}
		} `json:"linkCity"`
	}
	r = post(t, srv, `mutation($id: ID!, $c: ID!) { linkCity(initiative: $id, city: $c) { city { city { id } } country { country { code } } } }`,
		map[string]any{"id": id, "c": cityID}, auth...)
	if err := json.Unmarshal(r.Data, &linked); err != nil || len(r.Errors) > 0 || linked.LinkCity.City == nil || linked.LinkCity.City.City.ID != cityID || linked.LinkCity.Country == nil {
		t.Fatalf("linkCity: %+v %s", r.Errors, r.Data)
	}
	r = post(t, srv, `mutation($id: ID!) { unlinkCity(initiative: $id) { city { city { id } } country { country { code } } } }`, map[string]any{"id": id}, auth...)
	var unlinked struct {
		UnlinkCity struct {
			City    *struct{} `json:"city"`
			Country *struct{} `json:"country"`
		} `json:"unlinkCity"`
	}
	if err := json.Unmarshal(r.Data, &unlinked); err != nil || len(r.Errors) > 0 || unlinked.UnlinkCity.City != nil || unlinked.UnlinkCity.Country == nil {
		t.Fatalf("unlinkCity: %+v %s", r.Errors, r.Data)
	}
	if r := post(t, srv, `mutation($id: ID!) { linkCity(initiative: $id, city: "city/1") { key } }`, map[string]any{"id": id}, auth...); r.code() != "NOT_FOUND" {
		t.Errorf("unknown city: %+v", r.Errors)
	}
	if r := post(t, srv, `mutation($id: ID!) { linkTheme(initiative: $id, theme: "no-such-theme") { key } }`, map[string]any{"id": id}, auth...); r.code() != "NOT_FOUND" {
		t.Errorf("unknown theme: %+v", r.Errors)
	}
	if r := post(t, srv, upsert, map[string]any{"in": map[string]any{"title": " ", "summary": "x"}}, auth...); r.code() != "BAD_USER_INPUT" {
		t.Errorf("empty title: %+v", r.Errors)
	}
	var del struct{ DeleteInitiative bool }
	r = post(t, srv, `mutation($id: ID!) { deleteInitiative(id: $id) }`, map[string]any{"id": id}, auth...)
	_ = json.Unmarshal(r.Data, &del)
	if !del.DeleteInitiative {
		t.Errorf("delete: %+v", r)
	}
	r = post(t, srv, `mutation($id: ID!) { deleteInitiative(id: $id) }`, map[string]any{"id": id}, auth...)
	_ = json.Unmarshal(r.Data, &del)
	if del.DeleteInitiative {
		t.Error("second delete reported the initiative as existing")
	}
}

func TestHTTPBehaviour(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, func(c *config.Server) { c.MaxBodyBytes = 4096; c.MaxDepth = 6; c.MaxComplexity = 3000 })

	t.Run("GET query", func(t *testing.T) {
		res, err := http.Get(srv.URL + "/graphql?query=" + url.QueryEscape(`{ initiatives(first: 1) { totalCount } }`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/") {
			t.Errorf("GET: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
	t.Run("GET mutation refused", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/graphql?query="+url.QueryEscape(`mutation { deleteInitiative(id: "x") }`), nil)
		r := do(t, req)
		if r.status < 400 || len(r.Errors) == 0 {
			t.Errorf("GET mutation: status %d %+v", r.status, r.Errors)
		}
	})
	t.Run("body too large", func(t *testing.T) {
		big := `{ search(query: "` + strings.Repeat("a", 5000) + `") { score } }`
		r := post(t, srv, big, nil)
		if r.status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
			t.Errorf("status %d %+v", r.status, r.Errors)
		}
	})
	t.Run("depth limit", func(t *testing.T) {
		q := `{ initiatives(first: 1) { edges { node { city { city { country { cities(first: 1) { initiatives(first: 1) { edges { node { title } } } } } } } } } } }`
		r := post(t, srv, q, nil)
		if r.code() != "DEPTH_LIMIT_EXCEEDED" {
			t.Errorf("got %d %+v", r.status, r.Errors)
		}
	})
	t.Run("complexity limit", func(t *testing.T) {
		q := `{ initiatives(first: 100) { edges { node { similar(first: 50) { initiative { title summary key } } } } } }`
		r := post(t, srv, q, nil)
		if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("got %d %+v", r.status, r.Errors)
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		r := post(t, srv, `{ initiatives(first: `, nil)
		if r.code() != "GRAPHQL_PARSE_FAILED" || r.status != 422 && r.status != 200 {
			t.Errorf("got %d %+v", r.status, r.Errors)
		}
	})
	t.Run("automatic persisted query", func(t *testing.T) {
		q := `{ themes(first: 3) { totalCount } }`
		sum := sha256.Sum256([]byte(q))
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		send := func(withQuery bool) gqlResponse {
			body := map[string]any{"extensions": ext}
			if withQuery {
				body["query"] = q
			}
			raw, _ := json.Marshal(body)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			return do(t, req)
		}
		if r := send(false); len(r.Errors) == 0 || r.Errors[0].Message != "PersistedQueryNotFound" {
			t.Fatalf("unknown hash: %+v", r.Errors)
		}
		if r := send(true); len(r.Errors) > 0 {
			t.Fatalf("register: %+v", r.Errors)
		}
		if r := send(false); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "totalCount") {
			t.Fatalf("by hash: %+v %s", r.Errors, r.Data)
		}
	})
	t.Run("CORS allowlist", func(t *testing.T) {
		for origin, want := range map[string]string{"https://allowed.example": "https://allowed.example", "https://evil.example": ""} {
			req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != want {
				t.Errorf("origin %s: allow-origin %q, want %q", origin, got, want)
			}
			if res.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("credentials allowed for %s", origin)
			}
		}
	})
	t.Run("health and readiness", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

// TestNoNPlusOne counts the Cypher round trips of a nested query at two
// list sizes: the count must not grow with `first`.
func TestNoNPlusOne(t *testing.T) {
	db := importedDB(t)
	const q = `query($n: Int!) { initiatives(first: $n) { edges { node { title
	  city { city { name country { code name } } }
	  themes { theme { slug name } }
	  similar(first: 3) { score initiative { title city { city { name } } } sharedThemes { slug } } } } } }`
	// The list's statement is planned from the selection: each initiative
	// with its city, country name and themes, and its similar links with
	// the initiatives they point at, as COLLECT subqueries.
	const bound = 1
	trips := map[int]int64{}
	for _, n := range []int{10, 50, 100} {
		ctx, counter := withCounter()
		r := postCtx(t, db, ctx, q, map[string]any{"n": n})
		if len(r.Errors) > 0 {
			t.Fatalf("first %d: %+v", n, r.Errors)
		}
		trips[n] = counter.Load()
	}
	t.Logf("Cypher round trips: first 10 → %d, first 50 → %d, first 100 → %d", trips[10], trips[50], trips[100])
	for n, c := range trips {
		if c > bound || c != trips[10] {
			t.Errorf("first %d: %d round trips; want the same for every size and ≤ %d (%v)", n, c, bound, trips)
		}
	}
}
