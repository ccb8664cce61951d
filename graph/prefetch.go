package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// Prefetching makes the number of Cypher round trips of a request depend
// only on the shape of the query, never on list sizes or on timing.
//
// Dataloaders alone batch by a short time window; under load (or on a
// busy 2-core machine) the resolvers of a long list may straddle two
// windows and split a batch. The store already reads an initiative with
// its city, country name and themes, and a similar link with its target
// and shared themes; what remains are the similar links of a list's
// items. So list resolvers look ahead at the selection of their items and
// fetch their similar links (per distinct arguments, through the links'
// targets) in one batch each, priming the request's loaders.

// maxPrefetchDepth bounds the look-ahead through similar → initiative.
const maxPrefetchDepth = 3

// prefetchPath prefetches for initiatives found under the current field
// at the given path of sub-fields (e.g. "edges", "node" for a
// connection; "initiative" for search hits; none for a plain list).
func prefetchPath(ctx context.Context, s domain.ReadStore, items []*domain.Initiative, path ...string) error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(items) == 0 {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	sels := []ast.SelectionSet{fc.Field.Selections}
	for _, name := range path {
		var next []ast.SelectionSet
		for _, sel := range sels {
			for _, f := range graphql.CollectFields(oc, sel, nil) {
				if f.Name == name {
					next = append(next, f.Selections)
				}
			}
		}
		sels = next
	}
	for _, sel := range sels {
		if err := prefetch(ctx, s, oc, items, sel, 0); err != nil {
			return err
		}
	}
	return nil
}

// prefetch primes the loaders for what sel asks of items.
func prefetch(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative, sel ast.SelectionSet, depth int) error {
	l := loader.For(ctx)
	for _, in := range items {
		l.Initiative.Prime(in.ID, in)
	}
	if depth >= maxPrefetchDepth {
		return nil
	}
	for _, f := range graphql.CollectFields(oc, sel, []string{"Initiative", "Node"}) {
		if f.Name != "similar" {
			continue
		}
		args := f.ArgumentMap(oc.Variables)
		first, dc := 5, true
		if v, ok := args["first"].(int64); ok {
			first = int(v)
		} else if v, ok := args["first"].(int); ok {
			first = v
		}
		if v, ok := args["differentCity"].(bool); ok {
			dc = v
		}
		if first < 1 || first > 50 {
			continue // the resolver reports the error
		}
		if err := prefetchSimilar(ctx, s, oc, items, f.Selections, first, dc, depth); err != nil {
			return err
		}
	}
	return nil
}

func prefetchSimilar(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative,
	sel ast.SelectionSet, first int, dc bool, depth int) error {
	l := loader.For(ctx)
	keys := make([]string, len(items))
	for i, in := range items {
		keys[i] = in.ID
	}
	links, err := s.SimilarOf(ctx, keys, first, dc)
	if err != nil {
		return err
	}
	var next []*domain.Initiative
	seen := map[string]bool{}
	for _, k := range keys {
		l.Similar.Prime(loader.SimilarKey{Key: k, First: first, DifferentCity: dc}, links[k])
		for _, link := range links[k] {
			if link.Target != nil && !seen[link.To] {
				seen[link.To] = true
				next = append(next, link.Target)
			}
		}
	}
	for _, f := range graphql.CollectFields(oc, sel, nil) {
		if f.Name == "initiative" && len(next) > 0 {
			return prefetch(ctx, s, oc, next, f.Selections, depth+1)
		}
	}
	return nil
}
