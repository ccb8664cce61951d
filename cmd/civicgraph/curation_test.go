package main

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// TestCurationRefreshesSimilar: an initiative added by a curator has
// similar initiatives at once, and a theme unlinked later no longer
// appears among the shared themes.
func TestCurationRefreshesSimilar(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	auth := []string{"Authorization", "Bearer " + testToken}
	r := post(t, srv, `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title":   "Neighbourhood volunteers shop for older residents",
		"summary": "During the COVID-19 lockdown, volunteers from the neighbourhood deliver groceries and medicine to older and vulnerable residents.",
		"themes":  []string{"covid-19"}, "countryCode": "BE"}}, auth...)
	if len(r.Errors) > 0 {
		t.Fatalf("upsert: %+v", r.Errors)
	}
	var created struct{ UpsertInitiative struct{ ID string } }
	if err := json.Unmarshal(r.Data, &created); err != nil {
		t.Fatal(err)
	}
	id := created.UpsertInitiative.ID
	type sims struct {
		Initiative struct {
			Similar []struct {
				Initiative   struct{ Key string }
				SharedThemes []struct{ Slug string }
				Reason       string
			}
		}
	}
	const q = `query($id: ID!) { initiative(id: $id) { similar(first: 5, differentCity: false) {
	  initiative { key } sharedThemes { slug } reason } } }`
	var before sims
	mustData(t, srv, q, map[string]any{"id": id}, &before)
	withCovid := 0
	for _, s := range before.Initiative.Similar {
		if slices.ContainsFunc(s.SharedThemes, func(th struct{ Slug string }) bool { return th.Slug == "covid-19" }) {
			withCovid++
		}
	}
	if len(before.Initiative.Similar) == 0 || withCovid == 0 {
		t.Fatalf("new initiative: %d similar, %d sharing covid-19: %+v", len(before.Initiative.Similar), withCovid, before)
	}
	t.Logf("similar to the curated initiative: %q — %s", before.Initiative.Similar[0].Initiative.Key, before.Initiative.Similar[0].Reason)

	if r := post(t, srv, `mutation($id: ID!) { unlinkTheme(initiative: $id, theme: "covid-19") { key } }`, map[string]any{"id": id}, auth...); len(r.Errors) > 0 {
		t.Fatalf("unlinkTheme: %+v", r.Errors)
	}
	var after sims
	mustData(t, srv, q, map[string]any{"id": id}, &after)
	for _, s := range after.Initiative.Similar {
		for _, th := range s.SharedThemes {
			if th.Slug == "covid-19" {
				t.Errorf("after unlinking covid-19, %s still shares it", s.Initiative.Key)
			}
		}
	}
}

// TestStaleSimilarLinksRefreshed: a curated initiative whose similar-link
// refresh was lost (marked similarStale, links gone) gets the same links
// back from the sweep, and the mark goes; an import's full refresh clears
// marks too.
func TestStaleSimilarLinksRefreshed(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	auth := []string{"Authorization", "Bearer " + testToken}
	const m = `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { key } }`
	in := map[string]any{"in": map[string]any{"title": "Neighbours help neighbours in the lockdown",
		"summary": "Volunteers deliver groceries and medicine to elderly residents isolated during the covid lockdown.", "themes": []string{"covid-19"}}}
	if r := post(t, srv, m, in, auth...); len(r.Errors) > 0 {
		t.Fatalf("upsert: %+v", r.Errors)
	}
	key := "neighbours-help-neighbours-in-the-lockdown"
	links := func() []any {
		return rawQuery(t, `MATCH (i:Initiative {key: $k})-[s:SIMILAR]-(b) WHERE startNode(s) = i OR s.mutual
WITH b, s ORDER BY b.key RETURN collect([b.key, round(s.score, 6)])`, map[string]any{"k": key})[0][0].([]any)
	}
	mark := func() bool {
		return rawQuery(t, `MATCH (i:Initiative {key: $k}) RETURN i.similarStale IS NOT NULL`, map[string]any{"k": key})[0][0].(bool)
	}
	want := links()
	if len(want) == 0 || mark() {
		t.Fatalf("after the upsert: %d links, mark %v; want links and no mark", len(want), mark())
	}
	// A refresh that never ran: links gone, the edit's mark left.
	rawQuery(t, `MATCH (i:Initiative {key: $k}) OPTIONAL MATCH (i)-[s:SIMILAR]->() DELETE s SET i.similarStale = timestamp()`, map[string]any{"k": key})
	n, err := db.RefreshStale(context.Background(), 50)
	if err != nil || n != 1 {
		t.Fatalf("RefreshStale: %d, %v", n, err)
	}
	if got := links(); !reflect.DeepEqual(got, want) || mark() {
		t.Errorf("after the sweep: links %v (want %v), mark %v", got, want, mark())
	}
	// Nothing left to sweep.
	if n, err := db.RefreshStale(context.Background(), 50); err != nil || n != 0 {
		t.Errorf("second sweep: %d, %v", n, err)
	}
}

// TestUpsertWithoutKeyUpdatesTheImportedInitiative: curation keys a title
// by the import's rule, so upsertInitiative with an imported title and no
// key updates that initiative instead of adding a twin — also for the
// titles an earlier curation rule keyed differently (apostrophes, titles
// longer than 80 characters).
func TestUpsertWithoutKeyUpdatesTheImportedInitiative(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	auth := []string{"Authorization", "Bearer " + testToken}
	rows := rawQuery(t, `MATCH (i:Initiative) WHERE i.title CONTAINS '’' OR i.title CONTAINS "'" OR size(i.title) > 80
RETURN i.key, i.title ORDER BY i.key LIMIT 4`, nil)
	if len(rows) < 2 {
		t.Fatalf("only %d imported titles with an apostrophe or over 80 characters", len(rows))
	}
	count := func() int64 { return rawQuery(t, `MATCH (i:Initiative) RETURN count(i)`, nil)[0][0].(int64) }
	before := count()
	for _, row := range rows {
		key, title := row[0].(string), row[1].(string)
		summary := "A curator's corrected summary of " + title + "."
		r := post(t, srv, `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { key summary } }`,
			map[string]any{"in": map[string]any{"title": title, "summary": summary}}, auth...)
		if len(r.Errors) > 0 {
			t.Fatalf("upsert %q: %+v", title, r.Errors)
		}
		var got struct{ UpsertInitiative struct{ Key, Summary string } }
		if err := json.Unmarshal(r.Data, &got); err != nil {
			t.Fatal(err)
		}
		if got.UpsertInitiative.Key != key || got.UpsertInitiative.Summary != summary {
			t.Errorf("upsert of the imported title %q: key %q summary %q, want the imported key %q, updated", title, got.UpsertInitiative.Key, got.UpsertInitiative.Summary, key)
		}
	}
	if after := count(); after != before {
		t.Errorf("%d initiatives after the upserts, %d before: a twin was added", after, before)
	}
}
