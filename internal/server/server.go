// Package server builds civicgraph's HTTP handler: GraphQL over HTTP
// (POST and GET, automatic persisted queries) with depth, complexity,
// body-size and time limits, bearer-token auth for mutations, CORS from an
// allowlist, and the operational endpoints /healthz and /readyz.
//
// The handler keeps no state between requests apart from the APQ and
// parsed-query caches (both bounded by bytes, both allowed to miss: a
// client resends the full query) and its in-flight counter, so several
// instances can run behind a load balancer.
//
// Hostile clients meet, in order: load shedding (503 + Retry-After when
// MaxInFlight requests are running), the request deadline, transport
// checks (method, content type, body size also for chunked bodies, JSON
// shape; errors coded, the body never echoed), document limits before
// parsing or caching (graph.DocumentLimits), depth and complexity, and at
// run time a cap on Cypher statements per request (the adapter's budget).
package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/tracing"
)

// Options are the handler's dependencies.
type Options struct {
	Config config.Server
	// Store serves every read area of the resolvers (graph.Store);
	// Writer the mutations (internal/curation.Service).
	Store  graph.Store
	Writer graph.Curator
	// Health answers /readyz; nil means the server has no dependency to
	// wait for, and /readyz answers ready.
	Health Health
	Logger *slog.Logger
	// Instrument, if set, wraps each GraphQL request's context and returns
	// a function reporting the number of database round trips it made.
	Instrument func(context.Context) (context.Context, func() int64)
	// Explorer, if set, is served at / (the web explorer and GraphiQL).
	Explorer http.Handler
	// Heavy, if set, wraps the context of heavy requests (see isHeavy);
	// the server's main gives them one Cypher statement at a time.
	Heavy func(context.Context) context.Context
	// Limits bound each document; zero means graph.DefaultDocumentLimits
	// with MaxDepth from Config.
	Limits *graph.DocumentLimits
	// Exports, if set, serves GET /export/… and GET /initiative/{key}.jsonld
	// (internal/export.Handler), behind the same load shedding as GraphQL.
	Exports http.Handler
	// Metrics, if set, serves GET /metrics.
	Metrics http.Handler
	// Observer, if set, is told each GraphQL request's duration and
	// operation type and each error's code (internal/metrics).
	Observer Observer
}

// Health is a readiness check (internal/neo4jdb.DB.Ready: the database
// answers and its schema is applied).
type Health interface {
	Ready(ctx context.Context) error
}

// Observer receives request metrics.
type Observer interface {
	// Request: operation is query, mutation, subscription, or "" when the
	// request was refused before an operation was known. Never the
	// client's operation name.
	Request(operation string, d time.Duration)
	// Error: one error of a response, by extensions.code.
	Error(code string)
}

// Handler-wide limits (README "Limits and hostile clients").
const (
	// MaxErrors is how many errors one response lists; the rest are
	// counted in one more error coded TOO_MANY_ERRORS.
	MaxErrors = 20
	// Parsed documents are cached up to this many bytes of query text in
	// all (a parsed document takes about 20 times its text), and never
	// one over queryCacheEntry.
	queryCacheBytes = 2 << 20
	queryCacheEntry = 32 << 10
	// APQ keeps query texts up to this many bytes.
	apqCacheBytes = 4 << 20
	apqCacheEntry = 64 << 10
)

// New returns the HTTP handler.
func New(o Options) http.Handler {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	gql := NewGraphQL(o, log)

	mux := http.NewServeMux()
	mux.Handle("/graphql", observe(o.Observer, limitClients(o.Config, shed(o.Config.MaxInFlight, withTimeout(o.Config.RequestTimeout,
		checkTransport(o.Config.MaxBodyBytes, authenticate(o.Config.Tokens, bookmarks(perRequest(instrument(o, log, gql))))))))))
	if o.Exports != nil {
		eh := shed(o.Config.MaxInFlight, o.Exports)
		mux.Handle("GET /export/", eh)
		// /initiative/{key} is also an explorer page: only the .jsonld
		// rendering is the export's.
		mux.Handle("GET /initiative/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".jsonld") || o.Explorer == nil {
				eh.ServeHTTP(w, r)
				return
			}
			o.Explorer.ServeHTTP(w, r)
		}))
	}
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if o.Health == nil {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
			return
		}
		if err := o.Health.Ready(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": domain.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if o.Explorer != nil {
		mux.Handle("/", o.Explorer)
	}
	return sortPreflightHeaders(corsHandler(o.Config.CORSOrigins).Handler(mux))
}

