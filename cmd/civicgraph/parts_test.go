package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestSelectionShapedReads checks the reads that fetch only what a
// selection asks for: narrow selections give the same values as the full
// one, and a narrow read in one part of a request never serves another
// part that asks for more.
func TestSelectionShapedReads(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)

	var full struct{ Initiatives connection }
	mustData(t, srv, `{ initiatives(first: 60) { edges { node { `+nodeFields+` } } } }`, nil, &full)
	if len(full.Initiatives.Edges) != 60 {
		t.Fatalf("%d edges", len(full.Initiatives.Edges))
	}
	byKey := map[string]node{}
	for _, e := range full.Initiatives.Edges {
		byKey[e.Node.Key] = e.Node
	}

	// Each narrow selection agrees with the full read on what it selects.
	for name, sel := range map[string]string{
		"themes only":  `key themes { theme { slug } source confidence }`,
		"place only":   `key city { city { id name country { code } } }`,
		"sources only": `key sources { url method }`,
	} {
		var narrow struct{ Initiatives connection }
		mustData(t, srv, `{ initiatives(first: 60) { edges { node { `+sel+` } } } }`, nil, &narrow)
		for _, e := range narrow.Initiatives.Edges {
			want := byKey[e.Node.Key]
			switch name {
			case "themes only":
				if !reflect.DeepEqual(e.Node.Themes, want.Themes) {
					t.Errorf("%s: %s themes %+v, full read %+v", name, e.Node.Key, e.Node.Themes, want.Themes)
				}
			case "place only":
				if !reflect.DeepEqual(e.Node.City, want.City) {
					t.Errorf("%s: %s city %+v, full read %+v", name, e.Node.Key, e.Node.City, want.City)
				}
			case "sources only":
				if !reflect.DeepEqual(e.Node.Sources, want.Sources) || len(e.Node.Sources) == 0 {
					t.Errorf("%s: %s sources %+v, full read %+v", name, e.Node.Key, e.Node.Sources, want.Sources)
				}
			}
		}
	}

	// One request: a title-only list, the same initiatives' similar links
	// with title-only targets, and then whole initiatives by key — the
	// whole ones must not come from the narrow reads.
	// The first such initiative in list order, so a failure repeats.
	var withCity string
	for _, e := range full.Initiatives.Edges {
		if n := e.Node; n.City != nil && len(n.Sources) > 0 {
			withCity = n.Key
			break
		}
	}
	if withCity == "" {
		t.Fatal("no initiative with a city in the first page")
	}
	r := post(t, srv, `query($id: ID!) {
	  list: initiatives(first: 60) { edges { node { key title similar(first: 3) { initiative { key title } } } } }
	  one: initiative(id: $id) { `+nodeFields+` summary }
	  sim: similarInitiatives(id: $id, first: 3, differentCity: false) { initiative { key summary city { city { name } } } } }`,
		map[string]any{"id": "initiative/" + withCity})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	var got struct {
		One struct {
			node
			Summary string
		}
		Sim []struct {
			Initiative struct {
				Key     string
				Summary string
			}
		}
	}
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	want := byKey[withCity]
	if got.One.Summary == "" || !reflect.DeepEqual(got.One.City, want.City) || !reflect.DeepEqual(got.One.Sources, want.Sources) {
		t.Errorf("initiative(id) after narrow reads: summary %q city %+v sources %+v; want city %+v sources %+v",
			got.One.Summary, got.One.City, got.One.Sources, want.City, want.Sources)
	}
	// Some pages list initiatives by title only, so an empty summary is
	// not wrong by itself: each target must carry what a request of its
	// own reads for it.
	if len(got.Sim) == 0 {
		t.Fatalf("%s has no similar initiatives", withCity)
	}
	summaries := 0
	for _, s := range got.Sim {
		var alone struct{ Initiative struct{ Summary string } }
		mustData(t, srv, `query($id: ID!) { initiative(id: $id) { summary } }`,
			map[string]any{"id": "initiative/" + s.Initiative.Key}, &alone)
		if s.Initiative.Summary != alone.Initiative.Summary {
			t.Errorf("similar target %s: summary %q after a title-only read of the same links, %q read alone",
				s.Initiative.Key, s.Initiative.Summary, alone.Initiative.Summary)
		}
		if alone.Initiative.Summary != "" {
			summaries++
		}
	}
	if summaries == 0 {
		t.Errorf("no similar target of %s has a summary, so the check above shows nothing", withCity)
	}
}

