package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/server"
)

// TestReadYourWritesBookmark: a curation response carries the bookmark of
// its write in Civicgraph-Bookmark; a read that sends it back waits for it
// (on this single instance it is already there) and sees the write; a
// bookmark the database does not know is BAD_USER_INPUT, and too many are
// refused before any work.
func TestReadYourWritesBookmark(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	send := func(query string, headers ...string) (*http.Response, gqlResponse) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Add(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r gqlResponse
		_ = json.NewDecoder(res.Body).Decode(&r)
		return res, r
	}
	res, r := send(`mutation { upsertInitiative(input: {key: "bookmark-probe", title: "Bookmark probe", summary: "Written to check read-your-writes."}) { key } }`,
		"Authorization", "Bearer "+testToken)
	if len(r.Errors) > 0 {
		t.Fatalf("upsert: %+v", r.Errors)
	}
	bm := res.Header.Get(server.BookmarkHeader)
	if bm == "" {
		t.Fatalf("the mutation's response has no %s header", server.BookmarkHeader)
	}
	res, r = send(`{ initiative(id: "bookmark-probe") { title } }`, server.BookmarkHeader, bm)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "Bookmark probe") {
		t.Errorf("read with the bookmark: %s %+v", r.Data, r.Errors)
	}
	if got := res.Header.Get(server.BookmarkHeader); got != "" {
		t.Errorf("a read answered with a bookmark %q; only writes leave one", got)
	}

	if _, r = send(`{ initiative(id: "bookmark-probe") { title } }`, server.BookmarkHeader, "not-a-bookmark"); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("an unknown bookmark: %s %+v, want BAD_USER_INPUT", r.Data, r.Errors)
	}
	if res, _ = send(`{ __typename }`, server.BookmarkHeader, strings.Repeat("b,", 17)+"b"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("18 bookmarks: status %d, want 400", res.StatusCode)
	}
}
