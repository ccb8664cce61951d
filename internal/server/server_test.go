package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/mock"
	"github.com/civicgraph/civicgraph/internal/server"
)

// Unit tests of the HTTP layer with a fake store; the behaviour against
// the real Neo4j is tested in cmd/civicgraph.

func newHandler(t *testing.T, s *mock.Store, logs io.Writer) http.Handler {
	t.Helper()
	cfg := config.Defaults().Server
	cfg.Tokens = []string{"s3cret-token"}
	cfg.MaxBodyBytes = 2048
	if logs == nil {
		logs = io.Discard
	}
	return server.New(server.Options{Config: cfg, Store: s, Writer: s, Health: s, Logger: slog.New(slog.NewTextHandler(logs, nil))})
}

type resp struct {
	status int
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func call(t *testing.T, h http.Handler, query string, headers ...string) resp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r resp
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("%d: %s", rec.Code, rec.Body.String())
	}
	r.status = rec.Code
	return r
}

func (r resp) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func TestMutationNeedsToken(t *testing.T) {
	var deleted []string
	s := &mock.Store{DeleteInitiativeFn: func(_ context.Context, key string) (bool, error) {
		deleted = append(deleted, key)
		return true, nil
	}}
	h := newHandler(t, s, nil)
	const m = `mutation { deleteInitiative(id: "initiative/x") }`
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "s3cret-token"}, {"Authorization", "Bearer s3cret-tokenX"}} {
		if r := call(t, h, m, hdr...); r.code() != domain.EUNAUTH {
			t.Errorf("headers %v: %+v", hdr, r.Errors)
		}
	}
	if len(deleted) != 0 {
		t.Fatalf("store called without a valid token: %v", deleted)
	}
	r := call(t, h, m, "Authorization", "Bearer s3cret-token")
	if len(r.Errors) > 0 || len(deleted) != 1 || deleted[0] != "x" {
		t.Fatalf("with token: %+v, deleted %v", r.Errors, deleted)
	}
}

func TestErrorsAreCodedAndScrubbed(t *testing.T) {
	var logs bytes.Buffer
	s := &mock.Store{
		AwardYearsFn: func(context.Context) ([]*domain.AwardYear, error) {
			return nil, errors.New("neo4j: syntax error near 'MATCH (secret:Stuff)' at bolt://10.0.0.5:7687")
		},
		InitiativeFn: func(context.Context, string, domain.InitiativePlan) (*domain.InitiativeRow, error) {
			return nil, domain.Errorf(domain.EUNAVAILABLE, "database unavailable")
		},
	}
	h := newHandler(t, s, &logs)
	r := call(t, h, `{ awardYears { year } }`)
	if r.code() != domain.EINTERNAL || r.Errors[0].Message != "internal error" {
		t.Errorf("internal error shown as %+v", r.Errors)
	}
	if !strings.Contains(logs.String(), "secret:Stuff") {
		t.Errorf("internal error not logged: %s", logs.String())
	}
	r = call(t, h, `{ initiative(id: "initiative/a") { title } }`)
	if r.code() != domain.EUNAVAILABLE {
		t.Errorf("unavailable: %+v", r.Errors)
	}
	r = call(t, h, `{ initiatives(first: 500) { totalCount } }`)
	if r.code() != domain.EINVALID {
		t.Errorf("first 500: %+v", r.Errors)
	}
}

func TestReadyz(t *testing.T) {
	ready := errors.New("down")
	s := &mock.Store{ReadyFn: func(context.Context) error { return ready }}
	h := newHandler(t, s, nil)
	get := func(p string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		return rec.Code
	}
	if get("/readyz") != http.StatusServiceUnavailable || get("/healthz") != http.StatusOK {
		t.Errorf("down: readyz %d healthz %d", get("/readyz"), get("/healthz"))
	}
	ready = nil
	if get("/readyz") != http.StatusOK {
		t.Errorf("up: readyz %d", get("/readyz"))
	}
}

func TestLimits(t *testing.T) {
	h := newHandler(t, &mock.Store{}, nil)
	deep := `{ a: node(id: "x") { ... on City { country { cities(first: 1) { country { cities(first: 1) { country { cities(first: 1) { country { cities(first: 1) { country { cities(first: 1) { country { name } } } } } } } } } } } } } }`
	if r := call(t, h, deep); r.code() != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("depth: %+v", r.Errors)
	}
	// A fragment cycle is rejected by validation, never loops.
	cyc := `query { node(id: "x") { ...A } } fragment A on City { country { cities { ...A } } }`
	if r := call(t, h, cyc); len(r.Errors) == 0 {
		t.Error("fragment cycle accepted")
	}
	big := `{ search(query: "` + strings.Repeat("x", 4000) + `") { score } }`
	if r := call(t, h, big); r.status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
		t.Errorf("body limit: %d %+v", r.status, r.Errors)
	}
}

