package main

import (
	"encoding/json"
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