// TestRootCityPrefetch: a city looked up at the root reads the pages of
// initiatives its selection asks for in the same statement (1 round trip
// in all, for any page arguments), with the same answer as the nested
// resolver alone.
func TestRootCityPrefetch(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	var rank struct {
		CityRanking []struct{ City struct{ ID string } } `json:"cityRanking"`
	}
	mustData(t, srv, `{ cityRanking(first: 1) { city { id } } }`, nil, &rank)
	id := rank.CityRanking[0].City.ID
	after := ""
	for _, args := range []string{"", "(first: 2)", "(first: 2, after: $after)"} {
		vars, decl := map[string]any{"id": id}, "$id: ID!"
		if after != "" {
			vars["after"], decl = after, "$id: ID!, $after: String"
		}
		q := `query(` + decl + `) { city(id: $id) { name initiatives` + args + ` { edges { cursor node { key title themes { theme { slug } } } } } } }`
		r, n := postCounted(t, db, args, q, vars)
		if n != 1 {
			t.Errorf("%s: %d round trips, want 1 (the city with its page)", args, n)
		}
		var got struct {
			City struct {
				Initiatives struct {
					Edges []struct {
						Cursor string
						Node   struct{ Key string }
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &got); err != nil {
			t.Fatal(err)
		}
		// The same page through a path without the root prefetch.
		var viaNode struct {
			Node struct {
				Initiatives struct {
					Edges []struct{ Node struct{ Key string } }
				}
			}
		}
		mustData(t, srv, `query(`+decl+`) { node(id: $id) { ... on City { initiatives`+args+` { edges { node { key } } } } } }`,
			vars, &viaNode)
		var a, b []string
		for _, e := range got.City.Initiatives.Edges {
			a = append(a, e.Node.Key)
		}
		for _, e := range viaNode.Node.Initiatives.Edges {
			b = append(b, e.Node.Key)
		}
		if len(a) == 0 || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: prefetched page %v, nested resolver %v", args, a, b)
		}
		if args == "(first: 2)" {
			after = got.City.Initiatives.Edges[len(got.City.Initiatives.Edges)-1].Cursor
		}
	}
}

// TestSameFactsInEveryRead: an initiative's place, country and awards are
// the same whichever read returns it — each order of the list, and the
// winners of a year — as when it is read alone. (Under orderBy CITY the
// country came back null, and a winner listed in awardYears carried only
// that year's award: the statement's own variables were captured by the
// projection's pattern comprehensions.)
func TestSameFactsInEveryRead(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	type facts struct {
		Key  string
		City *struct {
			City struct{ Name string }
		}
		Country *struct {
			Country struct{ Code string }
		}
		Awards []struct {
			Year   int
			Status string
		}
	}
	const sel = `key city { city { name } } country { country { code } } awards { year status }`
	alone := func(key string) facts {
		var r struct{ Initiative facts }
		mustData(t, srv, `query($id: ID!) { initiative(id: $id) { `+sel+` } }`, map[string]any{"id": "initiative/" + key}, &r)
		return r.Initiative
	}
	check := func(how string, got []facts) {
		t.Helper()
		withCountry := 0
		for _, f := range got {
			if want := alone(f.Key); !reflect.DeepEqual(f, want) {
				t.Errorf("%s: %s reads %+v, alone %+v", how, f.Key, f, want)
			}
			if f.Country != nil {
				withCountry++
			}
		}
		if len(got) == 0 || withCountry == 0 {
			t.Errorf("%s: %d initiatives, %d with a country: nothing to compare", how, len(got), withCountry)
		}
	}
	for _, order := range []string{"TITLE", "YEAR", "CITY"} {
		var r struct {
			Initiatives struct{ Edges []struct{ Node facts } }
		}
		mustData(t, srv, `{ initiatives(first: 40, orderBy: {field: `+order+`}) { edges { node { `+sel+` } } } }`, nil, &r)
		var got []facts
		for _, e := range r.Initiatives.Edges {
			got = append(got, e.Node)
		}
		check("orderBy "+order, got)
	}
	var years struct {
		AwardYears []struct {
			Year    int
			Winners []facts
		}
	}
	mustData(t, srv, `{ awardYears { year winners { `+sel+` } } }`, nil, &years)
	var winners []facts
	for _, y := range years.AwardYears {
		winners = append(winners, y.Winners...)
	}
	check("awardYears winners", winners)
}