// GraphiQL's standard introspection query nests 15 levels; it must pass
// the depth limit.
func TestIntrospectionAllowed(t *testing.T) {
	h := newHandler(t, &mock.Store{}, nil)
	q := `query IntrospectionQuery { __schema { types { name fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } } } }`
	r := call(t, h, q)
	if len(r.Errors) > 0 || r.Data["__schema"] == nil {
		t.Fatalf("introspection refused: %+v", r.Errors)
	}
}

// TestClientGoneCancelsTheRequest: when the client closes its connection
// while a request runs, the store call sees its context cancelled (and
// with the real driver Neo4j stops the statement: see neo4jdb's
// TestCancelledReadEndsOnTheServer), instead of running to an answer
// nobody reads.
func TestClientGoneCancelsTheRequest(t *testing.T) {
	entered, gone := make(chan struct{}), make(chan error, 1)
	s := &mock.Store{AwardYearsFn: func(ctx context.Context) ([]*domain.AwardYear, error) {
		close(entered)
		select {
		case <-ctx.Done():
			gone <- ctx.Err()
		case <-time.After(10 * time.Second):
			gone <- nil
		}
		return nil, ctx.Err()
	}}
	ts := httptest.NewServer(newHandler(t, s, nil))
	defer ts.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/graphql",
		strings.NewReader(`{"query":"{ awardYears { year } }"}`))
	req.Header.Set("Content-Type", "application/json")
	sent := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		sent <- err
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the store")
	}
	cancel() // the client goes away: its transport closes the connection
	if err := <-sent; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v, want its own cancellation", err)
	}
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Errorf("store call after the client left: context error %v, want context.Canceled", err)
	}
}

