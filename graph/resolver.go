// Package graph is civicgraph's GraphQL layer: gqlgen's generated executor,
// thin resolvers over the domain stores, per-request loaders and the error
// presenter.
package graph

//go:generate go tool gqlgen generate

import "github.com/civicgraph/civicgraph/internal/domain"

// Resolver holds the resolvers' dependencies, as domain interfaces.
type Resolver struct {
	Store  domain.ReadStore
	Writer domain.WriteStore

	themes domain.KnownThemes // theme slugs confirmed by the store (validate.go)
}
