package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/mock"
	"github.com/civicgraph/civicgraph/internal/server"
)

// The hostile-client cases of issue 14 against the HTTP layer with a fake
// store (the database side is in cmd/civicgraph). Each asserts the figure
// README "Limits and hostile clients" reports.

// refuseWithin is the time a bomb may take to be refused (issue 14: aim
// < 200 ms). Generous for a loaded 2-core machine; the measured times are
// a few milliseconds.
const refuseWithin = 200 * time.Millisecond

// defaultHandler is the handler with the production limits (1 MiB bodies).
func defaultHandler(t *testing.T, s *mock.Store, logs io.Writer, mutate func(*config.Server)) http.Handler {
	t.Helper()
	cfg := config.Defaults().Server
	cfg.Tokens = []string{"s3cret-token"}
	if mutate != nil {
		mutate(&cfg)
	}
	if logs == nil {
		logs = io.Discard
	}
	return server.New(server.Options{Config: cfg, Store: s, Writer: s, Health: s, Logger: slog.New(slog.NewTextHandler(logs, nil))})
}

func postRaw(h http.Handler, contentType string, body io.Reader, contentLength int64) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.Header.Set("Content-Type", contentType)
	req.ContentLength = contentLength
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) resp {
	t.Helper()
	var r resp
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("%d: not JSON: %.300s", rec.Code, rec.Body.String())
	}
	r.status = rec.Code
	return r
}