// TestCostOnEveryResponse: extensions.cost carries the operation's
// complexity and the limit on answers, on errors and on refusals for
// complexity; a document refused before its cost is known carries the
// limit only.
func TestCostOnEveryResponse(t *testing.T) {
	h := newHandler(t, &mock.Store{}, nil)
	limit := float64(config.Defaults().Server.MaxComplexity)
	cost := func(query string) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var r struct {
			Extensions struct {
				Cost map[string]any `json:"cost"`
			} `json:"extensions"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("%.200s: %v", rec.Body.String(), err)
		}
		if r.Extensions.Cost["limit"] != limit {
			t.Errorf("%.80s: cost %v, want limit %v", query, r.Extensions.Cost, limit)
		}
		return r.Extensions.Cost
	}
	small := cost(`{ themes(first: 2) { edges { node { slug } } } }`)
	big := cost(`{ themes(first: 40) { edges { node { slug } } } }`)
	if s, b := small["requested"].(float64), big["requested"].(float64); s <= 0 || b <= s {
		t.Errorf("requested cost: first 2 → %v, first 40 → %v; want positive and growing with the page", small["requested"], big["requested"])
	}
	over := cost(`{ initiatives(first: 100) { edges { node { similar(first: 100) { initiative { title } } } } } }`)
	if r, _ := over["requested"].(float64); r <= limit {
		t.Errorf("refused for complexity: requested %v, want above the limit %v", over["requested"], limit)
	}
	if broken := cost(`{ themes(first: `); broken["requested"] != nil {
		t.Errorf("refused at parsing: requested %v, want absent", broken["requested"])
	}
}

// TestRateLimitPerClient: with a budget, a client over it gets 429,
// Retry-After and RATE_LIMITED; clients are their configured token or
// their IP, an unknown token counts as its IP, and other clients are not
// affected.
func TestRateLimitPerClient(t *testing.T) {
	cfg := config.Defaults().Server
	cfg.Tokens = []string{"s3cret-token"}
	cfg.RateLimit, cfg.RateBurst = 6, 2 // one request per 10 s, bursts of 2
	h := server.New(server.Options{Config: cfg, Store: &mock.Store{}, Writer: &mock.Store{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	send := func(ip, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := range 2 {
		if rec := send("192.0.2.1", ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
	for _, token := range []string{"", "made-up-token"} {
		rec := send("192.0.2.1", token)
		var r resp
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		if rec.Code != http.StatusTooManyRequests || r.code() != server.CodeRateLimited {
			t.Errorf("over the budget (token %q): %d %s, want 429 %s", token, rec.Code, rec.Body.String(), server.CodeRateLimited)
		}
		if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("over the budget: Retry-After %q", ra)
		}
	}
	if rec := send("192.0.2.1", "s3cret-token"); rec.Code != http.StatusOK {
		t.Errorf("a configured token is its own client: %d", rec.Code)
	}
	if rec := send("198.51.100.7", ""); rec.Code != http.StatusOK {
		t.Errorf("another IP: %d", rec.Code)
	}
}

// TestUnknownValuesOneRule: an unknown theme slug or a code that is not
// ISO 3166-1 is BAD_USER_INPUT on every field that takes one, naming the
// position and not the value; a known theme is looked up once per process.
func TestUnknownValuesOneRule(t *testing.T) {
	lookups := 0
	s := &mock.Store{
		ThemesBySlugsFn: func(_ context.Context, slugs []string) (map[string]*domain.Theme, error) {
			lookups++
			out := map[string]*domain.Theme{}
			for _, s := range slugs {
				if s == "covid-19" {
					out[s] = &domain.Theme{Slug: s}
				}
			}
			return out, nil
		},
		InitiativePageFn: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
			p := &domain.InitiativePage{}
			for _, s := range q.Filter.Themes {
				if s != "covid-19" {
					p.UnknownThemes = append(p.UnknownThemes, s)
				}
			}
			return p, nil
		},
		ThemeTrendsFn:    func(context.Context, []string, []string) ([]domain.ThemeYearCount, error) { return nil, nil },
		ThemeByCountryFn: func(context.Context, []string) ([]domain.ThemeCountryCount, error) { return nil, nil },
		CityRankingFn:    func(context.Context, string, string, int) ([]domain.CityRank, error) { return nil, nil },
		CitiesFn: func(context.Context, []string, string, int, int) ([]domain.Counted[domain.CityRow], int, error) {
			return nil, 0, nil
		},
	}
	h := newHandler(t, s, nil)
	const marker = "nope-zz9"
	for _, q := range []string{
		`{ initiatives(filter: {themes: ["covid-19", "` + marker + `"]}) { edges { cursor } } }`,
		`{ themeTrends(themes: ["` + marker + `"]) { year } }`,
		`{ themeByCountry(themes: ["` + marker + `"]) { count } }`,
		`{ cityRanking(theme: "` + marker + `") { count } }`,
		`{ initiatives(filter: {countries: ["XX"]}) { edges { cursor } } }`,
		`{ cities(countries: ["DE", "Q1"]) { totalCount } }`,
		`{ themeTrends(countries: ["ZZ"]) { year } }`,
		`{ cityRanking(country: "XX") { count } }`,
	} {
		r := call(t, h, q)
		if r.code() != domain.EINVALID {
			t.Errorf("%s: %+v, want %s", q, r.Errors, domain.EINVALID)
			continue
		}
		if strings.Contains(r.Errors[0].Message, marker) {
			t.Errorf("%s: the message echoes the value: %q", q, r.Errors[0].Message)
		}
	}
	before := lookups
	for range 3 {
		if r := call(t, h, `{ themeTrends(themes: ["covid-19"], countries: ["de"]) { year } }`); len(r.Errors) > 0 {
			t.Fatalf("a known theme and country: %+v", r.Errors)
		}
	}
	// The initiatives filter above checked its themes inside its own
	// statement, so covid-19 is confirmed by the first of these calls.
	if lookups != before+1 {
		t.Errorf("a theme was looked up %d times in 3 requests, want once", lookups-before)
	}
}

// TestInitiativePagesAndJSONLD: /initiative/{key} is the explorer's page
// (a shared link or a reload), /initiative/{key}.jsonld the export's.
func TestInitiativePagesAndJSONLD(t *testing.T) {
	cfg := config.Defaults().Server
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, name) })
	}
	h := server.New(server.Options{Config: cfg, Store: &mock.Store{}, Writer: &mock.Store{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Explorer: named("explorer"), Exports: named("export")})
	for path, want := range map[string]string{
		"/initiative/bristols-first-citizens-assembly":        "explorer",
		"/initiative/bristols-first-citizens-assembly.jsonld": "export",
		"/export/places.geojson":                              "export",
		"/":                                                   "explorer",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("GET %s served by %q, want %q", path, got, want)
		}
	}
}
