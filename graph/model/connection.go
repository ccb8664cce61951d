// Package model holds the GraphQL-only types: gqlgen's generated inputs and
// payloads, plus the connection types the resolvers fill.
package model

import "github.com/civicgraph/civicgraph/internal/domain"

// InitiativeConnection is a page of initiatives with the set's size and
// facets, as the resolver that built it read them: only the parts its
// selection asks for (a page without totalCount costs no count).
type InitiativeConnection struct {
	Edges      []*InitiativeEdge
	PageInfo   *PageInfo
	TotalCount int
	// Facets are empty for nested connections (a city's initiatives).
	Facets *domain.Facets
}

// InitiativeEdge is one initiative of a connection.
type InitiativeEdge struct {
	Cursor string
	Node   *domain.InitiativeRow
}