// aliases returns "{ a0: field a1: field … }" with n aliases.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// fragmentDoubling returns a document whose fragment F_i spreads F_{i-1}
// twice: 2^n fields once expanded, in a few hundred bytes.
func fragmentDoubling(n int) string {
	var b strings.Builder
	b.WriteString("query { awardYears { ...F" + fmt.Sprint(n) + " } }\nfragment F0 on AwardYear { year }\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on AwardYear { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

// nest wraps leaf in n levels of open … close.
func nest(n int, open, leaf, close string) string {
	return "{ " + strings.Repeat(open, n) + leaf + " " + strings.Repeat(close, n) + "}"
}

func repeat(n int, s string) string { return strings.Repeat(s+" ", n) }

// storeThatMustNotRun fails the test if a bomb reached a resolver.
func storeThatMustNotRun(t *testing.T) *mock.Store {
	fail := func() { t.Error("a refused document reached the store") }
	return &mock.Store{
		AwardYearsFn: func(context.Context) ([]*domain.AwardYear, error) { fail(); return nil, nil },
		ThemeCooccurrenceFn: func(context.Context, int) ([]domain.ThemePair, error) {
			fail()
			return nil, nil
		},
		ThemeTrendsFn: func(context.Context, []string, []string) ([]domain.ThemeYearCount, error) { fail(); return nil, nil },
		CitiesFn: func(context.Context, []string, string, int, int) ([]domain.Counted[domain.CityRow], int, error) {
			fail()
			return nil, 0, nil
		},
		InitiativePageFn: func(context.Context, domain.PageQuery) (*domain.InitiativePage, error) {
			fail()
			return &domain.InitiativePage{}, nil
		},
	}
}

func TestBombsRefusedFast(t *testing.T) {
	h := defaultHandler(t, storeThatMustNotRun(t), nil, nil)
	hundredOne := `["` + strings.TrimSuffix(strings.Repeat(`x", "`, 101), `, "`) + `]`
	cases := []struct {
		name, query, code string
	}{
		{"55k __typename aliases (~1 MB)", aliases(55000, "__typename"), "QUERY_TOO_LARGE"},
		{"1000 __schema aliases", aliases(1000, "__schema { types { name } }"), "QUERY_TOO_LARGE"},
		{"2 __schema", aliases(2, "__schema { queryType { name } }"), "QUERY_TOO_LARGE"},
		{"1000 themeCooccurrence aliases", aliases(1000, "themeCooccurrence { count }"), "QUERY_TOO_LARGE"},
		{"1000 awardYears aliases", aliases(1000, "awardYears { year }"), "QUERY_TOO_LARGE"},
		{"21 root fields", aliases(21, "__typename"), "QUERY_TOO_LARGE"},
		{"31 aliases under one root field", "{ themeTrends " + aliases(31, "year") + " }", "QUERY_TOO_LARGE"},
		{"fragment doubling n=24", fragmentDoubling(24), "QUERY_TOO_LARGE"},
		{"fragment doubling n=60", fragmentDoubling(60), "QUERY_TOO_LARGE"},
		{"10k overlapping year fields", "{ awardYears { " + repeat(10000, "year") + "} }", "QUERY_TOO_LARGE"},
		{"20k year fields with @skip", "{ awardYears { " + repeat(20000, "year @skip(if: false)") + "} }", "QUERY_TOO_LARGE"},
		{"depth through fragments", `{ node(id: "x") { ...A } } fragment A on City ` + nest(7, "country { cities { ", "name", "} } "), "DEPTH_LIMIT_EXCEEDED"},
		{"themeTrends(themes:) 101 items", `{ themeTrends(themes: ` + hundredOne + `) { year } }`, domain.EINVALID},
		{"themeTrends(countries:) 101 items", `{ themeTrends(countries: ` + hundredOne + `) { year } }`, domain.EINVALID},
		{"cities(countries:) 101 items", `{ cities(countries: ` + hundredOne + `) { edges { node { name } } } }`, domain.EINVALID},
		{"filter list 101 items", `{ initiatives(filter: {themes: ` + hundredOne + `}) { totalCount } }`, domain.EINVALID},
		{"huge first nested (complexity overflow)", `{ initiatives(first: 2147483647) { edges { node { similar(first: 2147483647) { initiative { similar(first: 2147483647) { initiative { similar(first: 2147483647) { initiative { similar(first: 2147483647) { score } } } } } } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": c.query})
			if len(body) > 1<<20 {
				t.Fatalf("test document is %d bytes, over the body limit", len(body))
			}
			start := time.Now()
			r := decode(t, postRaw(h, "application/json", bytes.NewReader(body), int64(len(body))))
			took := time.Since(start)
			if r.code() != c.code {
				t.Fatalf("code %q, want %q: %+v", r.code(), c.code, r.Errors)
			}
			if took > refuseWithin {
				t.Errorf("refused in %s, want < %s (%d bytes)", took, refuseWithin, len(body))
			}
			t.Logf("%d bytes refused in %s: %s", len(body), took.Round(time.Microsecond), r.Errors[0].Message)
		})
	}
	t.Run("list over the limit in variables", func(t *testing.T) {
		items := make([]string, 101)
		body, _ := json.Marshal(map[string]any{"query": `query($t: [String!]) { themeTrends(themes: $t) { year } }`, "variables": map[string]any{"t": items}})
		r := decode(t, postRaw(h, "application/json", bytes.NewReader(body), int64(len(body))))
		if r.code() != domain.EINVALID {
			t.Fatalf("code %q: %+v", r.code(), r.Errors)
		}
	})
}

// Lists at the limit and the GraphiQL introspection query still pass.
func TestLimitsLetOrdinaryQueriesThrough(t *testing.T) {
	var gotThemes []string
	s := &mock.Store{AwardYearsFn: func(context.Context) ([]*domain.AwardYear, error) { return nil, nil }, ThemeTrendsFn: func(_ context.Context, themes, _ []string) ([]domain.ThemeYearCount, error) {
		gotThemes = themes
		return nil, nil
	}, ThemesBySlugsFn: func(_ context.Context, slugs []string) (map[string]*domain.Theme, error) {
		out := map[string]*domain.Theme{}
		for _, s := range slugs {
			out[s] = &domain.Theme{Slug: s}
		}
		return out, nil
	}}
	h := defaultHandler(t, s, nil, nil)
	hundred := `["` + strings.TrimSuffix(strings.Repeat(`x", "`, 100), `, "`) + `]`
	if r := call(t, h, `{ themeTrends(themes: `+hundred+`) { year } }`); len(r.Errors) > 0 || len(gotThemes) != 100 {
		t.Fatalf("100 themes: %+v (%d)", r.Errors, len(gotThemes))
	}
	if r := call(t, h, "{ themeTrends { "+strings.Trim(aliases(30, "year"), "{}")+" } }"); len(r.Errors) > 0 {
		t.Fatalf("30 aliases: %+v", r.Errors)
	}
	if r := call(t, h, aliases(20, "__typename")); len(r.Errors) > 0 {
		t.Fatalf("20 root fields: %+v", r.Errors)
	}
	start := time.Now()
	if r := call(t, h, fragmentDoubling(9)); len(r.Errors) > 0 || time.Since(start) > refuseWithin {
		t.Fatalf("fragment doubling n=9 (512 fields): %+v in %s", r.Errors, time.Since(start))
	}
	if r := call(t, h, graphiqlIntrospection); len(r.Errors) > 0 || r.Data["__schema"] == nil {
		t.Fatalf("GraphiQL introspection: %+v", r.Errors)
	}
}

// graphiqlIntrospection is GraphiQL's introspection query (fragments
// included), which must stay under every limit.
const graphiqlIntrospection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// rss is the process's resident set size, from /proc/self/status (0
// where there is none).
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// 100 distinct hostile documents of ~1 MB each: before the fix each was
// parsed and cached (~20 MB of heap per document, 3.1 GB RSS in the
// probe). Now none is parsed past the token limit nor cached.
func TestHostileDocumentsDoNotGrowTheHeap(t *testing.T) {
	h := defaultHandler(t, storeThatMustNotRun(t), nil, nil)
	kinds := []func(i int) string{
		func(i int) string { return aliases(55000-i, "__typename") },
		// Under the token limit, refused for complexity after
		// validation: must not be cached either.
		func(i int) string {
			return fmt.Sprintf(`{ x%d: initiatives(first: 100) { edges { node { similar(first: 100) { initiative { title } } } } } }`, i)
		},
	}
	before, rssBefore := heapAfterGC(), rss()
	start := time.Now()
	for i := range 100 {
		for _, kind := range kinds {
			body, _ := json.Marshal(map[string]any{"query": kind(i)})
			r := decode(t, postRaw(h, "application/json", bytes.NewReader(body), int64(len(body))))
			if len(r.Errors) == 0 {
				t.Fatalf("document %d accepted", i)
			}
		}
	}
	took := time.Since(start)
	after := heapAfterGC()
	runtime.KeepAlive(h) // the handler and its caches must be live when measured
	growth := int64(after) - int64(before)
	rssAfter := rss()
	rssGrowth := int64(rssAfter) - int64(rssBefore)
	t.Logf("200 hostile documents (100 of ~1 MB) in %s; heap after GC %d → %d MB (growth %d MB); RSS %d → %d MB (growth %d MB)",
		took.Round(time.Millisecond), before>>20, after>>20, growth>>20, rssBefore>>20, rssAfter>>20, rssGrowth>>20)
	if growth > 100<<20 {
		t.Errorf("heap grew by %d MB, want < 100 MB", growth>>20)
	}
	if rssGrowth > 100<<20 {
		t.Errorf("RSS grew by %d MB, want < 100 MB", rssGrowth>>20)
	}
}

func TestTransportErrorsCoded(t *testing.T) {
	h := defaultHandler(t, &mock.Store{}, nil, func(c *config.Server) { c.MaxBodyBytes = 4096 })
	const marker = "ECHO-ME-NOT"
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"PUT", func() *http.Request {
			return httptest.NewRequest(http.MethodPut, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		}, http.StatusMethodNotAllowed, server.CodeMethodNotAllowed},
		{"text/plain", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"not JSON", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": `+marker+strings.Repeat("x", 3000)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusBadRequest, "BAD_REQUEST"},
		{"wrong JSON shape", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": ["`+marker+`"]}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusBadRequest, "BAD_REQUEST"},
		{"chunked body over the limit", func() *http.Request {
			body := `{"query":"{ search(query: \"` + strings.Repeat("x", 8000) + `\") { score } }"}`
			r := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(body)))
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = -1 // chunked: no Content-Length
			r.TransferEncoding = []string{"chunked"}
			return r
		}, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE"},
		{"mutation over GET", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/graphql?query="+urlEscape(`mutation { deleteInitiative(id: "initiative/x") }`), nil)
		}, http.StatusUnprocessableEntity, server.CodeMethodNotAllowed},
		{"GET variables not JSON", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/graphql?query="+urlEscape(`{ __typename }`)+"&variables="+marker, nil)
		}, http.StatusBadRequest, "BAD_REQUEST"},
		{"websocket upgrade", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
			r.Header.Set("Upgrade", "websocket")
			return r
		}, http.StatusBadRequest, "BAD_REQUEST"},
		{"object literal for a scalar", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ initiative(id: {}) { title } }"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusUnprocessableEntity, domain.EINVALID},
		{"object variable for a scalar", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"query($q: String!) { search(query: $q) { score } }","variables":{"q":{}}}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusUnprocessableEntity, domain.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.req())
			r := decode(t, rec)
			if r.status != c.status || r.code() != c.code {
				t.Errorf("status %d code %q, want %d %q: %s", r.status, r.code(), c.status, c.code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), marker) || rec.Body.Len() > 1024 {
				t.Errorf("answer echoes the request (%d bytes): %.200s", rec.Body.Len(), rec.Body.String())
			}
		})
	}
}