// NewGraphQL returns the gqlgen handler with explicit transports and
// extensions.
func NewGraphQL(o Options, log *slog.Logger) *handler.Server {
	cfg := graph.Config{Resolvers: graph.NewResolver(o.Store, o.Writer), Complexity: graph.Complexity()}
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	docs := newBoundedCache(queryCacheBytes, queryCacheEntry, 1000, func(q string, _ *ast.QueryDocument) int { return len(q) })
	srv.SetQueryCache(docs)
	srv.SetValidationRulesFn(graph.ValidationRules)
	limits := graph.DefaultDocumentLimits()
	if o.Limits != nil {
		limits = *o.Limits
	} else if o.Config.MaxDepth > 0 {
		limits.MaxDepth = o.Config.MaxDepth
	}
	limits.Known = docs.Contains
	srv.SetParserTokenLimit(limits.MaxTokens)
	srv.Use(extension.Introspection{})
	size := o.Config.APQCacheSize
	if size <= 0 {
		size = 1000
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newBoundedCache(apqCacheBytes, apqCacheEntry, size, func(k, q string) int { return len(k) + len(q) })})
	// After APQ (which resolves a hash to its query), before parsing.
	srv.Use(limits)
	srv.Use(extension.FixedComplexityLimit(max(o.Config.MaxComplexity, 1)))
	srv.Use(operationChecks{})
	srv.Use(graph.Loaders(o.Store))
	base := graph.ErrorPresenter(log)
	present := base
	if o.Observer != nil {
		present = func(ctx context.Context, err error) *gqlerror.Error {
			e := base(ctx, err)
			code, _ := e.Extensions["code"].(string)
			o.Observer.Error(code)
			return e
		}
	}
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(graph.Recover(log))
	srv.AroundResponses(capErrors)
	srv.AroundResponses(reportCost(max(o.Config.MaxComplexity, 1)))
	srv.AroundOperations(traceOperation)
	heavy := make(chan struct{}, HeavyConcurrency)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil {
			noteOperation(ctx, string(oc.Operation.Operation))
		}
		if oc.Operation != nil && oc.Operation.Operation == ast.Mutation && !authenticated(ctx) {
			observeError(o.Observer, domain.EUNAUTH) // answered here, past the presenter
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "mutations need a valid bearer token (Authorization: Bearer <token>)",
				Extensions: map[string]any{"code": domain.EUNAUTH},
			}}})
		}
		if isHeavy(ctx, oc) {
			// Heavy requests queue among themselves, so a few clients
			// sending them back to back use one lane of the database,
			// not all of it.
			select {
			case heavy <- struct{}{}:
			case <-ctx.Done():
				observeError(o.Observer, domain.EUNAVAILABLE)
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
					Message:    "request timed out waiting for its turn among expensive requests",
					Extensions: map[string]any{"code": domain.EUNAVAILABLE},
				}}})
			}
			var once sync.Once
			var answered atomic.Bool
			release := func() { once.Do(func() { <-heavy }) }
			context.AfterFunc(ctx, func() {
				if !answered.Load() { // the answer was never asked for
					release()
				}
			})
			if o.Heavy != nil {
				ctx = o.Heavy(ctx)
			}
			res := next(ctx)
			return func(ctx context.Context) *graphql.Response {
				answered.Store(true)
				start := time.Now()
				resp := res(ctx)
				// The lane rests as long as the request ran (at most a
				// second), so heavy requests get at most half of one lane
				// however many clients send them back to back.
				time.AfterFunc(min(time.Since(start), time.Second), release)
				return resp
			}
		}
		return next(ctx)
	})
	return srv
}

// Heavy requests, those with complexity of at least HeavyComplexity or
// more than HeavyRootFields root fields, run HeavyConcurrency at a time per
// process, one Cypher statement at a time (Options.Heavy), and each holds
// its lane for as long again after it finished (at most 1 s more): two
// clients sending them back to back then use at most half of one lane of
// the database, and everyone else's latency stays near its baseline.
const (
	HeavyComplexity  = 1000
	HeavyRootFields  = 4
	HeavyConcurrency = 1
)

