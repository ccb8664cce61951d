package domain

import "context"

// Parts says which parts of an initiative a read needs besides its key,
// title and flags (which are always read). A page whose GraphQL selection
// asks only for titles and themes need not read summaries, sources,
// places and awards; the API derives the parts from the selection and the
// store's projection follows them. Store reads of pages (Initiatives,
// InitiativesOf, Search, the targets of SimilarOf) honour WithParts;
// reads by key (InitiativesByKeys, WinnersOf) always return everything,
// so what a per-request cache holds is whole.
type Parts uint8

// The parts of an initiative.
const (
	PartSummary Parts = 1 << iota
	PartSources       // the initiative's own sources (links carry theirs)
	PartPlace         // city and country links
	PartThemes
	PartAwards
	PartsAll = PartSummary | PartSources | PartPlace | PartThemes | PartAwards
)

type partsKey struct{}

// WithParts returns ctx asking store reads of initiatives for parts p only.
// Reads without it return every part.
func WithParts(ctx context.Context, p Parts) context.Context {
	return context.WithValue(ctx, partsKey{}, p)
}

// PartsFrom returns the parts ctx asks for (PartsAll by default).
func PartsFrom(ctx context.Context) Parts {
	if p, ok := ctx.Value(partsKey{}).(Parts); ok {
		return p
	}
	return PartsAll
}
