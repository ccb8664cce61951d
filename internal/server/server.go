// Package server builds civicgraph's HTTP handler: GraphQL over HTTP
// (POST and GET, automatic persisted queries) with depth, complexity,
// body-size and time limits, bearer-token auth for mutations, CORS from an
// allowlist, and the operational endpoints /healthz and /readyz.
//
// The handler keeps no state between requests apart from the APQ cache,
// which the APQ protocol allows to miss (a client resends the full query),
// so several instances can run behind a load balancer.
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// Options are the handler's dependencies.
type Options struct {
	Config config.Server
	Store  domain.ReadStore
	Writer domain.WriteStore
	Logger *slog.Logger
	// Instrument, if set, wraps each GraphQL request's context and returns
	// a function reporting the number of database round trips it made.
	Instrument func(context.Context) (context.Context, func() int64)
	// Explorer, if set, is served at / (the web explorer and GraphiQL).
	Explorer http.Handler
}

// New returns the HTTP handler.
func New(o Options) http.Handler {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	gql := NewGraphQL(o, log)

	mux := http.NewServeMux()
	mux.Handle("/graphql", limitBody(o.Config.MaxBodyBytes, withTimeout(o.Config.RequestTimeout,
		authenticate(o.Config.Tokens, loader.Middleware(o.Store, instrument(o, log, gql))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := o.Store.Ready(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": domain.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if o.Explorer != nil {
		mux.Handle("/", o.Explorer)
	}
	return corsHandler(o.Config.CORSOrigins).Handler(mux)
}

// NewGraphQL returns the gqlgen handler with explicit transports and
// extensions.
func NewGraphQL(o Options, log *slog.Logger) *handler.Server {
	cfg := graph.Config{Resolvers: &graph.Resolver{Store: o.Store, Writer: o.Writer}, Complexity: graph.Complexity()}
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	size := o.Config.APQCacheSize
	if size <= 0 {
		size = 1000
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](size)})
	srv.Use(graph.DepthLimit{Max: max(o.Config.MaxDepth, 1)})
	srv.Use(extension.FixedComplexityLimit(max(o.Config.MaxComplexity, 1)))
	srv.SetErrorPresenter(graph.ErrorPresenter(log))
	srv.SetRecoverFunc(graph.Recover(log))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil && oc.Operation.Operation == ast.Mutation && !authenticated(ctx) {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "mutations need a valid bearer token (Authorization: Bearer <token>)",
				Extensions: map[string]any{"code": domain.EUNAUTH},
			}}})
		}
		return next(ctx)
	})
	return srv
}

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
	digests := make([][32]byte, len(tokens))
	for i, t := range tokens {
		digests[i] = sha256.Sum256([]byte(t))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok && len(digests) > 0 {
			got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
			match := 0
			for _, d := range digests {
				match |= subtle.ConstantTimeCompare(got[:], d[:])
			}
			if match == 1 {
				r = r.WithContext(context.WithValue(r.Context(), authKey{}, true))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over max bytes with a GraphQL-shaped 413.
func limitBody(maxBytes int64, next http.Handler) http.Handler {
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "request body is larger than the limit")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
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
		AllowedHeaders: []string{"Content-Type", "Authorization"},
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
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
}