func isHeavy(ctx context.Context, oc *graphql.OperationContext) bool {
	if oc.Operation == nil {
		return false
	}
	if st := extension.GetComplexityStats(ctx); st != nil && st.Complexity >= HeavyComplexity {
		return true
	}
	return len(graphql.CollectFields(oc, oc.Operation.SelectionSet, nil)) > HeavyRootFields
}

// CodeMethodNotAllowed is the code of requests with the wrong HTTP method
// (also mutations over GET).
const CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"

func init() {
	errcode.RegisterErrorType(CodeMethodNotAllowed, errcode.KindProtocol)
}

// operationChecks is the last operation-context mutator, so it runs only
// for documents that passed parsing, validation, depth and complexity: it
// refuses mutations sent over GET (coded, before gqlgen's uncoded 406)
// and then lets the request's cache additions through (commitCache).
type operationChecks struct{}

func (operationChecks) ExtensionName() string                   { return "OperationChecks" }
func (operationChecks) Validate(graphql.ExecutableSchema) error { return nil }
func (operationChecks) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation != nil && oc.Operation.Operation != ast.Query && isGET(ctx) {
		err := gqlerror.Errorf("%s operations need POST; GET allows only queries", oc.Operation.Operation)
		err.Extensions = map[string]any{"code": CodeMethodNotAllowed}
		return err
	}
	commitPending(ctx)
	return nil
}

// capErrors keeps the first MaxErrors errors of a response and replaces
// the rest by one error that counts them.
func capErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > MaxErrors {
		more := len(resp.Errors) - MaxErrors
		resp.Errors = append(resp.Errors[:MaxErrors:MaxErrors], &gqlerror.Error{
			Message:    fmt.Sprintf("%d more errors not shown", more),
			Extensions: map[string]any{"code": "TOO_MANY_ERRORS", "omitted": more},
		})
	}
	return resp
}

// reportCost puts extensions.cost {requested, limit} on every response:
// requested is the operation's complexity by the rules of the limit
// (graph.Complexity; the SDL's @cost and @listSize state them), limit the
// server's --max-complexity. requested is absent when the document was
// refused before its cost was computed (QUERY_TOO_LARGE, parse and
// validation errors).
func reportCost(limit int) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		cost := map[string]any{"limit": limit}
		if st := extension.GetComplexityStats(ctx); st != nil {
			cost["requested"] = st.Complexity
		}
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = cost
		return resp
	}
}

// traceOperation wraps each GraphQL operation in a server span (see
// internal/tracing): named "{type} {name}" as the semantic conventions
// ask, with graphql.operation.type and graphql.operation.name, joined to
// the caller's trace when the request carries a W3C traceparent, and
// marked failed with the first error's code. The Cypher statements it
// runs are its children. With tracing off it costs a no-op span.
func traceOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if !tracing.On() {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	kind, name := "unknown", oc.OperationName
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	ctx = otel.GetTextMapPropagator().Extract(ctx, propagation.HeaderCarrier(oc.Headers))
	spanName := kind
	if name != "" {
		spanName += " " + name
	}
	ctx, span := tracing.Start(ctx, spanName, trace.SpanKindServer, func() []attribute.KeyValue {
		attrs := []attribute.KeyValue{attribute.String("graphql.operation.type", kind)}
		if name != "" {
			attrs = append(attrs, attribute.String("graphql.operation.name", name))
		}
		return attrs
	})
	res := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := res(ctx)
		if resp == nil {
			span.End()
			return nil
		}
		if len(resp.Errors) > 0 {
			code, _ := resp.Errors[0].Extensions["code"].(string)
			span.SetAttributes(attribute.String("error.type", code), attribute.Int("graphql.errors", len(resp.Errors)))
			span.SetStatus(codes.Error, code)
		}
		span.End()
		return resp
	}
}

// BookmarkHeader carries Neo4j bookmarks for read-your-writes across API
// servers: a response whose request wrote sets it to the bookmarks of its
// write; a request that sends it (one header, comma-separated, or several)
// makes its reads wait until the database serving them has that write.
const BookmarkHeader = "Civicgraph-Bookmark"

