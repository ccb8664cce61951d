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
	var withCity string
	for k, n := range byKey {
		if n.City != nil && len(n.Sources) > 0 {
			withCity = k
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
	for _, s := range got.Sim {
		if s.Initiative.Summary == "" {
			t.Errorf("similar target %s has no summary after a title-only read of the same links", s.Initiative.Key)
		}
	}
}
