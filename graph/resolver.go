// Package graph is civicgraph's GraphQL layer: gqlgen's generated executor,
// thin resolvers over the domain stores, per-request loaders and the error
// presenter.
package graph

//go:generate go tool gqlgen generate

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// Resolver holds the resolvers' dependencies, as domain interfaces.
type Resolver struct {
	InitiativeStore InitiativeReader
	PlaceStore      PlaceReader
	ThemeStore      ThemeReader
	GraphStore      GraphReader
	ChartStore      ChartReader
	// LoadStore feeds the per-request dataloaders (fields below lists).
	LoadStore loader.Source
	Writer    Curator

	themes domain.KnownThemes // theme slugs confirmed by the store (validate.go)
}

// loaders returns the request's dataloaders, which Loaders installs
// around every operation. A handler built without it (a test's own
// gqlgen server) still gets correct answers: each field then gets loaders
// of its own, which fetch at once and batch nothing.
func (r *Resolver) loaders(ctx context.Context) *loader.Loaders {
	if l := loader.From(ctx); l != nil {
		return l
	}
	return loader.New(r.LoadStore)
}

// Loaders is the gqlgen extension that gives each operation its own
// dataloaders over store (handler.Server.Use). They live for one
// operation, so no state outlives a request.
func Loaders(store loader.Source) graphql.HandlerExtension { return loaders{store} }

type loaders struct{ store loader.Source }

func (loaders) ExtensionName() string                   { return "Loaders" }
func (loaders) Validate(graphql.ExecutableSchema) error { return nil }
func (l loaders) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(loader.With(ctx, loader.New(l.store)))
}