// Bounds on what a client may send in BookmarkHeader.
const (
	maxBookmarks     = 16
	maxBookmarkBytes = 256
)

// bookmarks reads the client's bookmarks into the request context and
// writes those of the request's writes into the response header, which
// gqlgen has not written yet when the resolvers return.
func bookmarks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in []string
		for _, v := range r.Header.Values(BookmarkHeader) {
			for _, b := range strings.Split(v, ",") {
				if b = strings.TrimSpace(b); b != "" {
					in = append(in, b)
				}
			}
		}
		if len(in) > maxBookmarks {
			writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", fmt.Sprintf("at most %d bookmarks in %s", maxBookmarks, BookmarkHeader))
			return
		}
		for _, b := range in {
			if len(b) > maxBookmarkBytes {
				writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", fmt.Sprintf("a bookmark in %s is longer than %d bytes", BookmarkHeader, maxBookmarkBytes))
				return
			}
		}
		ctx, out := domain.WithBookmarks(r.Context(), in)
		next.ServeHTTP(&bookmarkWriter{ResponseWriter: w, out: out}, r.WithContext(ctx))
	})
}

// bookmarkWriter sets BookmarkHeader just before the response starts.
type bookmarkWriter struct {
	http.ResponseWriter
	out     func() []string
	written bool
}

func (b *bookmarkWriter) header() {
	if !b.written {
		b.written = true
		if bms := b.out(); len(bms) > 0 {
			b.Header().Set(BookmarkHeader, strings.Join(bms, ","))
		}
	}
}

func (b *bookmarkWriter) WriteHeader(code int) { b.header(); b.ResponseWriter.WriteHeader(code) }

func (b *bookmarkWriter) Write(p []byte) (int, error) { b.header(); return b.ResponseWriter.Write(p) }

// Unwrap lets http.ResponseController reach the underlying writer.
func (b *bookmarkWriter) Unwrap() http.ResponseWriter { return b.ResponseWriter }

type authKey struct{}

func authenticated(ctx context.Context) bool {
	ok, _ := ctx.Value(authKey{}).(bool)
	return ok
}

// authenticate marks requests that carry one of the configured bearer
// tokens. Tokens are compared as SHA-256 digests in constant time, so
// neither their content nor their length leaks through timing; they are
// never logged.
func authenticate(tokens []string, next http.Handler) http.Handler {
	digests := tokenDigests(tokens)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bearerIndex(digests, r) >= 0 {
			r = r.WithContext(context.WithValue(r.Context(), authKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

func tokenDigests(tokens []string) [][32]byte {
	digests := make([][32]byte, len(tokens))
	for i, t := range tokens {
		digests[i] = sha256.Sum256([]byte(t))
	}
	return digests
}

// bearerIndex returns which configured token (by its digest) the request
// carries, or -1. Every digest is compared, in constant time.
func bearerIndex(digests [][32]byte, r *http.Request) int {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || len(digests) == 0 {
		return -1
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	found := -1
	for i, d := range digests {
		if subtle.ConstantTimeCompare(got[:], d[:]) == 1 {
			found = i
		}
	}
	return found
}

// shed bounds the GraphQL requests running at once: over maxInFlight a
// request is answered at once with 503, Retry-After and the code
// OVERLOADED instead of queueing behind the others.
func shed(maxInFlight int, next http.Handler) http.Handler {
	if maxInFlight <= 0 {
		return next
	}
	slots := make(chan struct{}, maxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		default:
			w.Header().Set("Retry-After", "1")
			writeGraphQLError(w, http.StatusServiceUnavailable, "OVERLOADED", "the server is at capacity; retry in a second")
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

type getKey struct{}

func isGET(ctx context.Context) bool { _, ok := ctx.Value(getKey{}).(bool); return ok }

// checkTransport answers every transport mistake itself, with a code and
// without echoing the request: a method other than GET and POST (405), a
// POST that is not application/json (415), a body over maxBytes, chunked
// or not (413), a body or GET parameters that are not the GraphQL JSON
// shape (400). What passes is exactly what gqlgen's transports accept.
func checkTransport(maxBytes int64, next http.Handler) http.Handler {
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", "protocol upgrades (websockets) are not served")
			return
		}
		switch r.Method {
		case http.MethodGet:
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", "the URL query string is malformed")
				return
			}
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" && !isJSONObject([]byte(v)) {
					writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", "the "+name+" parameter must be a JSON object")
					return
				}
			}
			r = r.WithContext(context.WithValue(r.Context(), getKey{}, true))
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				writeGraphQLError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "POST bodies must be application/json")
				return
			}
			if r.ContentLength > maxBytes {
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "request body is larger than the limit")
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					writeGraphQLError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "request body is larger than the limit")
					return
				}
				writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
				return
			}
			var params struct {
				Query         string         `json:"query"`
				OperationName string         `json:"operationName"`
				Variables     map[string]any `json:"variables"`
				Extensions    map[string]any `json:"extensions"`
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&params); err != nil {
				writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST",
					`the request body must be a JSON object {"query": string, "operationName"?: string, "variables"?: object, "extensions"?: object}`)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeGraphQLError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use POST (or GET for queries)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isJSONObject(b []byte) bool {
	var m map[string]any
	return json.Unmarshal(b, &m) == nil
}