func urlEscape(s string) string {
	r := strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D", `"`, "%22", "/", "%2F", "(", "%28", ")", "%29", ":", "%3A")
	return r.Replace(s)
}

func TestErrorsCapped(t *testing.T) {
	h := defaultHandler(t, &mock.Store{}, nil, nil)
	// 25 unknown fields: 25 validation errors.
	var q strings.Builder
	q.WriteString("{ awardYears {")
	for i := range 25 {
		fmt.Fprintf(&q, " nope%d", i)
	}
	q.WriteString(" } }")
	r := call(t, h, q.String())
	if len(r.Errors) != server.MaxErrors+1 {
		t.Fatalf("%d errors, want %d", len(r.Errors), server.MaxErrors+1)
	}
	last := r.Errors[len(r.Errors)-1]
	if last.Extensions["code"] != "TOO_MANY_ERRORS" || last.Extensions["omitted"] != float64(5) {
		t.Errorf("last error %+v", last)
	}
}

// Twenty root fields failing with an internal error write one log line,
// not twenty; and the INTERNAL line names its cause.
func TestInternalLoggedOncePerRequest(t *testing.T) {
	var logs bytes.Buffer
	s := &mock.Store{AwardYearsFn: func(context.Context) ([]*domain.AwardYear, error) {
		return nil, fmt.Errorf("neo4j: boom")
	}}
	h := defaultHandler(t, s, &logs, nil)
	r := call(t, h, aliases(20, "awardYears { year }"))
	if len(r.Errors) != 20 || r.code() != domain.EINTERNAL {
		t.Fatalf("%d errors, code %q", len(r.Errors), r.code())
	}
	if n := strings.Count(logs.String(), "graphql resolver error"); n != 1 {
		t.Errorf("%d log lines for one request, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "neo4j: boom") {
		t.Errorf("cause not logged: %s", logs.String())
	}
	// Across requests the log is rate-limited: a burst of 20, then 5/s.
	logs.Reset()
	for range 100 {
		call(t, h, `{ awardYears { year } }`)
	}
	if n := strings.Count(logs.String(), "graphql resolver error"); n < 1 || n > 30 {
		t.Errorf("%d log lines for 100 failing requests in a burst, want 1..30", n)
	}
}

func TestLoadShedding(t *testing.T) {
	release := make(chan struct{})
	var entered sync.WaitGroup
	entered.Add(2)
	var calls atomic.Int64
	s := &mock.Store{AwardYearsFn: func(ctx context.Context) ([]*domain.AwardYear, error) {
		if calls.Add(1) <= 2 {
			entered.Done()
			<-release
		}
		return nil, nil
	}}
	h := defaultHandler(t, s, nil, func(c *config.Server) { c.MaxInFlight = 2 })
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); call(t, h, `{ awardYears { year } }`) }()
	}
	entered.Wait()
	body := strings.NewReader(`{"query":"{ awardYears { year } }"}`)
	start := time.Now()
	rec := postRaw(h, "application/json", body, -1)
	took := time.Since(start)
	close(release)
	wg.Wait()
	r := decode(t, rec)
	if r.status != http.StatusServiceUnavailable || r.code() != "OVERLOADED" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("third request: %d %q Retry-After %q", r.status, r.code(), rec.Header().Get("Retry-After"))
	}
	if took > 100*time.Millisecond {
		t.Errorf("shed after %s, want at once", took)
	}
	if r := call(t, h, `{ awardYears { year } }`); len(r.Errors) > 0 {
		t.Errorf("after the others finished: %+v", r.Errors)
	}
}

// rs/cors v1.11 accepts Access-Control-Request-Headers only lower case,
// sorted and unique (as browsers send it); other clients' lists pass too.
func TestPreflightUnsortedHeaders(t *testing.T) {
	h := defaultHandler(t, &mock.Store{}, nil, func(c *config.Server) { c.CORSOrigins = []string{"https://allowed.example"} })
	for _, hdr := range []string{"content-type,authorization", "Content-Type, Authorization", "authorization, content-type, Content-Type", "authorization,content-type"} {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", "https://allowed.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", hdr)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Header().Get("Access-Control-Allow-Origin") != "https://allowed.example" {
			t.Errorf("%q: preflight refused (%d, %v)", hdr, rec.Code, rec.Header())
		}
	}
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "https://allowed.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "x-evil, content-type")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a header outside the allowlist was allowed")
	}
}
