// Package model holds the GraphQL-only types: gqlgen's generated inputs and
// payloads, plus the connection types whose counts are computed lazily.
package model

import (
	"context"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// InitiativeConnection is a page of initiatives. totalCount and facets are
// resolved only when selected, through the functions set by the resolver
// that built the page, so a page without totalCount costs no count query.
type InitiativeConnection struct {
	Edges    []*InitiativeEdge
	PageInfo *PageInfo
	// Count returns the size of the whole set.
	Count func(ctx context.Context) (int, error)
	// FacetsFn returns the set's facets; nil when the set has no facets
	// (nested connections), in which case empty facets are returned.
	FacetsFn func(ctx context.Context) (*domain.Facets, error)
}

// InitiativeEdge is one initiative of a connection.
type InitiativeEdge struct {
	Cursor string
	Node   *domain.InitiativeRow
}
