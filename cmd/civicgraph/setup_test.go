package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
	"github.com/civicgraph/civicgraph/internal/server"
	"github.com/civicgraph/civicgraph/internal/shareddata"
)

func pagePaths(tb testing.TB) []string {
	d := shareddata.Dir(tb)
	return []string{filepath.Join(d, "seeds"), filepath.Join(d, "corpus", "showroom")}
}

// importArgs are the flags that point import at the test database.
func importArgs() []string {
	// --yes: the test database is a throw-away one, and some tests write
	// to it without an import (TestWipeGuard tests the guard itself).
	return []string{"--neo4j-uri", dbtest.URI(), "--log-level", "warn", "--yes"}
}

var (
	importOnce sync.Once
	importErr  error
)

// importedDB returns the test database holding the imported ../shared
// pages. The import runs once per test binary; tests that change data
// must restore it or call reimport.
func importedDB(t testing.TB) *neo4jdb.DB {
	t.Helper()
	db := dbtest.Shared(t)
	importOnce.Do(func() {
		var out bytes.Buffer
		importErr = runImport(context.Background(), append(append(importArgs(), "--wipe"), pagePaths(t)...), &out, io.Discard)
	})
	if importErr != nil {
		t.Fatalf("import ../shared: %v", importErr)
	}
	return db
}

// reimport wipes and imports again (for tests after destructive ones).
func reimport(t *testing.T) {
	t.Helper()
	importOnce = sync.Once{}
	importErr = nil
}

// testToken is the bearer token the API tests configure.
const testToken = "test-token-not-a-secret"

// newAPI returns an httptest server over db with test limits.
func newAPI(t *testing.T, db *neo4jdb.DB, mutate func(*config.Server)) *httptest.Server {
	t.Helper()
	cfg := config.Defaults().Server
	cfg.Tokens = []string{testToken}
	cfg.CORSOrigins = []string{"https://allowed.example"}
	cfg.RequestTimeout = 20 * time.Second
	if mutate != nil {
		mutate(&cfg)
	}
	h := newHandler(cfg, db, slog.Default(), nil) // the handler serve runs
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// gqlResponse is a GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends a GraphQL POST with optional headers.
func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any, headers ...string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) gqlResponse {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d, body not JSON: %s", res.StatusCode, raw)
	}
	r.status = res.StatusCode
	return r
}

// mustData posts a query that must succeed and decodes its data into v.
func mustData(t *testing.T, srv *httptest.Server, query string, vars map[string]any, v any) {
	t.Helper()
	r := post(t, srv, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("query failed: %+v\nquery: %s", r.Errors, query)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// rawQuery runs Cypher on the test database with its own driver, not
// through the code under test: for oracles that tests compare with.
func rawQuery(t testing.TB, cypher string, params map[string]any) [][]any {
	t.Helper()
	ctx := context.Background()
	drv, err := neo4j.NewDriverWithContext(dbtest.URI(), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(res.Records))
	for i, r := range res.Records {
		rows[i] = r.Values
	}
	return rows
}

// withCounter returns a context that counts Cypher round trips.
func withCounter() (context.Context, interface{ Load() int64 }) {
	return neo4jdb.WithQueryCounter(context.Background())
}

// postCounted runs a query in-process, fails the test on GraphQL errors
// and returns the response with the request's Cypher round trips.
func postCounted(t *testing.T, db *neo4jdb.DB, name, query string, vars map[string]any) (gqlResponse, int64) {
	t.Helper()
	ctx, counter := withCounter()
	r := postCtx(t, db, ctx, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", name, r.Errors)
	}
	return r, counter.Load()
}

// postCtx runs a query through the handler in-process with ctx, so the
// caller's query counter sees every round trip of this request.
func postCtx(t *testing.T, db *neo4jdb.DB, ctx context.Context, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return postHandler(t, server.New(server.Options{Config: config.Defaults().Server, Store: db, Writer: curation.New(db, nil, nil), Health: db}), ctx, query, vars)
}

// postHandler is postCtx through a given handler, for requests that must
// share one server's state (such as the known theme slugs).
func postHandler(t *testing.T, h http.Handler, ctx context.Context, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body.String())
	}
	r.status = rec.Code
	return r
}
