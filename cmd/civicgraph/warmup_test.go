package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/explorer"
)

// TestWarmupRequestsAnswer: every request of the explorer's first visit
// (dist/warmup.json, written by web/build.mjs from the views) answers
// without errors on the imported showroom, so a view whose query no longer
// fits the schema fails here, and the warm-up covers the landing, a
// search, an initiative page and the about page.
func TestWarmupRequestsAnswer(t *testing.T) {
	rs, err := explorer.Warmup()
	if err != nil {
		t.Fatal(err)
	}
	views := map[string]int{}
	texts := 0
	for _, r := range rs {
		views[r.View]++
		if f, ok := r.Variables["filter"].(map[string]any); ok && f["text"] != nil {
			texts++
		}
	}
	if views["search"] < 4 || views["initiative"] != 1 || views["about"] != 1 || texts < 2 {
		t.Fatalf("warm-up requests by view %v, %d with a text filter: want the landing's and a search's results and facets, the winners, an initiative and the about page", views, texts)
	}
	srv := newAPI(t, importedDB(t), nil)
	var logs bytes.Buffer
	sent, failed := warmUp(context.Background(), srv.Config.Handler, slog.New(slog.NewTextHandler(&logs, nil)))
	if sent != len(rs) || failed != 0 {
		t.Fatalf("warm-up sent %d of %d, %d failed:\n%s", sent, len(rs), failed, logs.String())
	}
	if !strings.Contains(logs.String(), "warm-up: the explorer's first-visit requests planned") {
		t.Errorf("no summary line in the log:\n%s", logs.String())
	}
	// A request that does not fit the schema is counted and logged.
	if err := warmOne(context.Background(), srv.Config.Handler, explorer.Request{Query: "{ noSuchField }"}); err == nil {
		t.Error("a request with a GraphQL error was not reported")
	}
}

// TestWarmGate: /readyz is 503 "warming up" until the gate opens, then the
// server's own answer; every other path passes through at once.
func TestWarmGate(t *testing.T) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "inner %s", r.URL.Path)
	})
	g := &warmGate{}
	h := g.wrap(inner)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/readyz"); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "warming up") || rec.Header().Get("Retry-After") == "" {
		t.Errorf("before: /readyz %d %q", rec.Code, rec.Body.String())
	}
	if rec := get("/graphql"); rec.Code != http.StatusOK || rec.Body.String() != "inner /graphql" {
		t.Errorf("before: /graphql %d %q, want it passed through", rec.Code, rec.Body.String())
	}
	g.open()
	if rec := get("/readyz"); rec.Code != http.StatusOK || rec.Body.String() != "inner /readyz" {
		t.Errorf("after: /readyz %d %q, want the server's own", rec.Code, rec.Body.String())
	}
}