// perRequest gives each request its pending cache additions and its
// error-log state.
func perRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := graph.WithErrorLog(withPending(r.Context()))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sortPreflightHeaders rewrites a preflight's Access-Control-Request-Headers
// into the form rs/cors v1.11 accepts (lower case, sorted, unique, no
// empty elements): browsers send that form, other clients and proxies may
// not, and rs/cors refuses anything else.
func sortPreflightHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if vals, ok := r.Header["Access-Control-Request-Headers"]; ok {
				joined := strings.Join(vals, ",")
				if len(joined) <= 1024 {
					seen := map[string]bool{}
					var names []string
					for _, n := range strings.Split(joined, ",") {
						n = strings.ToLower(strings.TrimSpace(n))
						if n != "" && !seen[n] {
							seen[n] = true
							names = append(names, n)
						}
					}
					sort.Strings(names)
					r.Header["Access-Control-Request-Headers"] = []string{strings.Join(names, ",")}
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds every request; resolvers see the deadline and
// database calls give up with UNAVAILABLE "request timed out".
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// instrument logs each request's duration and database round trips.
func instrument(o Options, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		trips := func() int64 { return -1 }
		if o.Instrument != nil {
			ctx, trips = o.Instrument(ctx)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		log.DebugContext(ctx, "graphql request", "method", r.Method, "duration", time.Since(start), "db_round_trips", trips())
	})
}

func corsHandler(origins []string) *cors.Cors {
	opts := cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Authorization", BookmarkHeader, "Traceparent", "Tracestate"},
		ExposedHeaders: []string{BookmarkHeader},
		MaxAge:         600,
	}
	// Credentials (cookies) are never needed: auth is a bearer header. A
	// wildcard origin is therefore safe and never combined with them.
	opts.AllowCredentials = false
	return cors.New(opts)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeGraphQLError(w http.ResponseWriter, status int, code, msg string) {
	if n, ok := w.(errorNoter); ok {
		n.noteError(code)
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// opKey carries the request's operation holder.
type opKey struct{}

type opHolder struct{ op atomic.Value }

func noteOperation(ctx context.Context, op string) {
	if h, ok := ctx.Value(opKey{}).(*opHolder); ok {
		h.op.Store(op)
	}
}

// errorNoter is the response writer of observe: the server's own error
// answers (transport refusals, load shedding) report their code to it.
type errorNoter interface{ noteError(code string) }

type observedWriter struct {
	http.ResponseWriter
	obs Observer
}

func (w observedWriter) noteError(code string)       { w.obs.Error(code) }
func (w observedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe reports each GraphQL request's duration by operation type, and
// the codes of the errors the server answers itself, to obs.
func observe(obs Observer, next http.Handler) http.Handler {
	if obs == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := &opHolder{}
		next.ServeHTTP(observedWriter{w, obs}, r.WithContext(context.WithValue(r.Context(), opKey{}, h)))
		op, _ := h.op.Load().(string)
		obs.Request(op, time.Since(start))
	})
}

func observeError(obs Observer, code string) {
	if obs != nil {
		obs.Error(code)
	}
}
